package tally

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/converters/tolerant"
	"github.com/hackle/hackle-agent/validate"
)

// earlier is an Earlier of fixed insert_ids.
type earlier map[[16]byte]string

func (e earlier) Seen(k [16]byte) (string, error) { return e[k], nil }

func insertID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// row is a valid row of 2023-01-01 with insert_id n.
func row(num int64, n int) *tolerant.Row {
	return &tolerant.Row{Num: num, Raw: validate.Raw{TS: "1672574400000", EventKey: "view", InsertID: insertID(n),
		Identifiers:   []validate.KV{{Key: "id", Value: "u1"}, {Key: "device_id", Value: "d1"}},
		PlatformProps: []validate.KV{{Key: "osname", Value: "android"}, {Key: "appversion", Value: "1"}}}}
}

func partitionOptions(t *testing.T, e Earlier, budget int) PartitionOptions {
	d := date(t, "2023-01-01")
	return PartitionOptions{
		Rules: validate.Rules{Time: validate.TimeFormat{Layout: validate.LayoutUnixMs}, From: d, To: d},
		Day:   d, Earlier: e, TempDir: t.TempDir(), BudgetKeys: budget,
		Message: func(id, day string) string { return id + " seen " + day },
	}
}

func TestPartitionRow(t *testing.T) {
	bad := row(0, 9)
	bad.Raw.InsertID = "not a uuid"
	decoded := row(0, 8)
	decoded.Issues = []validate.Issue{{Reason: validate.Reason("map_not_object"), Field: "user_properties"}}
	tests := []struct {
		name    string
		row     *tolerant.Row
		verdict Verdict
		message string // of a duplicate
	}{
		{"valid", row(1, 1), Accepted, ""},
		{"invalid", bad, Rejected, ""},
		{"issues from decoding", decoded, Rejected, ""},
		{"again in the partition", row(2, 1), Duplicate, insertID(1) + " seen "},
		{"kept on an earlier day", row(3, 2), DuplicateEarlier, insertID(2) + " seen 2022-12-31"},
		{"again, and kept on an earlier day", row(4, 2), DuplicateEarlier, insertID(2) + " seen 2022-12-31"},
		{"another valid", row(5, 3), Accepted, ""},
	}
	tl := newTally(t, 1, -1)
	e := earlier{validate.UUIDKey(insertID(2)): "2022-12-31"}
	p, err := NewPartition(tl, partitionOptions(t, e, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	src := &report.SourceStats{File: "part-0.parquet"}
	for _, tt := range tests {
		ev, v, err := p.Row(src, tt.row)
		if err != nil || v != tt.verdict || (v == Accepted) != (ev != nil) {
			t.Errorf("%s: verdict %v, event %v, err %v; want verdict %v", tt.name, v, ev != nil, err, tt.verdict)
		}
		if v == Accepted && ev.InsertID != tt.row.Raw.InsertID {
			t.Errorf("%s: event of insert_id %s", tt.name, ev.InsertID)
		}
	}
	want := report.Counts{Read: 7, Written: 2, Rejected: 2, Duplicates: 3}
	if c := tl.Report().Counts; c != want || *src != (report.SourceStats{File: src.File, Read: 7, Written: 2, Rejected: 2, Duplicates: 3}) {
		t.Errorf("counts %+v, source %+v; want %+v", c, *src, want)
	}
	if d := tl.Day(date(t, "2023-01-01")); d != (Day{Read: 7, Written: 2, Rejected: 2, Duplicates: 3}) {
		t.Errorf("day counts %+v", d)
	}
}

// TestPartitionSpills deduplicates with so small a budget that the
// insert_ids spill to disk every few rows, and requires every duplicate to
// be found, and the spill folder gone after Close.
func TestPartitionSpills(t *testing.T) {
	for _, budget := range []int{1, 7, 0} {
		t.Run(fmt.Sprint("budget ", budget), func(t *testing.T) {
			tl := newTally(t, 1, -1)
			o := partitionOptions(t, nil, budget)
			p, err := NewPartition(tl, o)
			if err != nil {
				t.Fatal(err)
			}
			rnd := rand.New(rand.NewPCG(1, uint64(budget)))
			seen := map[int]bool{}
			src := &report.SourceStats{}
			var dups int64
			for i := range 20000 {
				n := rnd.IntN(12000)
				_, v, err := p.Row(src, row(int64(i), n))
				if err != nil {
					t.Fatal(err)
				}
				if want := map[bool]Verdict{false: Accepted, true: Duplicate}[seen[n]]; v != want {
					t.Fatalf("row %d, insert_id %d: verdict %v, want %v", i, n, v, want)
				}
				if seen[n] {
					dups++
				}
				seen[n] = true
			}
			if c := tl.Report().Counts; c.Duplicates != dups || c.Written != int64(len(seen)) {
				t.Errorf("counts %+v, want %d duplicates and %d written", c, dups, len(seen))
			}
			spilled, _ := os.ReadDir(p.dir)
			if budget > 0 && len(spilled) == 0 {
				t.Errorf("budget %d: nothing spilled", budget)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if left, _ := os.ReadDir(o.TempDir); len(left) != 0 {
				t.Errorf("left in the temp folder after Close: %v", left)
			}
		})
	}
}
