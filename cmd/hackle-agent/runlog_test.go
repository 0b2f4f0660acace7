package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/store/storetest"
)

// jsonLines parses every line of stderr as a JSON object and returns them;
// a line that is not JSON fails the test.
func jsonLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for i, line := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("stderr line %d is not JSON: %v\n%s\nall of stderr:\n%s", i+1, err, line, stderr)
		}
		recs = append(recs, rec)
	}
	return recs
}

// TestRunFinishedJSON: with --log-format json, stderr is JSON lines only
// and the last one is the run finished record with the outcome and the exit
// code, on every kind of exit.
func TestRunFinishedJSON(t *testing.T) {
	sample := repoFile(t, "testdata/samples/events.ndjson")
	for _, tc := range []struct {
		name     string
		args     []string
		env      func(t *testing.T) []string
		code     int
		outcome  string
		reason   string
		read     float64
		noSecret string
	}{
		{name: "committed", args: []string{"export", "--input", sample, "--date", "2023-01-01", "--dest", "bucket", "--max-error-rate", "1"}, code: 0, outcome: "committed", read: 55},
		{name: "threshold", args: []string{"export", "--input", sample, "--date", "2023-01-01", "--dest", "bucket"}, code: 3, outcome: "rejected", reason: "above --max-error-rate 0.01", read: 55},
		{name: "usage", args: []string{"export", "--input", sample, "--no-such-flag"}, code: 1, outcome: "usage_error", reason: "no-such-flag"},
		{name: "usage before the command", args: []string{"--no-such-flag", "export"}, code: 1, outcome: "usage_error", reason: "no-such-flag"},
		{name: "unknown command", args: []string{"exprot"}, code: 1, outcome: "usage_error", reason: `unknown command "exprot"`},
		{name: "inspect without a report", args: []string{"inspect", "no-such-folder"}, code: 1, outcome: "usage_error", reason: "no report.json"},
		{name: "pull of an empty folder", args: []string{"pull", "--source", ".", "--sink", "sink"}, code: 0, outcome: "ok"},
		{name: "validate", args: []string{"validate", "--input", sample, "--date", "2023-01-01", "--max-error-rate", "1"}, code: 0, outcome: "valid", read: 55},
		{name: "wrong credentials", code: 2, outcome: "failed", read: -1, noSecret: "not-the-secret-key-42",
			args: []string{"export", "--input", sample, "--date", "2023-01-01", "--max-error-rate", "1", "--dest", "s3://hackle-no-access/x"},
			env: func(t *testing.T) []string {
				v := storetest.Env(t, "HACKLE_TEST_S3_ENDPOINT", "HACKLE_TEST_S3_ACCESS_KEY")
				return []string{"HACKLE_AGENT_ENDPOINT=" + v[0], "HACKLE_AGENT_PATH_STYLE=true", "AWS_REGION=us-east-1",
					"AWS_ACCESS_KEY_ID=" + v[1], "AWS_SECRET_ACCESS_KEY=not-the-secret-key-42", "AWS_PROFILE=",
					"AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_EC2_METADATA_DISABLED=true"}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var env []string
			if tc.env != nil {
				env = tc.env(t)
			}
			args := append(append([]string{}, tc.args...), "--log-format", "json")
			if tc.name == "usage before the command" || tc.name == "unknown command" || strings.HasPrefix(tc.name, "inspect") {
				args = tc.args
				env = append(env, "HACKLE_AGENT_LOG_FORMAT=json")
			}
			res := runAgent(t, t.TempDir(), env, args...)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", res.code, tc.code, res.stderr)
			}
			recs := jsonLines(t, res.stderr)
			last := recs[len(recs)-1]
			wantLevel := "INFO"
			if tc.code != 0 {
				wantLevel = "ERROR"
			}
			if last["msg"] != "run finished" || last["exit_code"] != float64(tc.code) || last["outcome"] != tc.outcome || last["level"] != wantLevel {
				t.Errorf("last record %v, want run finished, %s, exit %d at %s", last, tc.outcome, tc.code, wantLevel)
			}
			if reason, _ := last["reason"].(string); !strings.Contains(reason, tc.reason) || (tc.code != 0 && reason == "") {
				t.Errorf("reason %q, want %q", reason, tc.reason)
			}
			if tc.read >= 0 && last["read"] != tc.read {
				t.Errorf("read %v, want %v", last["read"], tc.read)
			}
			if _, ok := last["duration_seconds"].(float64); !ok {
				t.Errorf("no duration_seconds in %v", last)
			}
			if tc.noSecret != "" && strings.Contains(res.stderr+res.stdout, tc.noSecret) {
				t.Errorf("the secret key was printed:\n%s", res.stderr)
			}
			if tc.read > 0 {
				parts, _ := last["partitions"].([]any)
				if len(parts) != 1 || parts[0].(map[string]any)["dt"] != "2023-01-01" {
					t.Errorf("partitions %v", last["partitions"])
				}
			}
		})
	}
}

