package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/converters/duckdbtest"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/validate"
)

// sparkRow is a row the way Spark writes the layout by default: INT96 ts,
// every column nullable, identifiers as JSON text, a double metric, maps
// with nullable values, and a column of its own.
type sparkRow struct {
	TS            *deprecated.Int96  `parquet:"ts,optional"`
	EventKey      *string            `parquet:"event_key,optional"`
	Identifiers   *string            `parquet:"identifiers,optional"`
	InsertID      *string            `parquet:"insert_id,optional"`
	MetricValue   *float64           `parquet:"metric_value,optional"`
	UserProps     map[string]*string `parquet:"user_properties"`
	EventProps    map[string]*string `parquet:"event_properties"`
	PlatformProps map[string]*string `parquet:"platform_properties"`
	BatchID       *string            `parquet:"spark_batch_id,optional"`
}

// The Spark part of the tests: sparkDistinct valid rows, then sparkDups
// rows repeating the first insert_ids, then sparkRejected rows without an
// insert_id.
const (
	sparkPartName = "part-00000-5a1e3c9d-c000.snappy.parquet"
	sparkDistinct = 19_614
	sparkDups     = 33
	sparkRejected = 3
	sparkRows     = sparkDistinct + sparkDups + sparkRejected
	sparkDayMs    = int64(1672531200000) // 2023-01-01T00:00:00Z
)

func ptr[T any](v T) *T { return &v }

// sparkTS is ms after midnight 2023-01-01 UTC, plus 789µs that Hackle
// truncates, as INT96 (nanos of the day, Julian day).
func sparkTS(ms int64) *deprecated.Int96 {
	nanos := ms*1_000_000 + 789_000
	return &deprecated.Int96{uint32(nanos), uint32(nanos >> 32), 2_459_946}
}

func sparkInsertID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i) }

// writeSparkPart writes the Spark part into the folder part.
func writeSparkPart(t *testing.T, part string) {
	t.Helper()
	rows := make([]sparkRow, 0, sparkRows)
	row := func(i int, id *string, key string) sparkRow {
		r := sparkRow{TS: sparkTS(int64(i) * 1000), EventKey: ptr(key), InsertID: id,
			Identifiers:   ptr(fmt.Sprintf(`{"id": "user-%d", "device_id": "dev-%d", "session_id": null}`, i%500, i%700)),
			UserProps:     map[string]*string{"tier": ptr("gold"), "nickname": nil},
			PlatformProps: map[string]*string{"osname": ptr("Android"), "appversion": ptr("1.2.3")},
			BatchID:       ptr("batch-7")}
		if i%10 != 0 { // null metric and event_properties on every tenth row
			r.MetricValue = ptr(float64(i%1000) + 0.25)
			r.EventProps = map[string]*string{"product_id": ptr(fmt.Sprint(i))}
		}
		return r
	}
	for i := range sparkDistinct {
		rows = append(rows, row(i, ptr(sparkInsertID(i)), "purchase"))
	}
	for i := range sparkDups { // same insert_id, another event: Hackle keeps the first
		rows = append(rows, row(i, ptr(sparkInsertID(i)), "purchase_retry"))
	}
	for i := range sparkRejected {
		rows = append(rows, row(sparkDistinct+i, nil, "purchase"))
	}
	os.MkdirAll(part, 0o755)
	if err := parquet.WriteFile(filepath.Join(part, sparkPartName), rows); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(part, "_SUCCESS"), nil, 0o644) // Spark's own marker
}

