package verify

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/hackle/hackle-agent/agent/report"
	storefile "github.com/hackle/hackle-agent/agent/store/file"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/validate"
)

// TestDedupSpills checks a partition with so small a budget of insert_ids
// in memory that they spill to disk every few rows, and requires every
// duplicate to be found.
func TestDedupSpills(t *testing.T) {
	defer func(keys int) { dedupKeys = keys }(dedupKeys)
	dedupKeys = 5
	root := t.TempDir()
	date, _ := validate.ParseDate("2023-01-01")
	dir := filepath.Join(root, "dt=2023-01-01")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	parts := parquetfile.NewParts(dir, parquetfile.Options{PartRows: 700})
	rnd := rand.New(rand.NewPCG(3, 4))
	seen := map[int]bool{}
	var dups int64
	for i := range 3000 {
		n := rnd.IntN(1500)
		if seen[n] {
			dups++
		}
		seen[n] = true
		ev := validate.Event{TS: date.Start(nil).UnixMilli() + int64(i), EventKey: "view",
			InsertID:      fmt.Sprintf("00000000-0000-4000-8000-%012d", n),
			Identifiers:   []validate.KV{{Key: "device_id", Value: "d1"}, {Key: "id", Value: "u1"}},
			PlatformProps: []validate.KV{{Key: "appversion", Value: "1.0"}, {Key: "osname", Value: "Android"}}}
		if err := parts.Write(&ev); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := parts.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := storefile.New(root)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Partition(context.Background(), Options{Store: st, Date: date, ReportDir: filepath.Join(root, "r"),
		MaxErrorRate: 0, MaxErrors: -1, TempDir: t.TempDir()})
	want := report.Counts{Read: 3000, Written: int64(len(seen)), Duplicates: dups}
	if err != nil || rep.Counts != want {
		t.Errorf("err %v, counts %+v; want %+v", err, rep.Counts, want)
	}
}
