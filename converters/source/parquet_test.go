package source

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// sparkRow is a Spark-like export: its own column names, nullable columns.
type sparkRow struct {
	EventID   string    `parquet:"event_id"`
	EventName string    `parquet:"event_name"`
	EventTime time.Time `parquet:"event_time,timestamp(microsecond)"`
	UserKey   *string   `parquet:"user_key,optional"`
	Amount    *float64  `parquet:"amount,optional"`
}

func TestParquetInput(t *testing.T) {
	u := "u1"
	amt := 1.5
	var buf bytes.Buffer
	if err := parquet.Write(&buf, []sparkRow{
		{"e1", "view", time.Date(2023, 1, 1, 12, 0, 0, 0, time.UTC), &u, &amt},
		{"e2", "buy", time.Date(2023, 1, 1, 13, 0, 0, 123000, time.UTC), nil, nil},
	}); err != nil {
		t.Fatal(err)
	}
	in, recs, err := readAll(t, "part-00000.snappy.parquet", buf.String(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if in.Format != Parquet {
		t.Errorf("format %q", in.Format)
	}
	checkRecords(t, recs, []string{
		`L1 R1 amount="1.5"/num event_id="e1" event_name="view" event_time="2023-01-01T12:00:00Z" user_key="u1"`,
		`L2 R2 amount=""/null event_id="e2" event_name="buy" event_time="2023-01-01T13:00:00.000123Z" user_key=""/null`,
	})
}

// TestParquetInputTempFile pins that a Parquet input is spooled to a
// temporary file, not memory, and that closing the input removes it, also
// when the rows were not all read.
func TestParquetInputTempFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	rows := make([]sparkRow, 5000)
	for i := range rows {
		rows[i] = sparkRow{fmt.Sprint("e", i), "view", time.Date(2023, 1, 1, 12, 0, 0, 0, time.UTC), nil, nil}
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	in, err := Open("events.parquet", &buf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	spooled, _ := filepath.Glob(filepath.Join(tmp, "hackle-agent-parquet-input-*"))
	if len(spooled) != 1 {
		t.Fatalf("spooled files %v, want one", spooled)
	}
	if _, err := in.Next(); err != nil {
		t.Fatal(err)
	}
	in.Close() // most rows unread
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
		t.Errorf("left behind after Close: %v", left)
	}
}
