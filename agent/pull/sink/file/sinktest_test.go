package file

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/pull/sink/sinktest"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/validate"
)

func TestConformance(t *testing.T) {
	sinktest.Run(t, sinktest.Harness{
		Open: func(t *testing.T) sink.Sink {
			s, err := New(filepath.Join(t.TempDir(), "sink"), Options{PartRows: 2})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Reopen: func(t *testing.T, s sink.Sink) sink.Sink {
			s2, err := New(s.(*Sink).root, Options{PartRows: 2})
			if err != nil {
				t.Fatal(err)
			}
			return s2
		},
		Rows: folderRows,
		// A crash after the day's folder is swapped in, before its record
		// is written: the record of the version before is left.
		Crash: func(t *testing.T, s sink.Sink, p sink.Partition, evs []validate.Event) {
			rec := filepath.Join(s.(*Sink).StateDir(), "partitions", "dt="+p.Date+".json")
			old, err := os.ReadFile(rec)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			sinktest.Load(t, s, p, evs, true)
			if old == nil {
				os.Remove(rec)
			} else if err := os.WriteFile(rec, old, 0o644); err != nil {
				t.Fatal(err)
			}
			s.Close()
		},
	})
}

// folderRows reads the insert_ids of day date when the folder holds that
// source's rows for it (a folder sink holds one source per day).
func folderRows(t *testing.T, s sink.Sink, source, date string) []string {
	t.Helper()
	fs := s.(*Sink)
	sum, err := fs.ReadSummary(date)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if sum.Source != source {
		return nil
	}
	var out []string
	files, _ := filepath.Glob(filepath.Join(fs.PartitionDir(date), "*.parquet"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		err = parquetfile.ReadFile(bytes.NewReader(b), int64(len(b)), func(ev *validate.Event) error {
			out = append(out, ev.InsertID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}
