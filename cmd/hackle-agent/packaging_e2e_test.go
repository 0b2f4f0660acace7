package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/report"
)

// TestPackagingEndToEnd runs every packaging example's export command line,
// as written but for its paths and buckets, against the S3 test server,
// with three days of exports in the folder: each run must commit the one
// day it was asked for, reading only that day's exports, and leave that
// day's report where the example keeps it.
func TestPackagingEndToEnd(t *testing.T) {
	endpoint, env, bucket := newS3Bucket(t, "packaging")

	// three days of exports, locally and in the bucket; each day's rows
	// are of that day in UTC and in Asia/Seoul
	work := t.TempDir()
	days := []string{"2023-01-01", "2023-01-02", "2023-01-03"}
	const perDay = 7
	for d, day := range days {
		var b strings.Builder
		for i := range perDay {
			fmt.Fprintf(&b, `{"insert_id":"8fb8e088-9245-4fce-bb87-%06d%06d","event_key":"a","ts":"%sT12:00:00+09:00","identifiers":{"id":"1","device_id":"d"},"platform_properties":{"osname":"iOS","appversion":"1"}}`+"\n", d, i, day)
		}
		// locally gzipped, as the cron and systemd examples read them
		local := filepath.Join(work, "exports", "events", day, "events.ndjson.gz")
		if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
			t.Fatal(err)
		}
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte(b.String()))
		zw.Close()
		if err := os.WriteFile(local, gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		awsRun(t, endpoint, env, "s3", "cp", local, "s3://"+bucket+"/my-exports/events/"+day+"/events.ndjson.gz")
	}

	// the examples' export runs, each with the folder and bucket of this test
	type example struct {
		name string
		run  exampleRun
	}
	var examples []example
	cron, err := os.ReadFile(repoFile(t, "packaging/cron/hackle-agent.cron"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(cron), "\n") {
		if command, err := checkCronLine(line); err == nil && command != "" {
			for _, r := range hackleRuns(t, "cron", command) {
				examples = append(examples, example{"cron", r})
			}
		}
	}
	for _, kv := range unitSettings(t, repoFile(t, "packaging/systemd/hackle-agent-export.service")) {
		if kv[0] == "ExecStart" {
			for _, r := range hackleRuns(t, "systemd", kv[1]) {
				examples = append(examples, example{"systemd", r})
			}
		}
	}
	_, runs, _ := k8sRuns(t, "cronjob.yaml")
	for _, r := range runs {
		examples = append(examples, example{"kubernetes", r})
	}
	if python, err := exec.LookPath("python3"); err == nil {
		out, err := exec.Command(python, "-c", `import ast, sys
for node in ast.walk(ast.parse(open(sys.argv[1]).read())):
    if isinstance(node, ast.keyword) and node.arg == "bash_command":
        print(ast.literal_eval(node.value))`, repoFile(t, "packaging/airflow/hackle_agent_export.py")).Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range hackleRuns(t, "airflow", strings.ReplaceAll(string(out), "{{ ds }}", "2023-01-02")) {
			examples = append(examples, example{"airflow", r})
		}
	}
	if len(examples) != 4 {
		t.Fatalf("%d example runs, want cron, systemd, kubernetes and airflow", len(examples))
	}

	paths := strings.NewReplacer(
		"/exports/events/", filepath.Join(work, "exports", "events")+"/",
		"%S/hackle-agent/", filepath.Join(work, "state")+"/",
		"/var/lib/hackle-agent/", filepath.Join(work, "state")+"/",
		"s3://my-exports/", "s3://"+bucket+"/my-exports/",
		"s3://my-bucket/", "s3://"+bucket+"/my-bucket/",
	)
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			prefix := "s3://" + bucket + "/" + ex.name + "/"
			args := []string{ex.run.args[0]}
			hasDate := false
			for i := 1; i < len(ex.run.args); i++ {
				a := ex.run.args[i]
				switch a {
				case "--config": // the config file is the machine's; --dest below stands for it
					i++
					continue
				case "--date":
					hasDate = true
				case "--dest":
					args = append(args, a, prefix+"hackle")
					i++
					continue
				}
				args = append(args, paths.Replace(a))
			}
			if !hasDate { // the scheduled run's yesterday
				args = append(args, "--date", "2023-01-02")
			}
			if !strings.Contains(strings.Join(args, " "), "--dest") {
				args = append(args, "--dest", prefix+"hackle")
			}
			args = append(args, "--endpoint", endpoint, "--path-style")
			cache := filepath.Join(work, "cache", ex.name)
			os.MkdirAll(cache, 0o755)
			res := runAgent(t, work, append(append([]string{}, env...), "TMPDIR="+cache), args...)
			if res.code != 0 {
				t.Fatalf("hackle-agent %s: exit %d\n%s", strings.Join(args, " "), res.code, res.stderr)
			}
			dest := prefix + "hackle/"
			for i, a := range args {
				if a == "--dest" {
					dest = strings.TrimSuffix(args[i+1], "/") + "/"
				}
			}
			listing := awsRun(t, endpoint, env, "s3", "ls", "--recursive", dest)
			if !strings.Contains(listing, "dt=2023-01-02/_SUCCESS") || strings.Contains(listing, "dt=2023-01-01") || strings.Contains(listing, "dt=2023-01-03") {
				t.Errorf("destination %s holds:\n%s\nwant dt=2023-01-02 committed, and no other day", dest, listing)
			}
			// the report: read only that day's 7 rows, rejected none
			var reportDir string
			for i, a := range args {
				if a == "--report-dir" {
					reportDir = args[i+1]
				}
			}
			reportPath := strings.TrimSuffix(reportDir, "/") + "/export/dt=2023-01-02/report.json"
			var body []byte
			if strings.HasPrefix(reportPath, "s3://") {
				body = []byte(awsRun(t, endpoint, env, "s3", "cp", reportPath, "-"))
			} else if body, err = os.ReadFile(reportPath); err != nil {
				t.Fatalf("the day's report: %v", err)
			}
			var r report.Report
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatalf("report %s: %v", reportPath, err)
			}
			if r.Counts.Read != perDay || r.Counts.Written != perDay || r.Outcome != report.OutcomeCommitted {
				t.Errorf("report %s: outcome %s, counts %+v; want %d rows read and written: that day's exports only", reportPath, r.Outcome, r.Counts, perDay)
			}
		})
	}
}
