package commit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/store/file"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// stage writes parts with the given contents into a new staging folder and
// returns the partition to publish.
func stage(t *testing.T, contents ...string) *Partition {
	t.Helper()
	dir := t.TempDir()
	m := &partition.Manifest{Format: partition.ManifestFormat, Date: "2023-01-01", Schema: Schema, Files: []partition.Part{}}
	for i, c := range contents {
		name := strings.Replace("00000000000N.parquet", "N", string(rune('0'+i)), 1)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(c))
		m.Files = append(m.Files, partition.Part{Name: name, Size: int64(len(c)), Rows: 1, SHA256: hex.EncodeToString(sum[:])})
	}
	return &Partition{Date: "2023-01-01", Dir: dir, Manifest: m}
}

// listing is the partition folder: name → content.
func listing(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := st.List(context.Background(), "dt=2023-01-01/", func(o store.ObjectInfo) error {
		rc, err := st.Get(context.Background(), o.Key)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[strings.TrimPrefix(o.Key, "dt=2023-01-01/")] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func names(m map[string]string) string {
	var n []string
	for k := range m {
		n = append(n, k)
	}
	sort.Strings(n)
	return strings.Join(n, " ")
}

func TestPublish(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name         string
		before       []string          // parts committed first (nil: nothing)
		foreign      map[string]string // objects another tool left in the folder
		noSuccess    bool              // remove _SUCCESS after the first commit (an interrupted run)
		after        []string
		wantChanged  bool
		wantUploaded string
		wantDeleted  string
	}{
		{name: "fresh", after: []string{"a", "b"}, wantChanged: true, wantUploaded: "000000000000.parquet 000000000001.parquet"},
		{name: "same output", before: []string{"a", "b"}, after: []string{"a", "b"}},
		{name: "one part changed", before: []string{"a", "b"}, after: []string{"a", "B"}, wantChanged: true, wantUploaded: "000000000001.parquet"},
		{name: "fewer parts", before: []string{"a", "b", "c"}, after: []string{"a"}, wantChanged: true, wantDeleted: "000000000001.parquet 000000000002.parquet"},
		{name: "foreign files removed", before: []string{"a"}, foreign: map[string]string{"part-0000.snappy.parquet": "spark"}, after: []string{"a"}, wantChanged: true, wantDeleted: "part-0000.snappy.parquet"},
		{name: "interrupted run: nothing trusted", before: []string{"a", "b"}, noSuccess: true, after: []string{"a", "b"}, wantChanged: true, wantUploaded: "000000000000.parquet 000000000001.parquet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := file.New(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if tc.before != nil {
				if _, err := Publish(ctx, st, stage(t, tc.before...), quiet); err != nil {
					t.Fatal(err)
				}
			}
			for k, v := range tc.foreign {
				st.Put(ctx, "dt=2023-01-01/"+k, strings.NewReader(v), int64(len(v)))
			}
			if tc.noSuccess {
				st.Delete(ctx, "dt=2023-01-01/_SUCCESS")
			}
			p := stage(t, tc.after...)
			res, err := Publish(ctx, st, p, quiet)
			if err != nil {
				t.Fatal(err)
			}
			if res.Changed != tc.wantChanged || strings.Join(res.Uploaded, " ") != tc.wantUploaded || strings.Join(res.Deleted, " ") != tc.wantDeleted {
				t.Errorf("result %+v, want changed %v uploaded %q deleted %q", res, tc.wantChanged, tc.wantUploaded, tc.wantDeleted)
			}
			got := listing(t, st)
			if got[partition.SuccessName] != "" || got[partition.ManifestName] != string(p.Manifest.Encode()) {
				t.Errorf("_SUCCESS %q, manifest %q", got[partition.SuccessName], got[partition.ManifestName])
			}
			delete(got, partition.SuccessName)
			delete(got, partition.ManifestName)
			if len(got) != len(tc.after) {
				t.Errorf("folder holds %s, want %d parts", names(got), len(tc.after))
			}
			for i, f := range p.Manifest.Files {
				if got[f.Name] != tc.after[i] {
					t.Errorf("%s = %q, want %q", f.Name, got[f.Name], tc.after[i])
				}
			}
		})
	}
}

