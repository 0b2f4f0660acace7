package verify

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hackle/hackle-agent/agent/commit"
	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/validate"
)

// Hackle's importer reads the part files, not the report: a partition is
// sealed as it is only when its files hold exactly the rows the report
// counts as written, in the schema the manifest names. Otherwise Commit
// refuses it, or with Rewrite replaces its files with canonical parts of
// the valid, deduplicated rows, through the commit protocol.

// seal finishes a partition below the thresholds: without Commit it only
// says what --commit would refuse; with it, it seals the files in place,
// rewrites them, or refuses.
func (c *check) seal(ctx context.Context, prefix string) error {
	rep := c.rw.Report
	problems := c.problems()
	switch {
	case !c.o.Commit:
		if len(problems) > 0 {
			rep.OutcomeReason += "; --commit would not seal it as it is: " + strings.Join(problems, "; ")
		}
		return nil
	case len(problems) == 0:
		return c.sealInPlace(ctx)
	case c.rewrite == nil:
		rep.Partitions = nil
		rep.Outcome = report.OutcomeRejected
		rep.OutcomeReason = "not sealed, as Hackle would import the files as they are: " + strings.Join(problems, "; ") +
			" (--rewrite replaces them with canonical parts of the valid, deduplicated rows)"
		return &InvalidError{Reason: rep.OutcomeReason}
	}
	return c.replace(ctx, prefix)
}

// problems says why the files are not what Hackle should import as they
// are; none when they are.
func (c *check) problems() []string {
	var p []string
	switch n := len(c.foreign); {
	case n == 1:
		p = append(p, "not in Hackle's exact schema: "+c.foreign[0])
	case n > 1:
		p = append(p, fmt.Sprintf("%d files not in Hackle's exact schema: %s", n, listSome(c.foreign, ", ")))
	}
	cnt := c.rw.Report.Counts
	if cnt.Rejected > 0 {
		p = append(p, fmt.Sprintf("%d rejected rows", cnt.Rejected))
	}
	if cnt.Duplicates > 0 {
		p = append(p, fmt.Sprintf("%d duplicate insert_ids", cnt.Duplicates))
	}
	if c.altered > 0 {
		p = append(p, fmt.Sprintf("%s the rules would change (map keys lowercased, trimmed or dropped, event_key trimmed, insert_id lowercased)", report.Count(c.altered, "row")))
	}
	return p
}

// listSome joins the first three items with sep and says how many more
// there are.
func listSome(items []string, sep string) string {
	if len(items) <= 3 {
		return strings.Join(items, sep)
	}
	return fmt.Sprintf("%s%s%d more", strings.Join(items[:3], sep), sep, len(items)-3)
}

// sealInPlace seals files that are canonical and hold exactly the valid
// rows: the manifest's schema and counts are true of them.
func (c *check) sealInPlace(ctx context.Context) error {
	rep := c.rw.Report
	m := c.manifest(c.files, []partition.Source{})
	if m.TotalRows != rep.Counts.Written {
		return fmt.Errorf("internal error: the files hold %d rows, %d are valid", m.TotalRows, rep.Counts.Written)
	}
	changed := false
	if !c.alreadySealed(ctx, m) {
		var err error
		if changed, err = commit.Seal(ctx, c.o.Store, m); err != nil {
			return err
		}
	}
	rep.Partitions[0].Changed = changed
	rep.Outcome = report.OutcomeCommitted
	rep.OutcomeReason += "; sealed as they are with " + partition.ManifestName + " and " + partition.SuccessName
	if !changed {
		rep.Outcome = report.OutcomeUnchanged
		rep.OutcomeReason += " already"
	}
	return nil
}

// alreadySealed reports whether the partition is committed with a manifest
// that lists exactly these files in this schema, such as the one a
// rewrite wrote: it is left alone.
func (c *check) alreadySealed(ctx context.Context, m *partition.Manifest) bool {
	if _, err := c.o.Store.Stat(ctx, partition.Prefix(m.Date)+partition.SuccessName); err != nil {
		return false
	}
	old, _, err := partition.ReadManifest(ctx, c.o.Store, m.Date)
	return err == nil && old.Schema == m.Schema && slices.Equal(old.Files, m.Files)
}

// replace publishes the rewritten parts in place of the partition's files.
func (c *check) replace(ctx context.Context, prefix string) error {
	rep := c.rw.Report
	files, err := c.rewrite.close()
	if err != nil {
		return err
	}
	if rep.Counts.Written == 0 {
		rep.Partitions, rep.Outcome = nil, report.OutcomeRejected
		rep.OutcomeReason = "no valid rows: nothing rewritten, not sealed"
		return &InvalidError{Reason: rep.OutcomeReason}
	}
	sources := make([]partition.Source, 0, len(c.files))
	replaced := make([]string, 0, len(c.files))
	for _, f := range c.files {
		sources = append(sources, partition.Source{Path: f.Name, Size: f.Size, SHA256: f.SHA256})
		replaced = append(replaced, f.Name)
	}
	m := c.manifest(files, sources)
	if m.TotalRows != rep.Counts.Written {
		return fmt.Errorf("internal error: rewrote %d rows, %d are valid", m.TotalRows, rep.Counts.Written)
	}
	if err := c.checkUnchanged(ctx, prefix); err != nil {
		return err
	}
	c.o.Log.Warn("--rewrite replaces the partition's files with canonical parts holding its valid, deduplicated rows",
		"partition", prefix, "replaced", replaced, "parts", len(files), "rows", m.TotalRows)
	res, err := commit.Publish(ctx, c.o.Store, &commit.Partition{Date: m.Date, Dir: c.rewrite.dir, Manifest: m}, c.o.Log)
	if err != nil {
		return fmt.Errorf("commit %s/%s: %w", c.o.Store, prefix, err)
	}
	c.o.Log.Info("partition rewritten and sealed", "partition", prefix, "uploaded", res.Uploaded, "deleted", res.Deleted)
	rep.Partitions = []report.PartitionStats{{Date: m.Date, Rows: m.TotalRows, Files: len(files), Bytes: m.TotalBytes, Changed: res.Changed}}
	rep.Outcome = report.OutcomeCommitted
	if !res.Changed {
		rep.Outcome = report.OutcomeUnchanged
	}
	rep.OutcomeReason = fmt.Sprintf("%d of %s valid; rewritten into %d canonical part(s) that replace %s; sealed with %s and %s",
		rep.Counts.Written, report.Count(rep.Counts.Read, "row"), len(files), listSome(replaced, ", "), partition.ManifestName, partition.SuccessName)
	return nil
}

