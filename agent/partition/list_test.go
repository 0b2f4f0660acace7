package partition

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/validate"
)

// bucket is a store's content: three partitions and what List must skip.
var bucket = map[string]string{
	"dt=2023-01-01/000000000000.parquet":             "p0",
	"dt=2023-01-01/_manifest.json":                   "{}",
	"dt=2023-01-01/_SUCCESS":                         "",
	"dt=2023-01-02/part-0.parquet":                   "spark",
	"dt=2023-01-02/.part-0.parquet.crc":              "crc",
	"dt=2023-01-02/hour=01/part-0.parquet":           "nested",
	"dt=2023-01-03/a.parquet":                        "a",
	"dt=2023-1-04/a.parquet":                         "not the canonical spelling",
	"dt=nodate/a.parquet":                            "not a date",
	"dt=2023-02-30/a.parquet":                        "no such day",
	"dt=2023-01-05":                                  "an object, not a folder",
	"other/dt=2023-01-01/a.parquet":                  "not at the root",
	"_hackle_agent_lock/dt=2023-01-01.lock":          "a lock",
	"dt=2023-01-03/_temporary/0/part-1.parquet":      "a temp folder",
	"dt=2023-01-03/_committed_8364":                  "databricks",
	"dt=2023-01-03/_started_8364":                    "databricks",
	"dt=2023-01-03/part-00000-c0ffee.snappy.crc":     "a data-named file",
	"dt=2023-01-03/part-00001-c0ffee.snappy.parquet": "b",
}

func TestList(t *testing.T) {
	ranges := []struct {
		from, to string
		want     []string
	}{
		{"", "", []string{"2023-01-01", "2023-01-02", "2023-01-03"}},
		{"2023-01-02", "", []string{"2023-01-02", "2023-01-03"}},
		{"", "2023-01-02", []string{"2023-01-01", "2023-01-02"}},
		{"2023-01-02", "2023-01-02", []string{"2023-01-02"}},
		{"2023-01-04", "2023-01-09", nil},
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			st := s.new(t)
			ctx := context.Background()
			for k, v := range bucket {
				put(t, st, k, []byte(v))
			}
			for _, r := range ranges {
				parts, err := List(ctx, st, date(t, r.from), date(t, r.to))
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, p := range parts {
					got = append(got, p.Date.String())
				}
				if !slices.Equal(got, r.want) {
					t.Errorf("List [%s, %s] = %v, want %v", r.from, r.to, got, r.want)
				}
			}
			all, _ := List(ctx, st, validate.Date{}, validate.Date{})
			checkPartition(t, all[0], []string{"000000000000.parquet", "_SUCCESS", "_manifest.json"}, []string{"000000000000.parquet"}, true)
			checkPartition(t, all[1], []string{".part-0.parquet.crc", "hour=01/part-0.parquet", "part-0.parquet"}, []string{"part-0.parquet"}, false)
			checkPartition(t, all[2], []string{"_committed_8364", "_started_8364", "_temporary/0/part-1.parquet", "a.parquet",
				"part-00000-c0ffee.snappy.crc", "part-00001-c0ffee.snappy.parquet"},
				[]string{"a.parquet", "part-00000-c0ffee.snappy.crc", "part-00001-c0ffee.snappy.parquet"}, false)
			if o := all[1].Objects["part-0.parquet"]; o.Size != 5 || o.Key != "dt=2023-01-02/part-0.parquet" {
				t.Errorf("object %+v, want its key and size", o)
			}

			// Get lists one folder: the same objects as List.
			for _, p := range all {
				one, err := Get(ctx, st, p.Date)
				if err != nil {
					t.Fatal(err)
				}
				if !maps.EqualFunc(one.Objects, p.Objects, func(a, b store.ObjectInfo) bool { return a.Key == b.Key && a.Size == b.Size }) {
					t.Errorf("Get(%s) = %v, List has %v", p.Date, slices.Sorted(maps.Keys(one.Objects)), slices.Sorted(maps.Keys(p.Objects)))
				}
			}
			none, err := Get(ctx, st, date(t, "2023-01-09"))
			if err != nil || len(none.Objects) != 0 || none.Ready() || none.Prefix() != "dt=2023-01-09/" {
				t.Errorf("Get of an empty folder: %+v, %v", none, err)
			}
		})
	}
}

func checkPartition(t *testing.T, p *Partition, objects, data []string, ready bool) {
	t.Helper()
	if got := slices.Sorted(maps.Keys(p.Objects)); !slices.Equal(got, objects) {
		t.Errorf("dt=%s objects %q, want %q", p.Date, got, objects)
	}
	if got := p.DataFiles(); !slices.Equal(got, data) {
		t.Errorf("dt=%s data files %q, want %q", p.Date, got, data)
	}
	if p.Ready() != ready {
		t.Errorf("dt=%s ready = %v, want %v", p.Date, p.Ready(), ready)
	}
}

