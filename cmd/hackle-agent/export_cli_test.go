package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestExportUsageErrors checks that each mistake a user makes gets one clear
// line naming what is wrong, exit code 1, and no partition.
func TestExportUsageErrors(t *testing.T) {
	work := t.TempDir()
	sample := repoFile(t, "testdata/samples/events.ndjson")
	txt := filepath.Join(work, "events.txt")
	copyFile(t, sample, txt)
	badYAML := filepath.Join(work, "bad.yaml")
	os.WriteFile(badYAML, []byte("dest: [unclosed\n"), 0o644)
	unknownKey := filepath.Join(work, "typo.yaml")
	os.WriteFile(unknownKey, []byte("destination: ./b\n"), 0o644)
	badMapping := filepath.Join(work, "mapping.yaml")
	os.WriteFile(badMapping, []byte("mapping:\n  event_key: nope\n"), 0o644)
	csv := repoFile(t, "testdata/samples/warehouse.csv")
	dupColumn := filepath.Join(work, "dup.csv")
	os.WriteFile(dupColumn, []byte("insert_id,event_key,ts, event_key\n"), 0o644)

	tests := []struct {
		name string
		args []string
		want string // in the one line printed
	}{
		{"missing input", []string{"--input", filepath.Join(work, "nope.csv")}, `input "` + filepath.Join(work, "nope.csv") + `": no such file`},
		{"glob matching nothing", []string{"--input", filepath.Join(work, "*.parquet")}, "no file matches"},
		{"no input", nil, "no input"},
		{"unknown format", []string{"--input", txt}, `unknown format for extension ".txt"`},
		{"bad --format", []string{"--input", sample, "--format", "xml"}, `unknown format "xml"`},
		{"unreadable config", []string{"--input", sample, "--config", filepath.Join(work, "none.yaml")}, "none.yaml: no such file or directory"},
		{"invalid config YAML", []string{"--input", sample, "--config", badYAML}, "bad.yaml: yaml:"},
		{"unknown config key", []string{"--input", sample, "--config", unknownKey}, `unknown setting "destination"`},
		{"bad date", []string{"--input", sample, "--date", "2023-13-01"}, `--date "2023-13-01": not a date`},
		{"date and range", []string{"--input", sample, "--date", "2023-01-01", "--from", "2023-01-01", "--to", "2023-01-02"}, "either --date or --from/--to"},
		{"unknown time zone", []string{"--input", sample, "--partition-timezone", "Mars/Base"}, "unknown time zone"},
		{"unknown mapping column", []string{"--input", csv, "--config", badMapping, "--date", "2023-01-01"}, `column "nope" (mapped to event_key) not in the input's columns`},
		{"duplicate CSV column", []string{"--input", dupColumn, "--date", "2023-01-01"}, `"event_key" is both column 2 and column 4`},
		{"bad --max-record-lines", []string{"--input", sample, "--max-record-lines", "0"}, "--max-record-lines must be at least 1"},
		{"bad error rate", []string{"--input", sample, "--max-error-rate", "5"}, "--max-error-rate 5"},
		{"unknown flag", []string{"--input", sample, "--nope"}, "flag provided but not defined: -nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dest := filepath.Join(work, "bucket-"+strings.ReplaceAll(tc.name, " ", "-"))
			args := append([]string{"export", "--dest", dest, "--report-dir", filepath.Join(work, "r")}, tc.args...)
			res := runAgent(t, work, nil, args...)
			if res.code != 1 {
				t.Errorf("exit %d, want 1\n%s", res.code, res.stderr)
			}
			// One line that says what is wrong, then the run finished record.
			lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, `"msg":"run finished"`) || !strings.Contains(last, `"exit_code":1`) {
				t.Errorf("the last line is not the run finished record with exit code 1:\n%s", res.stderr)
			}
			if tc.name != "unknown flag" && len(lines) != 2 {
				t.Errorf("printed %d lines, want the error's and the run finished record:\n%s", len(lines), res.stderr)
			}
			if !strings.Contains(res.stderr, tc.want) {
				t.Errorf("stderr %q does not say %q", res.stderr, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dest, "dt=2023-01-01")); err == nil {
				t.Error("a partition was written")
			}
		})
	}
}

// TestExportThreshold: above --max-error-rate nothing is committed, exit 3,
// and the report says why; a previously committed partition stays.
func TestExportThreshold(t *testing.T) {
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	in := repoFile(t, "testdata/samples/events.ndjson")
	res := runAgent(t, work, nil, "export", "--dest", dest, "--report-dir", filepath.Join(work, "r"), "--input", in, "--date", "2023-01-01")
	if res.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dest, "dt=2023-01-01")); err == nil {
		t.Error("a partition was written above the threshold")
	}
	rep, rejects := readReport(t, filepath.Join(work, "r"))
	if rep.Outcome != "rejected" || !rep.Threshold.Exceeded || !strings.Contains(rep.OutcomeReason, "above --max-error-rate 0.01") {
		t.Errorf("report outcome %q %q", rep.Outcome, rep.OutcomeReason)
	}
	if len(rejects) != 15 {
		t.Errorf("%d rejects listed, want 15", len(rejects))
	}
	if !strings.Contains(res.stderr, "REJECTED") || !strings.Contains(res.stderr, "hackle-agent inspect") {
		t.Errorf("summary lacks the outcome or the inspect hint:\n%s", res.stderr)
	}
	res = runAgent(t, work, nil, "export", "--dest", dest, "--report-dir", filepath.Join(work, "r"), "--input", in, "--date", "2023-01-01", "--max-error-rate", "1", "--max-errors", "3")
	if res.code != 3 || !strings.Contains(res.stderr, "above --max-errors 3") {
		t.Errorf("--max-errors: exit %d\n%s", res.code, res.stderr)
	}
}

