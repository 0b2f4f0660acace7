package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Stdin is the input name that reads standard input.
const Stdin = "-"

// InputError is a bad --input: a name that matches nothing or cannot be
// used. The CLI turns it into a usage error.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// ExpandInputs turns --input values into a list of input names: "-" stays
// as is; a glob expands to its matches in lexical order; a folder expands to
// the files in it (not hidden, not recursive). A name that matches nothing is
// an InputError. Each input appears once, in the order first named.
func ExpandInputs(patterns []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	if len(patterns) == 0 {
		return nil, &InputError{errors.New("no input: give --input FILE (a path, a glob, or - for stdin)")}
	}
	for _, p := range patterns {
		switch {
		case p == Stdin:
			add(p)
		case strings.Contains(p, "://"):
			return nil, &InputError{fmt.Errorf("input %q: only local files and - are supported here", p)}
		case strings.ContainsAny(p, "*?["):
			matches, err := filepath.Glob(p)
			if err != nil {
				return nil, &InputError{fmt.Errorf("input %q: %w", p, err)}
			}
			files := regularFiles(matches)
			if len(files) == 0 {
				return nil, &InputError{fmt.Errorf("input %q: no file matches", p)}
			}
			for _, m := range files {
				add(m)
			}
		default:
			fi, err := os.Stat(p)
			if errors.Is(err, fs.ErrNotExist) {
				return nil, &InputError{fmt.Errorf("input %q: no such file", p)}
			}
			if err != nil {
				return nil, &InputError{fmt.Errorf("input %q: %w", p, err)}
			}
			if !fi.IsDir() {
				add(p)
				continue
			}
			entries, err := os.ReadDir(p)
			if err != nil {
				return nil, &InputError{fmt.Errorf("input %q: %w", p, err)}
			}
			var files []string
			for _, e := range entries {
				if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(e.Name(), "_") {
					files = append(files, filepath.Join(p, e.Name()))
				}
			}
			if len(files) == 0 {
				return nil, &InputError{fmt.Errorf("input %q: the folder holds no files", p)}
			}
			for _, f := range files {
				add(f)
			}
		}
	}
	return out, nil
}

// regularFiles keeps the names that are not folders, sorted.
func regularFiles(names []string) []string {
	var out []string
	for _, n := range names {
		if fi, err := os.Stat(n); err == nil && !fi.IsDir() {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// openLocal opens a local input or standard input.
func openLocal(_ context.Context, name string) (io.ReadCloser, error) {
	if name == Stdin {
		return io.NopCloser(os.Stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", name, err)
	}
	return f, nil
}
