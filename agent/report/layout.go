package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/store"
)

// DefaultRoot is the report root when --report-dir is not given.
const DefaultRoot = "hackle-agent-report"

// Folder is the report folder of one run below a report root:
// <root>/<command>/dt=<days>, where days is one day (2023-01-01) or a
// backfill's range (2023-01-01..2023-01-07). Commands and days never share
// a folder, so no run overwrites another command's or day's report; a
// re-run of the same command and days replaces its own.
func Folder(root, command, days string) string {
	return filepath.Join(root, command, "dt="+days)
}

// Days names the days of a run in a report folder: "2023-01-01", or
// "2023-01-01..2023-01-07" for a range.
func Days(from, to string) string {
	if from == to {
		return from
	}
	return from + ".." + to
}

// SourceFolder is a short, stable folder name for a pull's source, so that
// pulls from different sources keep their reports apart: the source's last
// path element (letters, digits, '-', '_', '.') and 8 hex digits of the
// SHA-256 of the whole (redacted) URL, e.g. "events-3f2a9c1d".
func SourceFolder(source string) string {
	shown := redact.URL(source)
	sum := sha256.Sum256([]byte(shown))
	base := path.Base(strings.TrimRight(strings.ReplaceAll(shown, `\`, "/"), "/"))
	base = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return -1
	}, base)
	base = strings.Trim(base, ".")
	if len(base) > 40 {
		base = base[:40]
	}
	if base == "" {
		base = "source"
	}
	return base + "-" + hex.EncodeToString(sum[:4])
}

// Root is where a command writes its report folders: a local folder, or,
// for an s3:// or gs:// --report-dir, a local temporary folder that Upload
// copies to the bucket at the end of the run.
type Root struct {
	Local  string // where the run writes
	Remote string // the URL the reports go to; "" for a local root
}

// NewRoot resolves --report-dir: "" is DefaultRoot; a URL (scheme://…)
// gets a temporary local folder.
func NewRoot(dir string) (*Root, error) {
	if dir == "" {
		dir = DefaultRoot
	}
	if !strings.Contains(dir, "://") {
		return &Root{Local: dir}, nil
	}
	// Named, not created: the run's report.Create makes it, so that a usage
	// error before the run leaves nothing behind.
	tmp := filepath.Join(os.TempDir(), fmt.Sprintf("hackle-agent-report-%d-%d", os.Getpid(), time.Now().UnixNano()))
	return &Root{Local: tmp, Remote: dir}, nil
}

// Shown is how messages name a folder below the root (rel uses '/'): the
// remote URL (redacted) when there is one.
func (r *Root) Shown(rel string) string {
	if r.Remote == "" {
		return filepath.Join(r.Local, filepath.FromSlash(rel))
	}
	return strings.TrimSuffix(redact.URL(r.Remote), "/") + "/" + rel
}

// Upload copies every file the run wrote below a remote root to the store
// open opens on the URL, at the same relative keys, and removes the local
// temporary folder. A local root has nothing to upload. The run calls it
// whether it succeeded or not, so that a failure's report reaches the
// bucket too.
func (r *Root) Upload(ctx context.Context, open func(ctx context.Context, url string) (store.Store, error)) error {
	if r.Remote == "" {
		return nil
	}
	if _, err := os.Stat(r.Local); err != nil {
		return nil // the run wrote no report
	}
	defer os.RemoveAll(r.Local)
	st, err := open(ctx, r.Remote)
	if err != nil {
		return fmt.Errorf("report folder %s: %w", redact.URL(r.Remote), err)
	}
	defer store.Close(st)
	return filepath.WalkDir(r.Local, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(r.Local, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if err := st.Put(ctx, key, f, fi.Size()); err != nil {
			return fmt.Errorf("report folder %s: upload %s: %w", redact.URL(r.Remote), key, err)
		}
		return nil
	})
}
