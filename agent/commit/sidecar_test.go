package commit

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/profile"
	"github.com/hackle/hackle-agent/agent/store/file"
)

// withSidecars stages p's sidecars with the given contents.
func withSidecars(t *testing.T, p *Partition, prof, ids string) *Partition {
	t.Helper()
	for name, c := range map[string]string{profile.ProfileName: prof, profile.IDsName: ids} {
		if err := os.WriteFile(filepath.Join(p.Dir, name), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.Sidecars = []string{profile.ProfileName, profile.IDsName}
	return p
}

// TestPublishSidecars: the sidecars are committed before _SUCCESS, a re-run
// with the same output is unchanged, a lost sidecar makes the next run
// write it again, and sealing the partition removes them.
func TestPublishSidecars(t *testing.T) {
	ctx := context.Background()
	st, err := file.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	res, err := Publish(ctx, st, withSidecars(t, stage(t, "a"), "{}", "0123456789abcdef"), quiet)
	if err != nil || !res.Changed {
		t.Fatalf("first: %+v %v", res, err)
	}
	got := listing(t, st)
	if got[profile.ProfileName] != "{}" || got[profile.IDsName] != "0123456789abcdef" {
		t.Fatalf("sidecars not committed: %v", names(got))
	}
	if _, ok := got[partition.SuccessName]; !ok {
		t.Fatal("no _SUCCESS")
	}
	res, err = Publish(ctx, st, withSidecars(t, stage(t, "a"), "{}", "0123456789abcdef"), quiet)
	if err != nil || res.Changed {
		t.Fatalf("same output: %+v %v, want unchanged", res, err)
	}
	if err := st.Delete(ctx, "dt=2023-01-01/"+profile.ProfileName); err != nil {
		t.Fatal(err)
	}
	res, err = Publish(ctx, st, withSidecars(t, stage(t, "a"), "{}", "0123456789abcdef"), quiet)
	if err != nil || !res.Changed || listing(t, st)[profile.ProfileName] != "{}" {
		t.Fatalf("lost sidecar: %+v %v, %v", res, err, names(listing(t, st)))
	}

	m := stage(t, "a").Manifest
	m.AgentVersion = "another"
	if _, err := Seal(ctx, st, m); err != nil {
		t.Fatal(err)
	}
	got = listing(t, st)
	if _, ok := got[profile.ProfileName]; ok {
		t.Errorf("Seal kept a stale sidecar: %v", names(got))
	}
	if _, ok := got[profile.IDsName]; ok {
		t.Errorf("Seal kept a stale sidecar: %v", names(got))
	}
}