// checkUnchanged makes sure that replacing the partition deletes nothing
// that was not checked: its data files are still those read, with their
// sizes, and besides them there are only markers and hidden files
// (Spark's _SUCCESS, _committed_*, .crc, _temporary/).
func (c *check) checkUnchanged(ctx context.Context, prefix string) error {
	read := map[string]int64{}
	for _, f := range c.files {
		read[f.Name] = f.Size
	}
	err := c.o.Store.List(ctx, prefix, func(o store.ObjectInfo) error {
		name := strings.TrimPrefix(o.Key, prefix)
		size, ok := read[name]
		switch {
		case partition.IsHidden(name):
			return nil
		case !partition.IsDataFile(name):
			reason := fmt.Sprintf("not rewritten: %s%s is in a subfolder, which validate does not read, and the rewrite would delete it", prefix, name)
			c.rw.Report.Partitions, c.rw.Report.Outcome, c.rw.Report.OutcomeReason = nil, report.OutcomeRejected, reason
			return &InvalidError{Reason: reason}
		case !ok || size != o.Size:
			return fmt.Errorf("%s%s changed or appeared while the partition was checked: nothing replaced", prefix, name)
		}
		delete(read, name)
		return nil
	})
	if err != nil {
		return err
	}
	for name := range read {
		return fmt.Errorf("%s%s disappeared while the partition was checked: nothing replaced", prefix, name)
	}
	return nil
}

// manifest describes files as they are sealed.
func (c *check) manifest(files []partition.Part, sources []partition.Source) *partition.Manifest {
	cnt := c.rw.Report.Counts
	m := &partition.Manifest{Format: partition.ManifestFormat, Date: c.o.Date.String(), AgentVersion: c.o.Version,
		Schema: commit.Schema, Files: files, Sources: sources,
		Validation: partition.Validation{Read: cnt.Read, Written: cnt.Written, Rejected: cnt.Rejected, Duplicates: cnt.Duplicates}}
	if w := c.rw.Report.WarningsByReason; len(w) > 0 {
		m.Validation.Warnings = map[string]int64{}
		for k, v := range w {
			m.Validation.Warnings[string(k)] = v
		}
	}
	for _, f := range files {
		m.TotalRows += f.Rows
		m.TotalBytes += f.Size
	}
	return m
}

// keptAsStored reports whether the rules kept a valid row as the file
// holds it: the same event_key and insert_id text, the same map entries
// (in any order). Timestamps and metrics of a canonical file are exact.
func keptAsStored(raw *validate.Raw, ev *validate.Event) bool {
	return raw.EventKey == ev.EventKey && raw.InsertID == ev.InsertID &&
		sameEntries(raw.Identifiers, ev.Identifiers) && sameEntries(raw.UserProps, ev.UserProps) &&
		sameEntries(raw.EventProps, ev.EventProps) && sameEntries(raw.PlatformProps, ev.PlatformProps)
}

// sameEntries reports whether raw holds exactly the entries of kept, whose
// keys are unique and sorted.
func sameEntries(raw, kept []validate.KV) bool {
	if len(raw) != len(kept) {
		return false
	}
	for _, kv := range raw {
		i, ok := slices.BinarySearchFunc(kept, kv.Key, func(e validate.KV, k string) int { return strings.Compare(e.Key, k) })
		if !ok || kept[i].Value != kv.Value {
			return false
		}
	}
	return true
}

// rewrite is the canonical parts of a partition being rewritten, written
// with export's writer into a staging folder.
type rewrite struct {
	dir   string
	parts *parquetfile.Parts
}

func startRewrite(tempDir string) (*rewrite, error) {
	dir, err := os.MkdirTemp(tempDir, "hackle-agent-rewrite-")
	if err != nil {
		return nil, fmt.Errorf("rewrite: staging folder: %w", err)
	}
	return &rewrite{dir: dir, parts: parquetfile.NewParts(dir, parquetfile.Options{})}, nil
}

func (w *rewrite) write(ev *validate.Event) error {
	if err := w.parts.Write(ev); err != nil {
		return fmt.Errorf("rewrite: %w", err)
	}
	return nil
}

// close finishes the parts and lists them as the manifest does.
func (w *rewrite) close() ([]partition.Part, error) {
	infos, err := w.parts.Close()
	if err != nil {
		return nil, fmt.Errorf("rewrite: %w", err)
	}
	files := make([]partition.Part, 0, len(infos))
	for _, f := range infos {
		files = append(files, partition.Part{Name: f.Name, Size: f.Size, Rows: f.Rows, SHA256: f.SHA256})
	}
	return files, nil
}

// remove deletes the staging folder and what is left in it.
func (w *rewrite) remove() {
	w.parts.Close()
	os.RemoveAll(w.dir)
}