// TestExportInputForms: gzip, zstd (whatever the name says), stdin and a
// JSON array all give the same partition as the plain NDJSON file.
func TestExportInputForms(t *testing.T) {
	work := t.TempDir()
	sample := repoFile(t, "testdata/samples/events.ndjson")
	plain, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain)
	zw.Close()
	os.WriteFile(filepath.Join(work, "events.ndjson.gz"), gz.Bytes(), 0o644)
	zst, _ := zstd.NewWriter(nil)
	os.WriteFile(filepath.Join(work, "events.ndjson"), zst.EncodeAll(plain, nil), 0o644) // zstd under a plain name
	export := func(name string, stdin []byte, args ...string) string {
		dest := filepath.Join(work, "bucket-"+name)
		args = append([]string{"export", "--dest", dest, "--report-dir", filepath.Join(work, "r-"+name), "--date", "2023-01-01", "--max-error-rate", "0.5"}, args...)
		cmd := exec.Command(binary, args...)
		cmd.Env = cleanEnv()
		cmd.Stdin = bytes.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		b, err := os.ReadFile(filepath.Join(dest, "dt=2023-01-01", "000000000000.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := export("plain", nil, "--input", sample)
	for name, got := range map[string]string{
		"gzip":  export("gzip", nil, "--input", filepath.Join(work, "events.ndjson.gz")),
		"zstd":  export("zstd", nil, "--input", filepath.Join(work, "events.ndjson")),
		"stdin": export("stdin", plain, "--input", "-"),
		"env":   export("env", nil, "--input", sample, "--format", "ndjson"),
	} {
		if got != want {
			t.Errorf("%s input gives a different part file than plain NDJSON", name)
		}
	}
}

// TestExportRangeAndDryRun: a backfill writes each row to its own day; a
// dry run writes nothing at all.
func TestExportRangeAndDryRun(t *testing.T) {
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	in := filepath.Join(work, "two-days.ndjson")
	os.WriteFile(in, []byte(strings.Join([]string{
		`{"insert_id":"8fb8e088-9245-4fce-bb87-7e09d9917ed6","event_key":"a","ts":"2023-01-01T23:59:59.999Z","identifiers":{"id":"1","device_id":"d"},"platform_properties":{"osname":"iOS","appversion":"1"}}`,
		`{"insert_id":"8fb8e088-9245-4fce-bb87-7e09d9917ed7","event_key":"b","ts":"2023-01-02T00:00:00Z","identifiers":{"id":"1","device_id":"d"},"platform_properties":{"osname":"iOS","appversion":"1"}}`,
		`{"insert_id":"8fb8e088-9245-4fce-bb87-7e09d9917ed8","event_key":"c","ts":"2023-01-02T08:59:59+09:00","identifiers":{"id":"1","device_id":"d"},"platform_properties":{"osname":"iOS","appversion":"1"}}`,
	}, "\n")), 0o644)
	res := runAgent(t, work, nil, "export", "--dest", dest, "--input", in, "--from", "2023-01-01", "--to", "2023-01-02", "--dry-run")
	if res.code != 0 {
		t.Fatalf("dry run: exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Error("the dry run created the destination")
	}
	if _, err := os.Stat(filepath.Join(work, "hackle-agent-report", "export", "dt=2023-01-01..2023-01-02", "report.json")); err != nil {
		t.Errorf("the dry run wrote no report in the default folder: %v", err)
	}
	res = runAgent(t, work, []string{"HACKLE_AGENT_DEST=" + dest, "HACKLE_AGENT_FROM=2023-01-01", "HACKLE_AGENT_TO=2023-01-02"}, "export", "--input", in)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	rep, _ := readReport(t, filepath.Join(work, "hackle-agent-report", "export", "dt=2023-01-01..2023-01-02"))
	if len(rep.Partitions) != 2 || rep.Partitions[0].Rows != 2 || rep.Partitions[1].Rows != 1 {
		// 2023-01-02T08:59:59+09:00 is 2023-01-01T23:59:59Z.
		t.Errorf("partitions %+v, want 2023-01-01 with 2 rows and 2023-01-02 with 1", rep.Partitions)
	}
	for _, day := range []string{"2023-01-01", "2023-01-02"} {
		if _, err := os.Stat(filepath.Join(dest, "dt="+day, "_SUCCESS")); err != nil {
			t.Errorf("dt=%s not committed: %v", day, err)
		}
	}
}

// TestConfigPrecedence: a flag beats the environment, which beats the config file.
func TestConfigPrecedence(t *testing.T) {
	work := t.TempDir()
	in := repoFile(t, "testdata/samples/events.ndjson")
	cfg := filepath.Join(work, "c.yaml")
	os.WriteFile(cfg, []byte("dest: "+filepath.Join(work, "from-config")+"\ninput: ["+in+"]\ndate: \"2023-01-01\"\nmax-error-rate: 0.5\n"), 0o644)
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, nil, "from-config"},
		{[]string{"HACKLE_AGENT_DEST=" + filepath.Join(work, "from-env")}, nil, "from-env"},
		{[]string{"HACKLE_AGENT_DEST=" + filepath.Join(work, "from-env")}, []string{"--dest", filepath.Join(work, "from-flag")}, "from-flag"},
	} {
		args := append([]string{"export", "--config", cfg, "-q"}, tc.args...)
		if res := runAgent(t, work, tc.env, args...); res.code != 0 {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
		if _, err := os.Stat(filepath.Join(work, tc.want, "dt=2023-01-01", "_SUCCESS")); err != nil {
			t.Errorf("want the partition in %s: %v", tc.want, err)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	if res := runAgent(t, ".", nil, "--version"); res.code != 0 || !strings.Contains(res.stdout, "hackle-agent version") {
		t.Errorf("--version: exit %d %q", res.code, res.stdout)
	}
	for _, cmd := range []string{"export", "validate"} {
		res := runAgent(t, ".", nil, cmd, "--help")
		if res.code != 0 || !strings.Contains(res.stdout, "--max-error-rate") || !strings.Contains(res.stdout, "HACKLE_AGENT_INPUT") {
			t.Errorf("%s --help: exit %d\n%s", cmd, res.code, res.stdout)
		}
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestConfigForEveryCommand: --config works for every command, not only
// export and validate (docs/exit-codes.md).
func TestConfigForEveryCommand(t *testing.T) {
	work := t.TempDir()
	cfg := filepath.Join(work, "policy.yaml")
	os.WriteFile(cfg, []byte("dest: s3://from-config/events\n"), 0o644)
	res := runAgent(t, work, nil, "policy", "--config", cfg)
	if res.code != 0 || !strings.Contains(res.stdout, "arn:aws:s3:::from-config/events/*") {
		t.Errorf("policy --config: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// A setting pull does not have is another command's: ignored. A
	// setting no command has is a typo.
	os.WriteFile(cfg, []byte("input: x.csv\n"), 0o644)
	if res := runAgent(t, work, nil, "pull", "--config", cfg); res.code != 1 || !strings.Contains(res.stderr, "no source") {
		t.Errorf("a setting of export's: exit %d\n%s", res.code, res.stderr)
	}
	os.WriteFile(cfg, []byte("inputs: x.csv\n"), 0o644)
	if res := runAgent(t, work, nil, "pull", "--config", cfg); res.code != 1 || !strings.Contains(res.stderr, `line 1: unknown setting "inputs"`) {
		t.Errorf("a setting no command has: exit %d\n%s", res.code, res.stderr)
	}
}

// TestExportRangeThresholdPerDay: in a backfill, a day with too many
// rejected rows is not hidden by the good days around it.
func TestExportRangeThresholdPerDay(t *testing.T) {
	work := t.TempDir()
	var b strings.Builder
	for i := 0; i < 300; i++ {
		day, id := "2023-01-02", fmt.Sprintf("8fb8e088-9245-4fce-bb87-%012d", i)
		if i < 5 {
			day = "2023-01-01"
		}
		if i == 0 {
			id = "not-a-uuid" // 1 of 5 rows on 2023-01-01: 20%; 1 of 300 in the run
		}
		fmt.Fprintf(&b, `{"insert_id":%q,"event_key":"a","ts":"%sT12:00:00Z","identifiers":{"id":"1","device_id":"d"},"platform_properties":{"osname":"iOS","appversion":"1"}}`+"\n", id, day)
	}
	in := filepath.Join(work, "e.ndjson")
	os.WriteFile(in, []byte(b.String()), 0o644)
	dest := filepath.Join(work, "bucket")
	res := runAgent(t, work, nil, "export", "--input", in, "--dest", dest, "--from", "2023-01-01", "--to", "2023-01-02")
	if res.code != 3 || !strings.Contains(res.stderr, "2023-01-01: 1 of 5 rows rejected") {
		t.Errorf("exit %d, want 3 naming the bad day\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dest, "dt=2023-01-02")); err == nil {
		t.Error("a day was committed although the run was refused")
	}
	if res := runAgent(t, work, nil, "export", "--input", in, "--dest", dest, "--from", "2023-01-01", "--to", "2023-01-02", "--max-error-rate", "0.25"); res.code != 0 {
		t.Errorf("within the limit: exit %d\n%s", res.code, res.stderr)
	}
}