// TestQuietRefusalSaysWhy: -q above the threshold exits 3 with one line
// that gives the reason (it printed nothing before).
func TestQuietRefusalSaysWhy(t *testing.T) {
	sample := repoFile(t, "testdata/samples/events.ndjson")
	for _, format := range []string{"text", "json"} {
		res := runAgent(t, t.TempDir(), nil, "export", "-q", "--log-format", format, "--input", sample, "--date", "2023-01-01", "--dest", "bucket")
		lines := strings.Split(strings.TrimRight(res.stderr, "\n"), "\n")
		if res.code != 3 || len(lines) != 1 || !strings.Contains(lines[0], "above --max-error-rate") || !strings.Contains(lines[0], "exit_code") {
			t.Errorf("%s: exit %d, stderr %d line(s), want 3 and one line with the reason:\n%s", format, res.code, len(lines), res.stderr)
		}
	}
	// A usage error with -q: one line too.
	res := runAgent(t, t.TempDir(), nil, "export", "-q", "--log-format", "text", "--input", sample, "--threads", "0", "--dest", "b")
	if lines := strings.Split(strings.TrimRight(res.stderr, "\n"), "\n"); res.code != 1 || len(lines) != 1 || !strings.Contains(res.stderr, "--threads 0") {
		t.Errorf("usage error with -q: exit %d\n%s", res.code, res.stderr)
	}
}