// TestVersionPinned: pull records versions, so the same content must keep
// giving the same value from one release to the next.
func TestVersionPinned(t *testing.T) {
	mt := time.Date(2023, 1, 2, 3, 4, 5, 6, time.UTC)
	p := &Partition{Date: date(t, "2023-01-01"), Objects: map[string]store.ObjectInfo{
		"000000000000.parquet": {Key: "dt=2023-01-01/000000000000.parquet", Size: 1234, ETag: `"abc"`, ModTime: mt},
		"_SUCCESS":             {Key: "dt=2023-01-01/_SUCCESS", ModTime: mt.Add(time.Second)},
		".part.crc":            {Key: "dt=2023-01-01/.part.crc", Size: 12, ETag: "7", ModTime: mt},
	}}
	ver, m, err := p.Version(context.Background(), nil) // no manifest: the store is not read
	if want := "l-d290b14b1327e0f486bacb3f6b8e2af79c494cea4c1bec35a83580f27af1faef"; ver != want || m != nil || err != nil {
		t.Errorf("listing version %q, %v, %v; want %q", ver, m, err, want)
	}

	st := fileStore(t)
	raw := `{"format":"hackle-agent/partition/v1","date":"2023-01-01","files":[{"name":"000000000000.parquet","size":1234,"rows":10,"sha256":"ab"}]}` + "\n"
	put(t, st, "dt=2023-01-01/_manifest.json", []byte(raw))
	p.Objects[ManifestName] = store.ObjectInfo{Key: "dt=2023-01-01/_manifest.json"}
	ver, m, err = p.Version(context.Background(), st)
	if want := "m-4fd48e7fde07fb2f79b77cff76a2a65aab84b9e2f5790b23a43ce796307691ad"; ver != want || err != nil || m == nil || m.Files[0].Rows != 10 {
		t.Errorf("manifest version %q, %+v, %v; want %q", ver, m, err, want)
	}
}

func TestVersionChanges(t *testing.T) {
	ctx := context.Background()
	st := fileStore(t)
	d := date(t, "2023-01-01")
	put(t, st, "dt=2023-01-01/a.parquet", []byte("a"))
	put(t, st, "dt=2023-01-01/_SUCCESS", nil)
	version := func() string {
		t.Helper()
		p, err := Get(ctx, st, d)
		if err != nil {
			t.Fatal(err)
		}
		v, _, err := p.Version(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v1 := version()
	if v2 := version(); v2 != v1 || !strings.HasPrefix(v1, "l-") {
		t.Fatalf("two listings of the same content: %s, %s", v1, v2)
	}
	time.Sleep(10 * time.Millisecond)
	put(t, st, "dt=2023-01-01/_SUCCESS", nil) // re-committed
	if v3 := version(); v3 == v1 {
		t.Errorf("a re-commit kept version %s", v1)
	}

	put(t, st, "dt=2023-01-01/_manifest.json", []byte("{"))
	p, _ := Get(ctx, st, d)
	v, m, err := p.Version(ctx, st)
	var fe *FileError
	if !strings.HasPrefix(v, "m-") || m != nil || !errors.As(err, &fe) || fe.Name != ManifestName || !strings.Contains(fe.Reason, "is not valid") {
		t.Errorf("an invalid manifest: %q, %v, %v; want its version and a *FileError", v, m, err)
	}

	st.Delete(ctx, "dt=2023-01-01/_manifest.json") // gone since the listing
	if v, m, err := p.Version(ctx, st); !strings.HasPrefix(v, "l-") || m != nil || err != nil {
		t.Errorf("a manifest gone since the listing: %q, %v, %v; want the listing's version", v, m, err)
	}
}

func TestCheckManifest(t *testing.T) {
	listing := func(objs ...string) *Partition {
		p := &Partition{Date: date(t, "2023-01-01"), Objects: map[string]store.ObjectInfo{}}
		for _, o := range objs {
			name, size, _ := strings.Cut(o, ":")
			p.Objects[name] = store.ObjectInfo{Size: int64(len(size))}
		}
		return p
	}
	m := &Manifest{Date: "2023-01-01", Files: []Part{{Name: "a.parquet", Size: 2}, {Name: "b.parquet", Size: 3}}}
	tests := []struct {
		name   string
		p      *Partition
		m      *Manifest
		reason string // "" = matches
	}{
		{"exact", listing("a.parquet:xx", "b.parquet:xxx", "_SUCCESS:", "_manifest.json:x"), m, ""},
		{"markers and subfolders are not data", listing("a.parquet:xx", "b.parquet:xxx", ".b.crc:x", "_committed_1:", "hour=01/c.parquet:x"), m, ""},
		{"no date in the manifest", listing("a.parquet:xx", "b.parquet:xxx"), &Manifest{Files: m.Files}, ""},
		{"another day", listing("a.parquet:xx", "b.parquet:xxx"), &Manifest{Date: "2023-01-02", Files: m.Files}, "_manifest.json is for 2023-01-02"},
		{"missing", listing("b.parquet:xxx"), m, "files listed in _manifest.json are missing: a.parquet"},
		{"extra", listing("a.parquet:xx", "b.parquet:xxx", "c.parquet:x", "0.parquet:x"), m, "files not in _manifest.json: 0.parquet, c.parquet"},
		{"size", listing("a.parquet:xx", "b.parquet:xxxx"), m, "b.parquet is 4 bytes, the manifest says 3"},
		{"missing before extra", listing("a.parquet:xx", "c.parquet:x"), m, "missing: b.parquet"},
	}
	for _, tt := range tests {
		err := tt.p.CheckManifest(tt.m)
		var fe *FileError
		switch {
		case tt.reason == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.reason != "" && (!errors.As(err, &fe) || fe.Name != ManifestName || fe.Reason != tt.reason && !strings.Contains(fe.Reason, tt.reason)):
			t.Errorf("%s: %v, want a *FileError saying %q", tt.name, err, tt.reason)
		}
	}
}

func TestCompare(t *testing.T) {
	p := &Partition{Objects: map[string]store.ObjectInfo{"a": {Size: 1}, "b": {Size: 5}, "_SUCCESS": {}, "z/y": {}}}
	d := p.Compare([]Part{{Name: "c", Size: 1}, {Name: "b", Size: 2}, {Name: "a", Size: 1}})
	if !slices.Equal(d.Missing, []string{"c"}) || !slices.Equal(d.Resized, []Resized{{Name: "b", Size: 5, Wanted: 2}}) ||
		!slices.Equal(d.Unlisted, []string{"_SUCCESS", "z/y"}) {
		t.Errorf("Compare = %+v", d)
	}
}
