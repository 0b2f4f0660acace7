package commit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/store"
)

// ShardManifestName is where shard i of n records its part files, beside
// the parts: "_shard-00003-of-00010.json". Like _manifest.json, Hackle
// ignores it.
func ShardManifestName(shard, shards int) string {
	return fmt.Sprintf("_shard-%05d-of-%05d.json", shard, shards)
}

// PublishShard places one shard's parts of a sharded export (docs/commit.md, "Sharded export"):
//
//  1. delete _SUCCESS, so that the partition reads as unfinished until
//     Assemble;
//  2. upload the shard's parts (their names are its own: k*shards+shard);
//  3. delete the shard's older parts that are not in the new set;
//  4. write the shard's manifest.
//
// It never writes _SUCCESS: Assemble does, once every shard is there. It
// takes no lock, as the shards of a day run at once; Assemble does.
func PublishShard(ctx context.Context, st store.Store, p *Partition, shard, shards int, log *slog.Logger) (Result, error) {
	res := Result{Changed: true}
	prefix := partition.Prefix(p.Date)
	listed, err := listPartition(ctx, st, p.Date)
	if err != nil {
		return res, err
	}
	existing := listed.Objects
	if listed.Ready() {
		if err := st.Delete(ctx, prefix+partition.SuccessName); err != nil {
			return res, fmt.Errorf("delete %s%s: %w", prefix, partition.SuccessName, err)
		}
	}
	keep := map[string]bool{}
	for _, f := range p.Manifest.Files {
		if err := putFile(ctx, st, prefix+f.Name, filepath.Join(p.Dir, f.Name), f.Size); err != nil {
			return res, err
		}
		keep[f.Name] = true
		res.Uploaded = append(res.Uploaded, f.Name)
	}
	for _, name := range slices.Sorted(maps.Keys(existing)) {
		if n, ok := partNumber(name); ok && n%shards == shard && !keep[name] {
			if err := st.Delete(ctx, prefix+name); err != nil {
				return res, fmt.Errorf("delete stale %s%s: %w", prefix, name, err)
			}
			res.Deleted = append(res.Deleted, name)
		}
	}
	b := p.Manifest.Encode()
	if err := st.Put(ctx, prefix+ShardManifestName(shard, shards), bytes.NewReader(b), int64(len(b))); err != nil {
		return res, fmt.Errorf("write %s%s: %w", prefix, ShardManifestName(shard, shards), err)
	}
	log.Info("shard placed; run commit once every shard is done", "partition", prefix, "shard", fmt.Sprintf("%d/%d", shard, shards),
		"files", len(p.Manifest.Files), "uploaded", len(res.Uploaded), "deleted", len(res.Deleted))
	return res, nil
}

// partNumber reads the number of a part file name "000000000012.parquet".
func partNumber(name string) (int, bool) {
	base, ok := strings.CutSuffix(name, ".parquet")
	if !ok || len(base) != 12 {
		return 0, false
	}
	n, err := strconv.Atoi(base)
	return n, err == nil
}

// ShardsMissingError says which shards of a sharded export have not placed
// their parts yet: nothing was committed.
type ShardsMissingError struct {
	Date    string
	Missing []int
	Shards  int
}

func (e *ShardsMissingError) Error() string {
	ids := make([]string, len(e.Missing))
	for i, s := range e.Missing {
		ids[i] = strconv.Itoa(s)
	}
	return fmt.Sprintf("dt=%s: shard(s) %s of %d have not finished; nothing committed", e.Date, strings.Join(ids, ", "), e.Shards)
}

// Assemble finishes a sharded partition: it reads the manifest of every
// shard (a *ShardsMissingError when some are missing), deletes data files
// no shard lists (parts of an earlier run with more shards, say), and seals
// the partition with the merged _manifest.json and _SUCCESS, holding the
// partition's lock throughout (see Seal). It returns whether it wrote
// anything.
func Assemble(ctx context.Context, st store.Store, date string, shards int, version string, log *slog.Logger) (bool, error) {
	prefix := partition.Prefix(date)
	l, err := lockPartition(ctx, st, date)
	if err != nil {
		return false, err
	}
	defer unlock(ctx, l, log)
	m := &partition.Manifest{Format: partition.ManifestFormat, Date: date, AgentVersion: version, Schema: Schema,
		Files: []partition.Part{}, Sources: []partition.Source{}}
	missing := []int{}
	for i := 0; i < shards; i++ {
		sm, _, err := partition.ReadManifestAt(ctx, st, prefix+ShardManifestName(i, shards))
		if errors.Is(err, store.ErrNotExist) {
			missing = append(missing, i)
			continue
		}
		if err != nil {
			return false, err
		}
		m.Files = append(m.Files, sm.Files...)
		m.Sources = append(m.Sources, sm.Sources...)
		m.Validation.Read += sm.Validation.Read
		m.Validation.Written += sm.Validation.Written
		m.Validation.Rejected += sm.Validation.Rejected
		m.Validation.Duplicates += sm.Validation.Duplicates
	}
	if len(missing) > 0 {
		return false, &ShardsMissingError{Date: date, Missing: missing, Shards: shards}
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Name < m.Files[j].Name })
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Name] = true
		m.TotalRows += f.Rows
		m.TotalBytes += f.Size
	}
	existing, err := listPartition(ctx, st, date)
	if err != nil {
		return false, err
	}
	for _, name := range slices.Sorted(maps.Keys(existing.Objects)) {
		if !listed[name] && !partition.IsHidden(name) { // a stale part, or anything in a subfolder
			if err := st.Delete(ctx, prefix+name); err != nil {
				return false, fmt.Errorf("delete stale %s%s: %w", prefix, name, err)
			}
			log.Info("deleted an object no shard lists", "partition", prefix, "file", name)
		}
	}
	return seal(ctx, st, l, m)
}