// TestOutputJSON: --output json prints the result document on stdout, with
// the report embedded; text mode's summary stays on stderr.
func TestOutputJSON(t *testing.T) {
	sample := repoFile(t, "testdata/samples/events.ndjson")
	work := t.TempDir()
	res := runAgent(t, work, nil, "export", "--output", "json", "--log-format", "text", "--input", sample, "--date", "2023-01-01", "--dest", "bucket", "--max-error-rate", "1")
	var doc struct {
		Command  string `json:"command"`
		Outcome  string `json:"outcome"`
		ExitCode int    `json:"exit_code"`
		Counts   struct {
			Read, Written, Rejected, Duplicates int64
		} `json:"counts"`
		Bytes      int64 `json:"bytes"`
		Partitions []struct {
			Date  string `json:"dt"`
			Bytes int64  `json:"bytes"`
		} `json:"partitions"`
		Report struct {
			Outcome string `json:"outcome"`
		} `json:"report"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, res.stdout)
	}
	if res.code != 0 || doc.Command != "export" || doc.Outcome != "committed" || doc.ExitCode != 0 || doc.Report.Outcome != "committed" ||
		doc.Counts.Read != 55 || doc.Counts.Written != 40 || doc.Counts.Rejected != 14 || doc.Counts.Duplicates != 1 ||
		len(doc.Partitions) != 1 || doc.Partitions[0].Bytes <= 0 || doc.Bytes != doc.Partitions[0].Bytes {
		t.Errorf("exit %d, document %+v", res.code, doc)
	}
	if !strings.Contains(res.stderr, "COMMITTED") {
		t.Errorf("the text summary is gone from stderr:\n%s", res.stderr)
	}
	// A usage error has a result document too.
	res = runAgent(t, work, nil, "export", "--output", "json", "--dest", "b", "--input", sample, "--threads", "0")
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil || doc.ExitCode != 1 || doc.Outcome != "usage_error" {
		t.Errorf("usage error: %v %+v\n%s", err, doc, res.stdout)
	}
}

// promSample is one sample line of a Prometheus textfile.
type promSample struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	promMetricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	promLabel      = regexp.MustCompile(`^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,?)`)
)

// parseProm parses the text exposition format strictly enough for the
// textfile collector: HELP and TYPE comments, then name{labels} value
// lines of declared gauges.
func parseProm(t *testing.T, text string) []promSample {
	t.Helper()
	typed := map[string]bool{}
	var out []promSample
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			f := strings.SplitN(rest, " ", 3)
			if len(f) < 3 || (f[0] != "HELP" && f[0] != "TYPE") || !promMetricName.MatchString(f[1]) {
				t.Fatalf("line %d: bad comment %q", n, line)
			}
			if f[0] == "TYPE" {
				if f[2] != "gauge" {
					t.Fatalf("line %d: type %q", n, f[2])
				}
				typed[f[1]] = true
			}
			continue
		}
		name, rest, ok := strings.Cut(line, "{")
		if !ok || !promMetricName.MatchString(name) || !typed[name] {
			t.Fatalf("line %d: bad or undeclared sample %q", n, line)
		}
		s := promSample{name: name, labels: map[string]string{}}
		for !strings.HasPrefix(rest, "}") {
			m := promLabel.FindStringSubmatch(rest)
			if m == nil {
				t.Fatalf("line %d: bad labels %q", n, line)
			}
			s.labels[m[1]] = m[2]
			rest = rest[len(m[0]):]
			if m[3] == "" && !strings.HasPrefix(rest, "}") {
				t.Fatalf("line %d: bad labels %q", n, line)
			}
		}
		v, err := strconv.ParseFloat(strings.TrimPrefix(rest, "} "), 64)
		if err != nil || !strings.HasPrefix(rest, "} ") {
			t.Fatalf("line %d: bad value %q", n, line)
		}
		s.value = v
		out = append(out, s)
	}
	return out
}

func promValue(samples []promSample, name string, labels ...string) (float64, bool) {
	for _, s := range samples {
		if s.name != name {
			continue
		}
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			match = match && s.labels[labels[i]] == labels[i+1]
		}
		if match {
			return s.value, true
		}
	}
	return 0, false
}

// TestMetricsFile: --metrics-file writes a textfile that parses, per
// partition; a failed run afterwards keeps the earlier last success time.
func TestMetricsFile(t *testing.T) {
	sample := repoFile(t, "testdata/samples/events.ndjson")
	work := t.TempDir()
	prom := filepath.Join(work, "metrics", "hackle.prom")
	os.Mkdir(filepath.Dir(prom), 0o755)
	res := runAgent(t, work, nil, "export", "--metrics-file", prom, "--input", sample, "--date", "2023-01-01", "--dest", "bucket", "--max-error-rate", "1")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	b, err := os.ReadFile(prom)
	if err != nil {
		t.Fatal(err)
	}
	ok := parseProm(t, string(b))
	success, found := promValue(ok, "hackle_agent_last_success_timestamp_seconds", "command", "export")
	if !found || success < 1e9 {
		t.Fatalf("no last success timestamp:\n%s", b)
	}
	for name, want := range map[string]float64{"hackle_agent_rows_read": 55, "hackle_agent_rows_written": 40, "hackle_agent_rows_rejected": 14, "hackle_agent_rows_duplicates": 1} {
		if v, found := promValue(ok, name, "command", "export", "dt", "2023-01-01"); !found || v != want {
			t.Errorf("%s{dt=2023-01-01} = %v (found %v), want %v", name, v, found, want)
		}
	}
	if v, _ := promValue(ok, "hackle_agent_bytes", "dt", "2023-01-01"); v <= 0 {
		t.Errorf("hackle_agent_bytes %v", v)
	}
	if v, found := promValue(ok, "hackle_agent_outcome", "outcome", "committed"); !found || v != 1 {
		t.Errorf("outcome committed: %v %v", v, found)
	}

	res = runAgent(t, work, nil, "export", "--metrics-file", prom, "--input", sample, "--date", "2023-01-01", "--dest", "bucket")
	if res.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", res.code, res.stderr)
	}
	b, _ = os.ReadFile(prom)
	failed := parseProm(t, string(b))
	if v, found := promValue(failed, "hackle_agent_last_success_timestamp_seconds", "command", "export"); !found || v != success {
		t.Errorf("last success %v (found %v) after a failed run, want the earlier %v:\n%s", v, found, success, b)
	}
	if v, _ := promValue(failed, "hackle_agent_exit_code"); v != 3 {
		t.Errorf("exit code metric %v, want 3", v)
	}
	if _, found := promValue(failed, "hackle_agent_outcome", "outcome", "rejected"); !found {
		t.Errorf("no outcome rejected:\n%s", b)
	}
	if last, _ := promValue(failed, "hackle_agent_last_run_timestamp_seconds"); last < success {
		t.Errorf("last run %v before the last success %v", last, success)
	}
	if entries, _ := os.ReadDir(filepath.Dir(prom)); len(entries) != 1 {
		t.Errorf("the metrics folder holds %d files, want only the textfile (no temporary left)", len(entries))
	}
}

// TestPullResult: pull's result document and metrics list each partition
// with its status and counts.
func TestPullResult(t *testing.T) {
	sample := repoFile(t, "testdata/samples/events.ndjson")
	work := t.TempDir()
	if res := runAgent(t, work, nil, "export", "--input", sample, "--date", "2023-01-01", "--dest", "bucket", "--max-error-rate", "1"); res.code != 0 {
		t.Fatalf("export: exit %d\n%s", res.code, res.stderr)
	}
	prom := filepath.Join(work, "pull.prom")
	res := runAgent(t, work, nil, "pull", "--source", "bucket", "--sink", "sink", "--output", "json", "--log-format", "json", "--metrics-file", prom)
	var doc struct {
		ExitCode   int `json:"exit_code"`
		Partitions []struct {
			Date    string `json:"dt"`
			Status  string `json:"status"`
			Written int64  `json:"written"`
			Bytes   int64  `json:"bytes"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
		t.Fatalf("stdout: %v\n%s", err, res.stdout)
	}
	jsonLines(t, res.stderr)
	if res.code != 0 || len(doc.Partitions) != 1 || doc.Partitions[0].Status != "imported" || doc.Partitions[0].Written != 40 || doc.Partitions[0].Bytes <= 0 {
		t.Errorf("exit %d, document %+v", res.code, doc)
	}
	b, err := os.ReadFile(prom)
	if err != nil {
		t.Fatal(err)
	}
	if v, found := promValue(parseProm(t, string(b)), "hackle_agent_rows_written", "command", "pull", "dt", "2023-01-01"); v != 40 || !found {
		t.Errorf("rows written %v:\n%s", v, b)
	}
}