// TestValidatePartitionRefusesSparkPart: --commit does not seal a Spark
// part that is not in the exact schema and holds duplicates and rejected
// rows, below the threshold or not; it says why and touches nothing.
func TestValidatePartitionRefusesSparkPart(t *testing.T) {
	work := t.TempDir()
	part := filepath.Join(work, "bucket", "dt=2023-01-01")
	writeSparkPart(t, part)
	before := snapshot(t, part)

	res := runAgent(t, work, nil, "validate", "--partition", part, "--report-dir", filepath.Join(work, "r0"))
	if res.code != 0 {
		t.Fatalf("validate without --commit, below the threshold: exit %d, want 0\n%s", res.code, res.stderr)
	}
	res = runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--max-error-rate", "0.5", "--report-dir", filepath.Join(work, "r1"))
	if res.code != 3 {
		t.Fatalf("--commit: exit %d, want 3\n%s", res.code, res.stderr)
	}
	rep, _ := readReport(t, filepath.Join(work, "r1"))
	for _, want := range []string{"not in Hackle's exact schema: " + sparkPartName + " [column ts: expected", "found OPTIONAL INT96", "33 duplicate insert_ids", "3 rejected rows", "--rewrite"} {
		if !strings.Contains(rep.OutcomeReason, want) || !strings.Contains(res.stderr, want) {
			t.Errorf("the reason does not say %q:\nreport: %s\nstderr: %s", want, rep.OutcomeReason, res.stderr)
		}
	}
	if rep.Outcome != report.OutcomeRejected || len(rep.Partitions) != 0 {
		t.Errorf("outcome %q, partitions %+v; want rejected and none", rep.Outcome, rep.Partitions)
	}
	c := rep.Counts
	if c.Read != sparkRows || c.Duplicates != sparkDups || c.Rejected != sparkRejected || c.Read != c.Written+c.Rejected+c.Duplicates {
		t.Errorf("counts %+v", c)
	}
	after := snapshot(t, part)
	if len(after) != len(before) {
		t.Errorf("the refused partition changed: %v", sortedKeys(after))
	}
	for name, f := range after {
		if before[name] != f {
			t.Errorf("the refused run changed %s", name)
		}
	}

	// Sealed by an earlier version, with a manifest that claims the schema:
	// still refused, and the seal is called out.
	os.WriteFile(filepath.Join(part, partition.ManifestName), []byte(`{"schema":"`+commit.Schema+`"}`), 0o644)
	res = runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--report-dir", filepath.Join(work, "r2"))
	if res.code != 3 || !strings.Contains(res.stderr, "is sealed already") {
		t.Errorf("a wrongly sealed partition: exit %d, want 3 and a warning that it is sealed\n%s", res.code, res.stderr)
	}
}

