package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/partition"
)

// TestShardedExport: two shards of one export each place their parts,
// commit refuses while a shard is missing, then seals the partition with
// both shares; a second commit writes nothing.
func TestShardedExport(t *testing.T) {
	work := t.TempDir()
	in := filepath.Join(work, "in")
	os.MkdirAll(in, 0o755)
	writeHead(t, repoFile(t, "testdata/samples/events.ndjson"), filepath.Join(in, "a.ndjson"), 20)
	b, _ := os.ReadFile(repoFile(t, "testdata/samples/events.ndjson"))
	lines := strings.SplitAfter(string(b), "\n")
	os.WriteFile(filepath.Join(in, "b.ndjson"), []byte(strings.Join(lines[20:40], "")), 0o644)
	dest := filepath.Join(work, "bucket")
	shard := func(i string) {
		t.Helper()
		res := runAgent(t, work, nil, "export", "--shard", i, "--input", in, "--dest", dest, "--date", "2023-01-01",
			"--report-dir", filepath.Join(work, "r"+i[:1]))
		if res.code != 0 {
			t.Fatalf("shard %s: exit %d\n%s", i, res.code, res.stderr)
		}
	}
	commitArgs := []string{"commit", "--dest", dest, "--date", "2023-01-01", "--shards", "2"}

	shard("0/2")
	if res := runAgent(t, work, nil, commitArgs...); res.code != 3 || !strings.Contains(res.stderr, "shard(s) 1 of 2 have not finished") {
		t.Errorf("commit with a shard missing: exit %d, want 3\n%s", res.code, res.stderr)
	}
	if checkCommitted(t, dest) != "uncommitted" {
		t.Fatal("_SUCCESS written before every shard was done")
	}
	shard("1/2")
	if res := runAgent(t, work, nil, commitArgs...); res.code != 0 || !strings.Contains(res.stderr, "sealed (2 shards)") {
		t.Fatalf("commit: exit %d\n%s", res.code, res.stderr)
	}
	if checkCommitted(t, dest) != "committed" {
		t.Fatal("commit did not seal the partition")
	}
	mb, _ := os.ReadFile(filepath.Join(dest, "dt=2023-01-01", partition.ManifestName))
	var m partition.Manifest
	json.Unmarshal(mb, &m)
	if len(m.Files) != 2 || m.Files[0].Name != "000000000000.parquet" || m.Files[1].Name != "000000000001.parquet" || m.TotalRows != 40 {
		t.Errorf("manifest files %+v, %d rows; want shard 0's part 0 and shard 1's part 1, 40 rows", m.Files, m.TotalRows)
	}
	checkParquet(t, filepath.Join(dest, "dt=2023-01-01"), 40)
	if res := runAgent(t, work, nil, commitArgs...); res.code != 0 || !strings.Contains(res.stderr, "already sealed") {
		t.Errorf("second commit: exit %d\n%s", res.code, res.stderr)
	}
}
