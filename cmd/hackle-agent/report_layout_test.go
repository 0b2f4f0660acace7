package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/report"
)

// TestReportDirS3: --report-dir s3://… receives <command>/dt=D/report.json
// and rejects.ndjson, after a committed run and after a rejected one (exit
// 3), and nothing is left in the local working folder.
func TestReportDirS3(t *testing.T) {
	endpoint, env, bucket := newS3Bucket(t, "reports")
	work := t.TempDir()
	copyFile(t, repoFile(t, "testdata/samples/events.ndjson"), filepath.Join(work, "events.ndjson"))
	for _, tt := range []struct {
		command, rate string
		code          int
	}{{"export", "0.5", 0}, {"validate", "0", 3}} {
		args := []string{tt.command, "--input", "events.ndjson", "--date", "2023-01-01", "--max-error-rate", tt.rate,
			"--endpoint", endpoint, "--path-style", "--report-dir", "s3://" + bucket + "/runs"}
		if tt.command == "export" {
			args = append(args, "--dest", "bucket")
		}
		res := runAgent(t, work, env, args...)
		if res.code != tt.code {
			t.Fatalf("%s: exit %d, want %d\n%s", tt.command, res.code, tt.code, res.stderr)
		}
		if !strings.Contains(res.stderr, "s3://"+bucket+"/runs/"+tt.command+"/dt=2023-01-01") {
			t.Errorf("%s: the summary does not name the bucket's report folder:\n%s", tt.command, res.stderr)
		}
		got := filepath.Join(work, "got-"+tt.command)
		awsRun(t, endpoint, env, "s3", "cp", "--recursive", "s3://"+bucket+"/runs/"+tt.command+"/dt=2023-01-01/", got)
		rep, rejects := readReport(t, got)
		if rep.Command != tt.command || rep.Counts.Read != 55 || len(rejects) != int(rep.Counts.Rejected+rep.Counts.Duplicates) || len(rejects) == 0 {
			t.Errorf("%s: report %+v with %d rejects", tt.command, rep.Counts, len(rejects))
		}
	}
	if _, err := os.Stat(filepath.Join(work, report.DefaultRoot)); !os.IsNotExist(err) {
		t.Errorf("a local report folder was written: %v", err)
	}
}

// TestReportFoldersApart: export and validate of one day, and pulls from
// two sources, each keep their own report folder.
func TestReportFoldersApart(t *testing.T) {
	work := t.TempDir()
	copyFile(t, repoFile(t, "testdata/samples/events.ndjson"), filepath.Join(work, "events.ndjson"))
	for _, dest := range []string{"a", "b"} {
		if res := runAgent(t, work, nil, "export", "--input", "events.ndjson", "--date", "2023-01-01", "--max-error-rate", "0.5", "--dest", dest); res.code != 0 {
			t.Fatalf("export: exit %d\n%s", res.code, res.stderr)
		}
		if res := runAgent(t, work, nil, "pull", "--source", dest, "--sink", "sink-"+dest, "--date", "2023-01-01"); res.code != 0 {
			t.Fatalf("pull: exit %d\n%s", res.code, res.stderr)
		}
	}
	if res := runAgent(t, work, nil, "validate", "--input", "events.ndjson", "--date", "2023-01-01", "--max-error-rate", "0.5"); res.code != 0 {
		t.Fatalf("validate: exit %d\n%s", res.code, res.stderr)
	}
	found, _ := filepath.Glob(filepath.Join(work, report.DefaultRoot, "*", "dt=*", "report.json"))
	pulls, _ := filepath.Glob(filepath.Join(work, report.DefaultRoot, "pull", "*", "dt=2023-01-01", "report.json"))
	found = append(found, pulls...)
	commands := map[string]int{}
	for _, f := range found {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rep report.Report
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
		commands[rep.Command]++
	}
	if len(found) != 4 || commands["export"] != 1 || commands["validate"] != 1 || commands["pull"] != 2 {
		t.Errorf("reports %q: %v, want export, validate and one pull per source", found, commands)
	}
	// inspect of the root opens the newest report (validate's).
	res := runAgent(t, work, nil, "inspect", "--plain", report.DefaultRoot)
	if res.code != 0 || !strings.Contains(res.stdout, "validate") {
		t.Errorf("inspect of the report root: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}