// TestValidatePartitionRewrite: --commit --rewrite replaces the Spark part
// with canonical parts of the valid, distinct rows, and the report, the
// summary and the manifest describe those parts. A second run changes
// nothing, and pull imports the result.
func TestValidatePartitionRewrite(t *testing.T) {
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	part := filepath.Join(dest, "dt=2023-01-01")
	writeSparkPart(t, part)

	spark := snapshot(t, dest)
	res := runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--rewrite", "--max-error-rate", "0", "--report-dir", filepath.Join(work, "r0"))
	if res.code != 3 {
		t.Errorf("--rewrite above --max-error-rate 0: exit %d, want 3\n%s", res.code, res.stderr)
	}
	for name, f := range snapshot(t, dest) {
		if spark[name] != f {
			t.Errorf("--rewrite above the threshold changed %s", name)
		}
	}

	res = runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--rewrite", "--report-dir", filepath.Join(work, "r1"))
	if res.code != 0 {
		t.Fatalf("--commit --rewrite: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "replaces the partition's files") || !strings.Contains(res.stderr, sparkPartName) {
		t.Errorf("the log does not say which files were replaced:\n%s", res.stderr)
	}
	if !regexp.MustCompile(`written +19,614 rows`).MatchString(res.stderr) {
		t.Errorf("the summary does not say 19,614 rows written:\n%s", res.stderr)
	}
	if checkCommitted(t, dest) != "committed" {
		t.Fatal("no _SUCCESS after --rewrite")
	}
	if _, err := os.Stat(filepath.Join(part, sparkPartName)); err == nil {
		t.Error("the Spark part is still there")
	}
	m := readManifest(t, part)
	files := checkCanonicalParts(t, part)
	if !slices.Equal(m.Files, files) || m.TotalRows != sparkDistinct || m.Schema != commit.Schema {
		t.Errorf("manifest files %+v total %d, the folder holds %+v", m.Files, m.TotalRows, files)
	}
	v := m.Validation
	if v.Read != sparkRows || v.Written != sparkDistinct || v.Duplicates != sparkDups || v.Rejected != sparkRejected {
		t.Errorf("manifest validation %+v", v)
	}
	if len(m.Sources) != 1 || m.Sources[0].Path != sparkPartName {
		t.Errorf("manifest sources %+v, want the replaced Spark part", m.Sources)
	}
	rep, _ := readReport(t, filepath.Join(work, "r1"))
	if rep.Outcome != report.OutcomeCommitted || rep.Counts.Written != sparkDistinct ||
		len(rep.Partitions) != 1 || rep.Partitions[0].Rows != sparkDistinct || rep.Partitions[0].Files != len(files) {
		t.Errorf("report outcome %q counts %+v partitions %+v", rep.Outcome, rep.Counts, rep.Partitions)
	}
	checkRewrittenRows(t, part)

	before := snapshot(t, dest)
	res = runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--rewrite", "--report-dir", filepath.Join(work, "r2"))
	if res.code != 0 {
		t.Fatalf("second --commit --rewrite: exit %d\n%s", res.code, res.stderr)
	}
	for name, f := range snapshot(t, dest) {
		if before[name] != f {
			t.Errorf("the second run changed %s", name)
		}
	}
	if rep, _ := readReport(t, filepath.Join(work, "r2")); rep.Outcome != report.OutcomeUnchanged {
		t.Errorf("second run: outcome %q: %s", rep.Outcome, rep.OutcomeReason)
	}
	if res := runAgent(t, work, nil, "pull", "--source", dest, "--sink", filepath.Join(work, "sink"), "--date", "2023-01-01"); res.code != 0 {
		t.Errorf("pull of the rewritten partition: exit %d\n%s", res.code, res.stderr)
	}
}

// checkCanonicalParts checks every data file of part is in the exact
// schema, and lists them as a manifest does.
func checkCanonicalParts(t *testing.T, part string) []partition.Part {
	t.Helper()
	var files []partition.Part
	for name, f := range snapshot(t, part) {
		if strings.HasPrefix(name, "_") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(part, name))
		if err != nil {
			t.Fatal(err)
		}
		var rows int64
		if err := parquetfile.ReadFile(strings.NewReader(string(b)), int64(len(b)), func(*validate.Event) error { rows++; return nil }); err != nil {
			t.Errorf("%s is not canonical: %v", name, err)
		}
		files = append(files, partition.Part{Name: name, Size: int64(len(b)), Rows: rows, SHA256: f.sum})
	}
	slices.SortFunc(files, func(a, b partition.Part) int { return strings.Compare(a.Name, b.Name) })
	return files
}

