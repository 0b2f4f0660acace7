package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// guardDay writes an NDJSON input of n events on day (2023-01-DD): the
// insert_ids are a function of (day, i), so that re-written inputs give the
// same rows. extra adds a property key to every row; fromDay, when not 0,
// makes the first overlap rows reuse the insert_ids of that earlier day.
func guardDay(t *testing.T, dir string, day, n int, extra string, fromDay, overlap int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		idDay := day
		if i < overlap {
			idDay = fromDay
		}
		props := fmt.Sprintf(`"price": %d`, i)
		if extra != "" {
			props += fmt.Sprintf(`, %q: "x"`, extra)
		}
		fmt.Fprintf(&b, `{"insert_id": "%08x-0000-4000-8000-%012x", "event_key": "purchase", "ts": "2023-01-%02dT%02d:%02d:00Z", "identifiers": {"id": "u%d", "device_id": "d%d"}, "event_properties": {%s}, "platform_properties": {"osname": "Android", "appversion": "1.0"}}`+"\n",
			idDay, i, day, i%24, i%60, i, i, props)
	}
	p := filepath.Join(dir, fmt.Sprintf("in-%02d-%d.ndjson", day, n))
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runGuards is the guards scenario on dest (a folder or an s3:// URL with
// args for it): seven normal days of 100 rows, then day 8 at 30 rows with
// a new property key and 5 insert_ids of day 7.
func runGuards(t *testing.T, work, dest string, env []string, extra []string, committed func(day string) bool) {
	export := func(report string, in string, date string, more ...string) result {
		args := append([]string{"export", "--input", in, "--dest", dest, "--date", date, "--report-dir", filepath.Join(work, report)}, extra...)
		return runAgent(t, work, env, append(args, more...)...)
	}
	for day := 1; day <= 7; day++ {
		in := guardDay(t, work, day, 100, "", 0, 0)
		if r := export(fmt.Sprintf("r%d", day), in, fmt.Sprintf("2023-01-%02d", day)); r.code != 0 {
			t.Fatalf("day %d: exit %d\n%s", day, r.code, r.stderr)
		}
	}
	if !committed("2023-01-07") {
		t.Fatal("day 7 is not committed")
	}
	in := guardDay(t, work, 8, 30, "coupon", 7, 5)

	r := export("refused", in, "2023-01-08")
	want := "30 rows is 30% of the median 100 of the 7 committed days 2023-01-01..2023-01-07; below --min-volume-ratio 0.5: nothing committed; --min-volume-ratio 0 to commit anyway"
	if r.code != 3 || !strings.Contains(r.stderr, want) {
		t.Fatalf("a day at 30%% volume: exit %d, want 3 and %q\n%s", r.code, want, r.stderr)
	}
	if committed("2023-01-08") {
		t.Fatal("the refused day was committed")
	}
	rep, _ := readReport(t, filepath.Join(work, "refused"))
	if rep.Outcome != "rejected" || rep.Guards == nil || len(rep.Guards.Volume) != 1 || !rep.Guards.Volume[0].Refused || rep.Guards.Volume[0].Median != 100 {
		t.Fatalf("report: outcome %q guards %+v", rep.Outcome, rep.Guards)
	}

	r = export("drift", in, "2023-01-08", "--min-volume-ratio", "0", "--fail-on-drift")
	if r.code != 3 || !strings.Contains(r.stderr, "new property key event_properties.coupon, in none of the 7 recent committed day(s)") ||
		!strings.Contains(r.stderr, "--fail-on-drift: nothing committed") {
		t.Fatalf("--fail-on-drift with a new property key: exit %d\n%s", r.code, r.stderr)
	}
	if committed("2023-01-08") {
		t.Fatal("the day refused for drift was committed")
	}

	r = export("forced", in, "2023-01-08", "--min-volume-ratio", "0", "--dedup-days", "7")
	if r.code != 0 || !committed("2023-01-08") {
		t.Fatalf("--min-volume-ratio 0: exit %d\n%s", r.code, r.stderr)
	}
	for _, line := range []string{
		"drift       2023-01-08: new property key event_properties.coupon",
		"overlap     2023-01-08: 5 insert_id(s) already committed on 2023-01-07, e.g. 00000007-0000-4000-8000-000000000000",
	} {
		if !strings.Contains(r.stderr, line) {
			t.Errorf("summary lacks %q:\n%s", line, r.stderr)
		}
	}
	rep, _ = readReport(t, filepath.Join(work, "forced"))
	if g := rep.Guards; g == nil || len(g.CrossDayDuplicates) != 1 || g.CrossDayDuplicates[0].EarlierDate != "2023-01-07" ||
		g.CrossDayDuplicates[0].Count != 5 || len(g.CrossDayDuplicates[0].InsertIDs) != 5 || len(g.Drift) != 1 || g.Drift[0].Kind != "property_key_new" {
		t.Fatalf("report guards: %+v", rep.Guards)
	}

	if r := runAgent(t, work, env, "inspect", filepath.Join(work, "forced")); r.code != 0 ||
		!strings.Contains(r.stdout, "Guards      drift       2023-01-08: new property key event_properties.coupon") {
		t.Errorf("inspect does not show the guards: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = export("again", in, "2023-01-08", "--min-volume-ratio", "0", "--dedup-days", "7")
	rep, _ = readReport(t, filepath.Join(work, "again"))
	if r.code != 0 || rep.Outcome != "unchanged" {
		t.Fatalf("re-run: exit %d outcome %q\n%s", r.code, rep.Outcome, r.stderr)
	}
}

// TestExportGuards runs the guards against a local folder, checks that
// re-runs leave the sidecars byte-identical, and that pull and validate
// --partition do not take them for data.
func TestExportGuards(t *testing.T) {
	work := t.TempDir()
	bucket := filepath.Join(work, "bucket")
	runGuards(t, work, bucket, nil, nil, func(day string) bool {
		_, err := os.Stat(filepath.Join(bucket, "dt="+day, "_SUCCESS"))
		return err == nil
	})
	part := filepath.Join(bucket, "dt=2023-01-08")
	for _, f := range []string{"_profile.json", "_insert_ids.bin"} {
		if _, err := os.Stat(filepath.Join(part, f)); err != nil {
			t.Errorf("sidecar %s: %v", f, err)
		}
	}
	if fi, _ := os.Stat(filepath.Join(part, "_insert_ids.bin")); fi == nil || fi.Size() != 30*16 {
		t.Errorf("_insert_ids.bin is not 30 keys of 16 bytes: %v", fi)
	}
	before := snapshot(t, bucket)
	in := guardDay(t, work, 8, 30, "coupon", 7, 5)
	r := runAgent(t, work, nil, "export", "--input", in, "--dest", bucket, "--date", "2023-01-08", "--min-volume-ratio", "0", "--report-dir", filepath.Join(work, "r3"))
	if r.code != 0 {
		t.Fatalf("re-run: exit %d\n%s", r.code, r.stderr)
	}
	after := snapshot(t, bucket)
	for name, st := range before {
		if strings.HasPrefix(name, "_hackle_agent_lock") {
			continue
		}
		if after[name] != st {
			t.Errorf("the re-run changed %s", name)
		}
	}

	if r := runAgent(t, work, nil, "validate", "--partition", part, "--report-dir", filepath.Join(work, "rv")); r.code != 0 {
		t.Fatalf("validate --partition over the sidecars: exit %d\n%s", r.code, r.stderr)
	}
	if r := runAgent(t, work, nil, "pull", "--source", bucket, "--sink", filepath.Join(work, "imported"), "--date", "2023-01-08"); r.code != 0 {
		t.Fatalf("pull: exit %d\n%s", r.code, r.stderr)
	}
	for _, f := range []string{"_profile.json", "_insert_ids.bin"} {
		if _, err := os.Stat(filepath.Join(work, "imported", "dt=2023-01-08", f)); err == nil {
			t.Errorf("pull copied the sidecar %s as data", f)
		}
	}
}

// TestExportGuardsS3 runs the guards against the test S3 server.
func TestExportGuardsS3(t *testing.T) {
	endpoint, env, bucket := newS3Bucket(t, "guards")
	work := t.TempDir()
	runGuards(t, work, "s3://"+bucket+"/events", env, []string{"--endpoint", endpoint, "--path-style"}, func(day string) bool {
		out := awsRun(t, endpoint, env, "s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "events/dt="+day+"/")
		return strings.Contains(out, "dt="+day+"/_SUCCESS") && strings.Contains(out, "dt="+day+"/_insert_ids.bin")
	})
}
