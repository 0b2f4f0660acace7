package pull

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/partition"
	sinkfile "github.com/hackle/hackle-agent/agent/pull/sink/file"
	"github.com/hackle/hackle-agent/agent/store"
	storefile "github.com/hackle/hackle-agent/agent/store/file"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/validate"
)

// env is a source store and a file sink (which holds pull's state) in temp dirs.
type env struct {
	t      *testing.T
	src    store.Store
	srcDir string
	sink   *sinkfile.Sink
	report string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	root := t.TempDir()
	e := &env{t: t, srcDir: filepath.Join(root, "bucket"), report: filepath.Join(root, "report")}
	var err error
	if e.src, err = storefile.New(e.srcDir); err != nil {
		t.Fatal(err)
	}
	if e.sink, err = sinkfile.New(filepath.Join(root, "sink"), sinkfile.Options{}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) options() Options {
	return Options{Source: e.src, Sink: e.sink, DedupDays: DefaultDedupDays,
		ReportDir: e.report, TempDir: e.t.TempDir(), Version: "test",
		Log: slog.New(slog.NewTextHandler(testWriter{e.t}, nil))}
}

func (e *env) pull(o Options) *Result {
	e.t.Helper()
	res, err := Run(context.Background(), o)
	if err != nil {
		e.t.Fatalf("Run: %v", err)
	}
	return res
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}

// id is the insert_id number n.
func id(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// events are rows on day date with insert_ids ids.
func events(t *testing.T, date string, ids ...int) []validate.Event {
	d, err := validate.ParseDate(date)
	if err != nil {
		t.Fatal(err)
	}
	var evs []validate.Event
	for i, n := range ids {
		m, _, _ := validate.ParseDecimal(fmt.Sprint(n))
		evs = append(evs, validate.Event{
			TS: d.Start(nil).UnixMilli() + int64(i)*1000, EventKey: "purchase", InsertID: id(n), MetricValue: m,
			Identifiers:   []validate.KV{{Key: "device_id", Value: "d1"}, {Key: "id", Value: "u1"}},
			PlatformProps: []validate.KV{{Key: "appversion", Value: "1.0"}, {Key: "osname", Value: "Android"}},
		})
	}
	return evs
}

func rangeIDs(from, to int) []int {
	var ids []int
	for i := from; i < to; i++ {
		ids = append(ids, i)
	}
	return ids
}

// export commits a partition the way export does: parts, manifest, _SUCCESS.
func (e *env) export(date string, evs []validate.Event, partRows int64) {
	e.t.Helper()
	dir := e.t.TempDir()
	parts := parquetfile.NewParts(dir, parquetfile.Options{PartRows: partRows})
	for i := range evs {
		if err := parts.Write(&evs[i]); err != nil {
			e.t.Fatal(err)
		}
	}
	infos, err := parts.Close()
	if err != nil {
		e.t.Fatal(err)
	}
	m := &partition.Manifest{Format: partition.ManifestFormat, Date: date, Schema: commit.Schema, Files: []partition.Part{}}
	for _, p := range infos {
		m.Files = append(m.Files, partition.Part{Name: p.Name, Size: p.Size, Rows: p.Rows, SHA256: p.SHA256})
		m.TotalRows += p.Rows
		m.TotalBytes += p.Size
	}
	p := &commit.Partition{Date: date, Dir: dir, Manifest: m}
	if _, err := commit.Publish(context.Background(), e.src, p, slog.New(slog.DiscardHandler)); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) put(key string, data []byte) {
	e.t.Helper()
	if err := e.src.Put(context.Background(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		e.t.Fatal(err)
	}
}

// sinkRows reads every row of day date from the file sink.
func (e *env) sinkRows(date string) []*validate.Event {
	e.t.Helper()
	var out []*validate.Event
	files, _ := filepath.Glob(filepath.Join(e.sink.PartitionDir(date), "*.parquet"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			e.t.Fatal(err)
		}
		err = parquetfile.ReadFile(bytes.NewReader(b), int64(len(b)), func(ev *validate.Event) error {
			out = append(out, ev)
			return nil
		})
		if err != nil {
			e.t.Fatal(err)
		}
	}
	return out
}

// checkSink asserts the sink holds exactly the insert_ids ids for date.
func (e *env) checkSink(date string, ids ...int) {
	e.t.Helper()
	rows := e.sinkRows(date)
	got := map[string]int{}
	for _, r := range rows {
		got[r.InsertID]++
	}
	for _, n := range ids {
		if got[id(n)] != 1 {
			e.t.Errorf("sink dt=%s: insert_id %d appears %d times, want once", date, n, got[id(n)])
		}
	}
	if len(rows) != len(ids) {
		e.t.Errorf("sink dt=%s: %d rows, want %d", date, len(rows), len(ids))
	}
}

func status(res *Result) map[string]Status {
	m := map[string]Status{}
	for _, p := range res.Partitions {
		m[p.Date] = p.Status
	}
	return m
}

// sparkRow is a partition file the way Spark writes it: micros, a string
// identifiers column, a double metric, optional columns and an extra one.
type sparkRow struct {
	TS            int64             `parquet:"ts,timestamp(microsecond)"`
	EventKey      *string           `parquet:"event_key,optional"`
	Identifiers   *string           `parquet:"identifiers,optional"`
	InsertID      string            `parquet:"insert_id"`
	Metric        *float64          `parquet:"metric_value,optional"`
	UserProps     map[string]string `parquet:"user_properties"`
	EventProps    map[string]string `parquet:"event_properties"`
	PlatformProps map[string]string `parquet:"platform_properties"`
	Job           string            `parquet:"spark_job"`
}

func sparkFile(t *testing.T, date string, ids ...int) []byte {
	var rows []sparkRow
	for _, ev := range events(t, date, ids...) {
		key, idents, metric := ev.EventKey, `{"id":"u1","device_id":"d1","session_id":null}`, 1.5
		rows = append(rows, sparkRow{TS: ev.TS*1000 + 999, EventKey: &key, Identifiers: &idents, InsertID: ev.InsertID,
			Metric: &metric, PlatformProps: map[string]string{"osname": "ios", "appversion": "2"}, Job: "nightly"})
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[sparkRow](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// imported is the version the sink records for day date ("" for none).
func (e *env) imported(date string) string {
	e.t.Helper()
	v, err := e.sink.Imported(context.Background(), e.src.String(), date)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}