// checkRewrittenRows reads the rewritten partition with our reader and
// with DuckDB: the types are Hackle's, each insert_id is there once with
// its first row, values are as the rules keep them.
func checkRewrittenRows(t *testing.T, part string) {
	t.Helper()
	ids := map[string]*validate.Event{}
	for _, name := range []string{parquetfile.PartName(0)} {
		b, err := os.ReadFile(filepath.Join(part, name))
		if err != nil {
			t.Fatal(err)
		}
		err = parquetfile.ReadFile(strings.NewReader(string(b)), int64(len(b)), func(ev *validate.Event) error {
			if ids[ev.InsertID] != nil {
				t.Errorf("insert_id %s twice", ev.InsertID)
			}
			ids[ev.InsertID] = ev
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(ids) != sparkDistinct {
		t.Errorf("our reader finds %d distinct insert_ids, want %d", len(ids), sparkDistinct)
	}
	ev := ids[sparkInsertID(7)]
	if ev == nil || ev.EventKey != "purchase" || ev.TS != sparkDayMs+7000 || ev.MetricValue.String() != "7.250000" ||
		fmt.Sprint(ev.Identifiers) != "[{device_id dev-7} {id user-7}]" || fmt.Sprint(ev.UserProps) != "[{tier gold}]" {
		t.Errorf("row 7 reads back as %+v", ev)
	}

	glob := duckdbtest.Literal(filepath.Join(part, "*.parquet"))
	if got, want := duckdbColumns(t, glob), canonicalDuckDBColumns; !slices.Equal(got, want) {
		t.Errorf("DuckDB sees columns\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	rows := duckdbtest.Query(t, "SELECT count(*)::VARCHAR AS n, count(DISTINCT insert_id)::VARCHAR AS ids, "+
		"count(*) FILTER (WHERE event_key <> 'purchase')::VARCHAR AS retries, "+
		"count(*) FILTER (WHERE epoch_ms(ts) % 1000 <> 0)::VARCHAR AS subsecond FROM read_parquet("+glob+")")
	if got := fmt.Sprint(rows[0]); got != fmt.Sprintf("map[ids:%d n:%d retries:0 subsecond:0]", sparkDistinct, sparkDistinct) {
		t.Errorf("DuckDB reads %s", got)
	}
}

// canonicalDuckDBColumns is how DuckDB describes Hackle's schema.
var canonicalDuckDBColumns = []string{
	"ts TIMESTAMP WITH TIME ZONE", "event_key VARCHAR", "identifiers MAP(VARCHAR, VARCHAR)", "insert_id VARCHAR",
	"metric_value DECIMAL(24,6)", "user_properties MAP(VARCHAR, VARCHAR)", "event_properties MAP(VARCHAR, VARCHAR)",
	"platform_properties MAP(VARCHAR, VARCHAR)",
}

// duckdbColumns lists "name TYPE" of the Parquet files glob matches.
func duckdbColumns(t *testing.T, glob string) []string {
	var got []string
	for _, r := range duckdbtest.Query(t, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet("+glob+", hive_partitioning=false))") {
		got = append(got, fmt.Sprint(r["column_name"], " ", r["column_type"]))
	}
	return got
}

func readManifest(t *testing.T, part string) *partition.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(part, partition.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m partition.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// TestValidatePartitionSealsCanonicalInPlace: a partition export wrote is
// canonical and clean: --commit (with --rewrite or not) seals it as it is,
// and over export's own commit changes nothing at all.
func TestValidatePartitionSealsCanonicalInPlace(t *testing.T) {
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	part := filepath.Join(dest, "dt=2023-01-01")
	if res := runAgent(t, work, nil, sampleArgs(dest, filepath.Join(work, "r0"), repoFile(t, "testdata/samples/events.ndjson"))...); res.code != 0 {
		t.Fatalf("export: exit %d\n%s", res.code, res.stderr)
	}
	exported := snapshot(t, dest)
	for i, args := range [][]string{{"--commit"}, {"--commit", "--rewrite"}} {
		repDir := filepath.Join(work, fmt.Sprint("r", i+1))
		res := runAgent(t, work, nil, append([]string{"validate", "--partition", part, "--report-dir", repDir}, args...)...)
		if res.code != 0 {
			t.Fatalf("%v over export's commit: exit %d\n%s", args, res.code, res.stderr)
		}
		for name, f := range snapshot(t, dest) {
			if exported[name] != f {
				t.Errorf("%v changed %s of a partition export committed", args, name)
			}
		}
		if rep, _ := readReport(t, repDir); rep.Outcome != report.OutcomeUnchanged {
			t.Errorf("%v: outcome %q: %s", args, rep.Outcome, rep.OutcomeReason)
		}
	}

	os.Remove(filepath.Join(part, "_SUCCESS"))
	os.Remove(filepath.Join(part, "_manifest.json"))
	res := runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--rewrite", "--report-dir", filepath.Join(work, "r3"))
	if res.code != 0 || checkCommitted(t, dest) != "committed" {
		t.Fatalf("--commit --rewrite of the unsealed parts: exit %d\n%s", res.code, res.stderr)
	}
	for name, f := range snapshot(t, part) {
		if !strings.HasPrefix(name, "_") && exported[filepath.Join("dt=2023-01-01", name)].sum != f.sum {
			t.Errorf("%s was rewritten; it was canonical and clean", name)
		}
	}
	if m := readManifest(t, part); m.Schema != commit.Schema || m.TotalRows != 40 || m.Validation.Written != 40 || m.Validation.Duplicates != 0 {
		t.Errorf("manifest %+v", m)
	}
	if strings.Contains(res.stderr, "replaces the partition's files") {
		t.Errorf("a canonical, clean partition was rewritten:\n%s", res.stderr)
	}
}

// writeCanonicalPart writes events with our writer as part's first part.
func writeCanonicalPart(t *testing.T, part string, events []*validate.Event) {
	t.Helper()
	os.MkdirAll(part, 0o755)
	f, err := os.Create(filepath.Join(part, parquetfile.PartName(0)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := parquetfile.NewWriter(f, parquetfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// canonicalEvent is a valid event of 2023-01-01 as export writes it.
func canonicalEvent(i int, insertID string) *validate.Event {
	return &validate.Event{TS: sparkDayMs + int64(i), EventKey: fmt.Sprint("event", i), InsertID: insertID,
		Identifiers:   []validate.KV{{Key: "device_id", Value: "d"}, {Key: "id", Value: "u"}},
		PlatformProps: []validate.KV{{Key: "appversion", Value: "1"}, {Key: "osname", Value: "iOS"}}}
}

// TestValidatePartitionCanonicalDuplicate: one duplicate insert_id in
// canonical parts refuses the seal, whatever the threshold; --rewrite
// keeps the first row, unless it would delete a subfolder it did not read.
func TestValidatePartitionCanonicalDuplicate(t *testing.T) {
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	part := filepath.Join(dest, "dt=2023-01-01")
	writeCanonicalPart(t, part, []*validate.Event{
		canonicalEvent(0, sparkInsertID(1)), canonicalEvent(1, sparkInsertID(2)), canonicalEvent(2, sparkInsertID(1))})

	res := runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--max-error-rate", "1", "--report-dir", filepath.Join(work, "r1"))
	if res.code != 3 || !strings.Contains(res.stderr, "1 duplicate insert_id") || strings.Contains(res.stderr, "exact schema") {
		t.Errorf("one duplicate: exit %d, want 3 naming the duplicate\n%s", res.code, res.stderr)
	}
	if checkCommitted(t, dest) != "uncommitted" {
		t.Fatal("a partition holding a duplicate was sealed")
	}

	hour := filepath.Join(part, "hour=01")
	os.MkdirAll(hour, 0o755)
	os.WriteFile(filepath.Join(hour, "part-0.parquet"), []byte("not read"), 0o644)
	res = runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--rewrite", "--report-dir", filepath.Join(work, "r2"))
	if _, err := os.Stat(filepath.Join(hour, "part-0.parquet")); res.code != 3 || err != nil || !strings.Contains(res.stderr, "subfolder") {
		t.Errorf("--rewrite over a subfolder: exit %d, file %v; want 3 and the subfolder kept\n%s", res.code, err, res.stderr)
	}
	os.RemoveAll(hour)

	res = runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--rewrite", "--report-dir", filepath.Join(work, "r3"))
	if res.code != 0 || checkCommitted(t, dest) != "committed" {
		t.Fatalf("--rewrite: exit %d\n%s", res.code, res.stderr)
	}
	if m := readManifest(t, part); m.TotalRows != 2 || m.Validation.Duplicates != 1 {
		t.Errorf("manifest after --rewrite: %d rows, %d duplicates; want 2 and 1", m.TotalRows, m.Validation.Duplicates)
	}
}

// TestValidatePartitionCanonicalAltered: canonical parts whose rows the
// rules would change (a key not in lower case, an insert_id in upper
// case) are not sealed as they are: the manifest would describe rows the
// files do not hold.
func TestValidatePartitionCanonicalAltered(t *testing.T) {
	work := t.TempDir()
	part := filepath.Join(work, "bucket", "dt=2023-01-01")
	upper := canonicalEvent(1, strings.ToUpper(sparkInsertID(0xab)))
	mixed := canonicalEvent(0, sparkInsertID(1))
	mixed.UserProps = []validate.KV{{Key: "Tier", Value: "gold"}}
	writeCanonicalPart(t, part, []*validate.Event{mixed, upper, canonicalEvent(2, sparkInsertID(3))})

	res := runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--report-dir", filepath.Join(work, "r1"))
	if res.code != 3 || !strings.Contains(res.stderr, "2 rows the rules would change") {
		t.Errorf("exit %d, want 3 saying 2 rows would change\n%s", res.code, res.stderr)
	}
	res = runAgent(t, work, nil, "validate", "--partition", part, "--commit", "--rewrite", "--report-dir", filepath.Join(work, "r2"))
	if res.code != 0 {
		t.Fatalf("--rewrite: exit %d\n%s", res.code, res.stderr)
	}
	var keys []string
	b, _ := os.ReadFile(filepath.Join(part, parquetfile.PartName(0)))
	parquetfile.ReadFile(strings.NewReader(string(b)), int64(len(b)), func(ev *validate.Event) error {
		keys = append(keys, ev.InsertID[:8])
		for _, kv := range ev.UserProps {
			keys = append(keys, kv.Key)
		}
		return nil
	})
	if got := strings.Join(keys, " "); got != "00000001 tier 000000ab 00000003" {
		t.Errorf("rewritten rows: %s", got)
	}
}

// TestValidatePartitionRewriteS3 rewrites the Spark part in an S3 bucket:
// awscli then finds only the canonical part and the markers.
func TestValidatePartitionRewriteS3(t *testing.T) {
	endpoint, env, bucket := newS3Bucket(t, "rewrite")
	work := t.TempDir()
	local := filepath.Join(work, "spark", "dt=2023-01-01")
	writeSparkPart(t, local)
	awsRun(t, endpoint, env, "s3", "cp", "--recursive", filepath.Join(work, "spark"), "s3://"+bucket+"/events/")

	args := []string{"validate", "--partition", "s3://" + bucket + "/events/dt=2023-01-01", "--endpoint", endpoint, "--path-style", "--commit"}
	if res := runAgent(t, work, env, append(args, "--report-dir", filepath.Join(work, "r1"))...); res.code != 3 {
		t.Fatalf("--commit: exit %d, want 3\n%s", res.code, res.stderr)
	}
	if res := runAgent(t, work, env, append(args, "--rewrite", "--report-dir", filepath.Join(work, "r2"))...); res.code != 0 {
		t.Fatalf("--commit --rewrite: exit %d\n%s", res.code, res.stderr)
	}
	listing := awsRun(t, endpoint, env, "s3", "ls", "s3://"+bucket+"/events/dt=2023-01-01/")
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		fields := strings.Fields(line)
		names = append(names, fields[len(fields)-1])
	}
	if want := []string{"000000000000.parquet", "_SUCCESS", "_manifest.json"}; !slices.Equal(names, want) {
		t.Errorf("the partition holds %v, want %v", names, want)
	}
	down := filepath.Join(work, "down")
	awsRun(t, endpoint, env, "s3", "cp", "--recursive", "s3://"+bucket+"/events/dt=2023-01-01/", down)
	if files := checkCanonicalParts(t, down); !slices.Equal(readManifest(t, down).Files, files) {
		t.Errorf("the manifest does not list the files: %+v", files)
	}
}
