package partition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/converters/tolerant"
	"github.com/hackle/hackle-agent/validate"
)

const day = "2023-01-01"

func insertID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// commitParts writes rows events of day into parts of partRows rows with
// our encoder, puts them and their manifest in st, and returns the manifest.
func commitParts(t *testing.T, st store.Store, rows int, partRows int64) *Manifest {
	t.Helper()
	dir := t.TempDir()
	parts := parquetfile.NewParts(dir, parquetfile.Options{PartRows: partRows})
	start := date(t, day).Start(nil).UnixMilli()
	for i := range rows {
		ev := validate.Event{TS: start + int64(i), EventKey: "purchase", InsertID: insertID(i),
			Identifiers: []validate.KV{{Key: "device_id", Value: "d"}, {Key: "id", Value: "u"}}}
		if err := parts.Write(&ev); err != nil {
			t.Fatal(err)
		}
	}
	infos, err := parts.Close()
	if err != nil {
		t.Fatal(err)
	}
	m := &Manifest{Format: ManifestFormat, Date: day, Files: []Part{}}
	for _, p := range infos {
		b, err := os.ReadFile(filepath.Join(dir, p.Name))
		if err != nil {
			t.Fatal(err)
		}
		put(t, st, Prefix(day)+p.Name, b)
		m.Files = append(m.Files, Part{Name: p.Name, Size: p.Size, Rows: p.Rows, SHA256: p.SHA256})
	}
	if err := WriteManifest(context.Background(), st, m); err != nil {
		t.Fatal(err)
	}
	put(t, st, Prefix(day)+SuccessName, nil)
	return m
}

// read runs a Reader over day's partition of st and returns the insert_ids
// read, the files opened and done, and Each's error. It checks that one
// downloaded part at most exists at a time and none is left after.
func read(t *testing.T, st store.Store, m *Manifest, fn func(f *File, r *tolerant.Row) error, onDone func(f *File) error) (ids []string, opened, done []File, err error) {
	t.Helper()
	ctx := context.Background()
	p, gerr := Get(ctx, st, date(t, day))
	if gerr != nil {
		t.Fatal(gerr)
	}
	tmp := t.TempDir()
	r := &Reader{Store: st, Partition: p, Manifest: m, TempDir: tmp,
		OnOpen: func(f *File) error {
			if ents, _ := os.ReadDir(tmp); len(ents) != 1 {
				t.Errorf("%d files in the temp folder while %s is read, want 1", len(ents), f.Name)
			}
			opened = append(opened, *f)
			return nil
		},
		OnDone: func(f *File) error {
			done = append(done, *f)
			if onDone != nil {
				return onDone(f)
			}
			return nil
		}}
	err = r.Each(ctx, func(f *File, row *tolerant.Row) error {
		ids = append(ids, row.Raw.InsertID)
		if fn != nil {
			return fn(f, row)
		}
		return nil
	})
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("downloaded parts left behind: %v", ents)
	}
	return ids, opened, done, err
}

