package pull

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/hackle/hackle-agent/agent/store"
)

// SourceName is the canonical name of a source location, under which a
// sink records what was imported from it, so that one bucket spelled two
// ways is one source:
//   - a folder (a plain path or file://): its absolute, cleaned path with
//     symbolic links resolved (as far as the path exists);
//   - a URL (s3://, gs://, …): lowercase scheme and host, the path cleaned
//     and without a trailing slash, and no credentials, query or fragment.
//
// Give --source-name to name a source explicitly instead (a bucket reached
// under two names, or moved).
func SourceName(raw string) (string, error) {
	u, err := store.Parse(raw)
	if err != nil {
		return "", err
	}
	if u.Scheme == "file" {
		return folderName(u.Path)
	}
	p := path.Clean("/" + u.Path)
	if p == "/" {
		p = ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + p, nil
}

// folderName is dir made absolute and clean, its existing part's symbolic
// links resolved.
func folderName(dir string) (string, error) {
	if dir == "" {
		return "", errors.New("empty source folder")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("source %s: %w", dir, err)
	}
	// Resolve the longest existing prefix: the folder may not exist yet.
	rest := ""
	for p := abs; ; {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("source %s: %w", dir, err)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}
