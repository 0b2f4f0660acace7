package commit

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/store/file"
)

// TestPublishLocked: while another run holds the partition's lock, Publish,
// Seal and Assemble fail naming it and change nothing.
func TestPublishLocked(t *testing.T) {
	ctx := context.Background()
	st, err := file.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(ctx, st, stage(t, "old0", "old1"), quiet); err != nil {
		t.Fatal(err)
	}
	before := names(listing(t, st))
	other := store.Owner{Host: "elsewhere", PID: 4242, Command: "hackle-agent export Y"}
	l, err := store.AcquireLock(ctx, st, "dt=2023-01-01", other)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock(ctx)
	p := stage(t, "new0")
	_, err = Publish(ctx, st, p, quiet)
	var le *store.LockedError
	if !errors.As(err, &le) || le.Owner.PID != 4242 || !strings.Contains(err.Error(), "elsewhere") {
		t.Fatalf("Publish: %v, want a *LockedError naming the holder", err)
	}
	if _, err := Seal(ctx, st, p.Manifest); !errors.As(err, &le) {
		t.Errorf("Seal: %v, want a *LockedError", err)
	}
	if _, err := Assemble(ctx, st, "2023-01-01", 1, "test", quiet); !errors.As(err, &le) {
		t.Errorf("Assemble: %v, want a *LockedError", err)
	}
	if after := names(listing(t, st)); after != before {
		t.Errorf("the folder changed: %s → %s", before, after)
	}
}

// intruderStore plays another writer: when the manifest is written, a part
// file appears beside it.
type intruderStore struct{ store.Store }

func (s intruderStore) Lock(ctx context.Context, name string, o store.Owner) (store.Lock, error) {
	return s.Store.(store.Locker).Lock(ctx, name, o)
}

func (s intruderStore) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if strings.HasSuffix(key, partition.ManifestName) {
		s.Store.Put(ctx, "dt=2023-01-01/000000000009.parquet", bytes.NewReader([]byte("x")), 1)
	}
	return s.Store.Put(ctx, key, r, size)
}

// TestPublishRelistsBeforeSuccess: a folder that does not match the
// manifest right before _SUCCESS gets no _SUCCESS, and the error names the
// unexpected file.
func TestPublishRelistsBeforeSuccess(t *testing.T) {
	ctx := context.Background()
	base, err := file.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = Publish(ctx, intruderStore{base}, stage(t, "a", "b"), quiet)
	var le *ListingError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "000000000009.parquet") {
		t.Fatalf("Publish: %v, want a *ListingError naming 000000000009.parquet", err)
	}
	if _, ok := listing(t, base)[partition.SuccessName]; ok {
		t.Error("_SUCCESS written over an unexpected file")
	}
	m, _, err := partition.ReadManifest(ctx, base, "2023-01-01")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Seal(ctx, base, m); err == nil {
		t.Error("Seal sealed a folder with an extra data file")
	}
	if _, ok := listing(t, base)[partition.SuccessName]; ok {
		t.Error("Seal wrote _SUCCESS over an unexpected file")
	}
}

// TestSealChecksTheFolder: Seal writes the manifest and _SUCCESS only over
// the checked files and markers; a data file it was not given, anything in
// a subfolder, or a changed file refuses it before anything is written.
func TestSealChecksTheFolder(t *testing.T) {
	tests := []struct {
		name  string
		extra map[string]string
		err   string // "" = sealed
	}{
		{"spark markers", map[string]string{"_committed_1": "{}", "._SUCCESS.crc": "x", ".a.parquet.crc": "x", "_temporary/0/b": "half"}, ""},
		{"a subfolder", map[string]string{"hour=01/part-0.parquet": "x"}, "holds hour=01/part-0.parquet, which was not checked"},
		{"another data file", map[string]string{"b.parquet": "x"}, "holds b.parquet, which was not checked"},
		{"a checked file changed", map[string]string{"a.parquet": "changed"}, "a.parquet changed while it was checked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := file.New(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			objs := map[string]string{"a.parquet": "aaa"}
			for k, v := range tt.extra {
				objs[k] = v
			}
			for k, v := range objs {
				if err := st.Put(ctx, "dt=2023-01-01/"+k, strings.NewReader(v), int64(len(v))); err != nil {
					t.Fatal(err)
				}
			}
			m := &partition.Manifest{Date: "2023-01-01", Files: []partition.Part{{Name: "a.parquet", Size: 3, Rows: 1}}}
			sealed, err := Seal(ctx, st, m)
			_, serr := st.Stat(ctx, "dt=2023-01-01/_SUCCESS")
			_, merr := st.Stat(ctx, "dt=2023-01-01/_manifest.json")
			switch {
			case tt.err == "" && (err != nil || !sealed || serr != nil):
				t.Errorf("Seal: %v, %v, _SUCCESS %v; want sealed", sealed, err, serr)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err) || serr == nil || merr == nil):
				t.Errorf("Seal: %v; _SUCCESS %v, manifest %v; want an error saying %q and nothing written", err, serr, merr, tt.err)
			}
		})
	}
}