func TestReaderCommitted(t *testing.T) {
	st := fileStore(t)
	m := commitParts(t, st, 12, 4)
	ids, opened, done, err := read(t, st, m, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 12 || ids[0] != insertID(0) || ids[11] != insertID(11) {
		t.Errorf("read %v, want the 12 rows in order", ids)
	}
	if len(opened) != 3 || len(done) != 3 {
		t.Fatalf("opened %d, done %d parts; want 3", len(opened), len(done))
	}
	for i, f := range done {
		if f.Part != m.Files[i] || f.Key != Prefix(day)+m.Files[i].Name || len(f.Extra) != 0 {
			t.Errorf("part %d: %+v, want the manifest's %+v", i, f, m.Files[i])
		}
	}
}

// TestReaderManifestOrder: with a manifest, parts are read in its order,
// not the listing's.
func TestReaderManifestOrder(t *testing.T) {
	st := fileStore(t)
	m := commitParts(t, st, 6, 2)
	slices.Reverse(m.Files)
	ids, _, _, err := read(t, st, m, nil, nil)
	if err != nil || ids[0] != insertID(4) || ids[5] != insertID(1) {
		t.Errorf("read %v, %v; want the last part first", ids, err)
	}
}

// TestReaderFaults: every fault of the partition is a *FileError naming the
// part; the caller's own errors come back as they are.
func TestReaderFaults(t *testing.T) {
	errCaller := errors.New("the sink is full")
	tests := []struct {
		name   string
		tamper func(t *testing.T, st store.Store, m *Manifest) *Manifest
		fn     func(f *File, r *tolerant.Row) error
		done   func(st store.Store) func(f *File) error
		file   string // the *FileError's Name; "" = errCaller
		reason string
		gone   bool // errors.Is store.ErrNotExist
	}{
		{name: "size", tamper: func(t *testing.T, st store.Store, m *Manifest) *Manifest {
			b := get(t, st, m.Files[1].Name)
			put(t, st, Prefix(day)+m.Files[1].Name, append(b, 0))
			return m
		}, file: "000000000001.parquet", reason: "000000000001.parquet does not match _manifest.json: "},
		{name: "sha256", tamper: func(t *testing.T, st store.Store, m *Manifest) *Manifest {
			b := get(t, st, m.Files[2].Name)
			b[len(b)/2] ^= 0xff
			put(t, st, Prefix(day)+m.Files[2].Name, b)
			return m
		}, file: "000000000002.parquet", reason: "000000000002.parquet does not match _manifest.json: "},
		{name: "rows", tamper: func(t *testing.T, st store.Store, m *Manifest) *Manifest {
			m.Files[0].Rows++
			return m
		}, file: "000000000000.parquet", reason: "000000000000.parquet has 4 rows, _manifest.json says 5"},
		{name: "unreadable", tamper: func(t *testing.T, st store.Store, m *Manifest) *Manifest {
			put(t, st, Prefix(day)+"000000000001.parquet", []byte("not parquet"))
			return nil
		}, file: "000000000001.parquet", reason: "000000000001.parquet: tolerant: open"},
		{name: "a layout column missing", tamper: func(t *testing.T, st store.Store, m *Manifest) *Manifest {
			var buf bytes.Buffer
			if err := parquet.Write(&buf, []struct {
				InsertID string `parquet:"insert_id"`
			}{{insertID(1)}}); err != nil {
				t.Fatal(err)
			}
			put(t, st, Prefix(day)+"000000000003.parquet", buf.Bytes())
			return nil
		}, file: "000000000003.parquet", reason: "000000000003.parquet: missing required column(s) ts"},
		{name: "deleted mid-read", done: func(st store.Store) func(f *File) error {
			return func(f *File) error { return st.Delete(context.Background(), Prefix(day)+"000000000001.parquet") }
		}, file: "000000000001.parquet", reason: "000000000001.parquet disappeared while it was being read", gone: true},
		{name: "the caller's error", fn: func(f *File, r *tolerant.Row) error {
			if r.Num == 2 && f.Name == "000000000001.parquet" {
				return errCaller
			}
			return nil
		}},
		{name: "a hook's error", done: func(store.Store) func(f *File) error {
			return func(*File) error { return fmt.Errorf("record: %w", errCaller) }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := fileStore(t)
			m := commitParts(t, st, 12, 4)
			if tt.tamper != nil {
				m = tt.tamper(t, st, m)
			}
			var done func(*File) error
			if tt.done != nil {
				done = tt.done(st)
			}
			_, _, _, err := read(t, st, m, tt.fn, done)
			var fe *FileError
			switch {
			case tt.file == "":
				if !errors.Is(err, errCaller) || errors.As(err, &fe) {
					t.Errorf("err %v, want the caller's error as it is", err)
				}
			case !errors.As(err, &fe):
				t.Errorf("err %v, want a *FileError", err)
			case fe.Name != tt.file || !strings.Contains(fe.Reason, tt.reason) || fe.Error() != fe.Reason:
				t.Errorf("FileError{%q, %q}, want %s saying %q", fe.Name, fe.Reason, tt.file, tt.reason)
			case tt.gone != errors.Is(err, store.ErrNotExist):
				t.Errorf("errors.Is(%v, store.ErrNotExist) = %v", err, !tt.gone)
			}
		})
	}
}

func get(t *testing.T, st store.Store, name string) []byte {
	t.Helper()
	rc, err := st.Get(context.Background(), Prefix(day)+name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	buf.ReadFrom(rc)
	return buf.Bytes()
}

// sparkRow is a row as Spark writes it: micros, nullable columns, a double
// metric, and a column outside the layout.
type sparkRow struct {
	TS          *int64            `parquet:"ts,optional,timestamp(microsecond)"`
	EventKey    *string           `parquet:"event_key,optional"`
	Identifiers map[string]string `parquet:"identifiers"`
	InsertID    *string           `parquet:"insert_id,optional"`
	Metric      float64           `parquet:"metric_value"`
	UserProps   map[string]string `parquet:"user_properties"`
	EventProps  map[string]string `parquet:"event_properties"`
	Platform    map[string]string `parquet:"platform_properties"`
	Job         string            `parquet:"spark_job"`
}

func sparkPart(t *testing.T, ids ...int) []byte {
	t.Helper()
	var rows []sparkRow
	for _, n := range ids {
		ts, key, id := date(t, day).Start(nil).UnixMicro(), "purchase", insertID(n)
		rows = append(rows, sparkRow{TS: &ts, EventKey: &key, InsertID: &id, Identifiers: map[string]string{"id": "u"}, Job: "nightly"})
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReaderSparkPartition: a partition as Spark commits it, with its
// markers, checksums and temp folder: only the parts are read, in name
// order, and the extra column is named and warned about.
func TestReaderSparkPartition(t *testing.T) {
	st := fileStore(t)
	for name, data := range map[string][]byte{
		"part-00001-c0ffee-c000.snappy.parquet":      sparkPart(t, 3, 4),
		"part-00000-c0ffee-c000.snappy.parquet":      sparkPart(t, 1, 2),
		".part-00000-c0ffee-c000.snappy.parquet.crc": []byte("crc"),
		"._SUCCESS.crc":   []byte("crc"),
		"_SUCCESS":        nil,
		"_committed_4711": []byte(`{"added":[]}`),
		"_started_4711":   nil,
		"_temporary/0/_temporary/attempt_1/part-00002.parquet": []byte("half written"),
	} {
		put(t, st, Prefix(day)+name, data)
	}
	var logged bytes.Buffer
	p, err := Get(context.Background(), st, date(t, day))
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{Store: st, Partition: p, TempDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(&logged, nil))}
	if got := r.Files(); !slices.Equal(got, []string{"part-00000-c0ffee-c000.snappy.parquet", "part-00001-c0ffee-c000.snappy.parquet"}) {
		t.Fatalf("Files() = %q, want the two parts", got)
	}
	var ids []string
	err = r.Each(context.Background(), func(f *File, row *tolerant.Row) error {
		if !slices.Equal(f.Extra, []string{"spark_job"}) || f.Rows != 2 || f.SHA256 == "" {
			t.Errorf("file %+v, want spark_job as extra, 2 rows, a checksum", f)
		}
		ids = append(ids, row.Raw.InsertID)
		return nil
	})
	if err != nil || !slices.Equal(ids, []string{insertID(1), insertID(2), insertID(3), insertID(4)}) {
		t.Errorf("read %v, %v", ids, err)
	}
	if n := strings.Count(logged.String(), "ignoring columns that are not in the import layout"); n != 2 || !strings.Contains(logged.String(), "spark_job") {
		t.Errorf("%d warnings about the extra column, want one per part:\n%s", n, logged.String())
	}
}

func TestReaderCanceled(t *testing.T) {
	st := fileStore(t)
	m := commitParts(t, st, 4, 2)
	p, _ := Get(context.Background(), st, date(t, day))
	ctx, cancel := context.WithCancel(context.Background())
	r := &Reader{Store: st, Partition: p, Manifest: m, TempDir: t.TempDir(), OnDone: func(*File) error { cancel(); return nil }}
	if err := r.Each(ctx, func(*File, *tolerant.Row) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Each after cancel: %v", err)
	}
}
