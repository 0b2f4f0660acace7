package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/store"
	storefile "github.com/hackle/hackle-agent/agent/store/file"
	"github.com/hackle/hackle-agent/validate"
)

// sparkRow is a row as Spark writes it by default: nullable columns, a
// double metric.
type sparkRow struct {
	TS            *int64            `parquet:"ts,optional,timestamp(microsecond)"`
	EventKey      *string           `parquet:"event_key,optional"`
	Identifiers   map[string]string `parquet:"identifiers"`
	InsertID      *string           `parquet:"insert_id,optional"`
	MetricValue   float64           `parquet:"metric_value"`
	UserProps     map[string]string `parquet:"user_properties"`
	EventProps    map[string]string `parquet:"event_properties"`
	PlatformProps map[string]string `parquet:"platform_properties"`
}

// sparkPartition writes parts, each holding one valid row as Spark
// writes it, into dt=2023-01-01 of a folder store.
func sparkPartition(t *testing.T, parts ...string) (root string, st store.Store) {
	root = t.TempDir()
	part := filepath.Join(root, "dt=2023-01-01")
	os.MkdirAll(part, 0o755)
	ts, key, id := int64(1672574400123456), "purchase", "8fb8e088-9245-4fce-bb87-7e09d9917ed6"
	rows := []sparkRow{{TS: &ts, EventKey: &key, InsertID: &id, MetricValue: 12.5,
		Identifiers:   map[string]string{"id": "u1", "device_id": "d1"},
		PlatformProps: map[string]string{"osname": "android", "appversion": "1.0"}}}
	for _, name := range parts {
		if err := parquet.WriteFile(filepath.Join(part, name), rows); err != nil {
			t.Fatal(err)
		}
	}
	st, err := storefile.New(root)
	if err != nil {
		t.Fatal(err)
	}
	return root, st
}

func TestSparkPartition(t *testing.T) {
	root, st := sparkPartition(t, "part-00000.snappy.parquet")
	date, _ := validate.ParseDate("2023-01-01")
	for _, strict := range []bool{false, true} {
		rep, err := Partition(context.Background(), Options{Store: st, Date: date, ReportDir: filepath.Join(root, "r"),
			MaxErrorRate: 0, MaxErrors: -1, StrictSchema: strict})
		var inv *InvalidError
		switch {
		case !strict && (err != nil || rep.Counts.Written != 1):
			t.Errorf("lenient: err %v, counts %+v; want the Spark row valid", err, rep.Counts)
		case strict && !errors.As(err, &inv):
			t.Errorf("--strict-schema: err %v, want an InvalidError naming the schema difference", err)
		}
	}
}

// vanishingStore loses key once it is listed, as when another tool
// rewrites the partition while it is checked.
type vanishingStore struct {
	store.Store
	key string
}

func (s vanishingStore) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if key == s.key {
		return nil, fmt.Errorf("get %s: %w", key, store.ErrNotExist)
	}
	return s.Store.Get(ctx, key)
}

// TestPartFaultsAreInvalid: a part that cannot be used (here one that
// disappears while it is checked) makes the partition invalid, as pull
// refuses it, rather than failing the run.
func TestPartFaultsAreInvalid(t *testing.T) {
	root, fs := sparkPartition(t, "part-00000.parquet", "part-00001.parquet")
	date, _ := validate.ParseDate("2023-01-01")
	rep, err := Partition(context.Background(), Options{Store: vanishingStore{fs, "dt=2023-01-01/part-00001.parquet"}, Date: date,
		ReportDir: filepath.Join(root, "r"), MaxErrorRate: 1, MaxErrors: -1})
	var inv *InvalidError
	if !errors.As(err, &inv) || !strings.Contains(inv.Reason, "part-00001.parquet disappeared") || rep.Outcome != report.OutcomeRejected {
		t.Errorf("err %v, outcome %q; want an InvalidError naming the part and the partition rejected", err, rep.Outcome)
	}
}