// TestOneRow: a count of one is "1 row", in the summary and the outcome.
func TestOneRow(t *testing.T) {
	work := t.TempDir()
	in := filepath.Join(work, "one.ndjson")
	b, err := os.ReadFile(repoFile(t, "testdata/samples/events.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n") // a valid row
	if err := os.WriteFile(in, []byte(first+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runAgent(t, work, nil, "export", "--log-format", "text", "--input", in, "--date", "2023-01-01", "--dest", "bucket")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if strings.Contains(res.stderr, "1 rows") || !strings.Contains(res.stderr, "1 row committed to 1 partition") {
		t.Errorf("want \"1 row\":\n%s", res.stderr)
	}
	bad := filepath.Join(work, "bad.ndjson")
	os.WriteFile(bad, []byte(`{"event_key":"x","ts":"2023-01-01T00:00:00Z"}`+"\n"), 0o644)
	res = runAgent(t, work, nil, "export", "--log-format", "text", "--input", bad, "--date", "2023-01-01", "--dest", "bucket2")
	if res.code != 3 || strings.Contains(res.stderr, "1 rows") || !strings.Contains(res.stderr, "1 of 1 row rejected") {
		t.Errorf("exit %d, want 3 and \"1 of 1 row rejected\":\n%s", res.code, res.stderr)
	}
}