// failingStore fails the nth Put: a fault a real local folder cannot be
// made to produce on demand.
type failingStore struct {
	store.Store
	failAt, puts int
}

var errInjected = errors.New("injected fault")

// Lock is the wrapped store's: Publish needs one.
func (f *failingStore) Lock(ctx context.Context, name string, o store.Owner) (store.Lock, error) {
	return f.Store.(store.Locker).Lock(ctx, name, o)
}

func (f *failingStore) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	f.puts++
	if f.puts == f.failAt {
		return errInjected
	}
	return f.Store.Put(ctx, key, r, size)
}

// TestPublishFailureLeavesNoSuccess: a failure at any Put leaves no
// _SUCCESS over a mix, and the next Publish completes the partition.
func TestPublishFailureLeavesNoSuccess(t *testing.T) {
	ctx := context.Background()
	for failAt := 1; failAt <= 5; failAt++ {
		base, err := file.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Publish(ctx, base, stage(t, "old0", "old1"), quiet); err != nil {
			t.Fatal(err)
		}
		// No FilePutter: every part goes through Put, which fails at failAt.
		fs := &failingStore{Store: base, failAt: failAt}
		_, err = Publish(ctx, fs, stage(t, "new0", "new1", "new2"), quiet)
		if failAt <= 5 && !errors.Is(err, errInjected) {
			t.Fatalf("fail at Put %d: err = %v", failAt, err)
		}
		got := listing(t, base)
		if _, ok := got[partition.SuccessName]; ok {
			t.Errorf("fail at Put %d: _SUCCESS present over %s", failAt, names(got))
		}
		p := stage(t, "new0", "new1", "new2")
		if _, err := Publish(ctx, base, p, quiet); err != nil {
			t.Fatal(err)
		}
		got = listing(t, base)
		if names(got) != "000000000000.parquet 000000000001.parquet 000000000002.parquet _SUCCESS _manifest.json" || got["000000000002.parquet"] != "new2" {
			t.Errorf("fail at Put %d: after repair the folder holds %s", failAt, names(got))
		}
	}
}

// TestPublishShard: a shard replaces its own parts only, never writes
// _SUCCESS, and Assemble seals once every shard manifest is there.
func TestPublishShard(t *testing.T) {
	ctx := context.Background()
	st, err := file.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// Shard 1 of 2 names its parts 1, 3, 5…; shard 0 names 0, 2, 4….
	shardPart := func(shard int, contents ...string) *Partition {
		p := stage(t, contents...)
		for i := len(p.Manifest.Files) - 1; i >= 0; i-- { // backwards: new names overlap old ones
			name := fmt.Sprintf("%012d.parquet", i*2+shard)
			os.Rename(filepath.Join(p.Dir, p.Manifest.Files[i].Name), filepath.Join(p.Dir, name))
			p.Manifest.Files[i].Name = name
		}
		return p
	}
	if _, err := PublishShard(ctx, st, shardPart(0, "a0", "a2"), 0, 2, quiet); err != nil {
		t.Fatal(err)
	}
	var missing *ShardsMissingError
	if _, err := Assemble(ctx, st, "2023-01-01", 2, "test", quiet); !errors.As(err, &missing) || len(missing.Missing) != 1 || missing.Missing[0] != 1 {
		t.Errorf("Assemble before shard 1: %v, want shard 1 missing", err)
	}
	if _, err := PublishShard(ctx, st, shardPart(1, "b1", "b3"), 1, 2, quiet); err != nil {
		t.Fatal(err)
	}
	if _, err := PublishShard(ctx, st, shardPart(1, "B1"), 1, 2, quiet); err != nil { // shard 1 again, smaller
		t.Fatal(err)
	}
	got := listing(t, st)
	if names(got) != "000000000000.parquet 000000000001.parquet 000000000002.parquet _shard-00000-of-00002.json _shard-00001-of-00002.json" || got["000000000001.parquet"] != "B1" {
		t.Fatalf("after the shards: %s", names(got))
	}
	if changed, err := Assemble(ctx, st, "2023-01-01", 2, "test", quiet); err != nil || !changed {
		t.Fatalf("Assemble: %v %v", changed, err)
	}
	if _, ok := listing(t, st)[partition.SuccessName]; !ok {
		t.Error("no _SUCCESS after Assemble")
	}
}
