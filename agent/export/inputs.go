package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/store"
)

// Stdin is the input name that reads standard input.
const Stdin = "-"

// Input is one input to read: a local file, stdin, or an object in a store.
type Input struct {
	Name string // as reported: a path, "-", or a URL such as s3://bucket/key
	Size int64  // -1 when unknown (stdin)
	open func(ctx context.Context) (io.ReadCloser, error)
	// expanded: found by expanding a local folder or glob, not named
	// (SkipOwnOutputs).
	expanded bool
	// listed: found by expanding a folder, glob or prefix, local or in a
	// store, not named one by one (Filter).
	listed bool
	// marker: a dot or underscore file (_SUCCESS, .part-0.crc) of a folder
	// or prefix, never read; ExpandFiltered lists it as skipped.
	marker bool
}

// Open starts reading the input. Objects are streamed, not downloaded first.
func (in Input) Open(ctx context.Context) (io.ReadCloser, error) {
	rc, err := in.open(ctx)
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", in.Name, err)
	}
	return rc, nil
}

// InputError is a bad --input: a name that matches nothing or cannot be
// used. The CLI turns it into a usage error.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// OpenStore opens the store a URL names (its bucket and prefix).
type OpenStore func(ctx context.Context, url string) (store.Store, error)

// ExpandInputs turns --input values into inputs, each once, in the order
// first named:
//   - "-" is stdin;
//   - a local glob expands to its matches in lexical order, a folder to the
//     files in it (not hidden, not recursive);
//   - a URL (s3://bucket/key, gs://…, file://…) names one object, every
//     object under a prefix ending in '/', or the objects matching a glob in
//     its last part (s3://bucket/exports/2023-01-01/*.ndjson.gz).
//
// A name that matches nothing is an InputError.
func ExpandInputs(ctx context.Context, patterns []string, openStore OpenStore) ([]Input, error) {
	ins, err := expandInputs(ctx, patterns, openStore)
	if err != nil {
		return nil, err
	}
	kept := ins[:0]
	for _, in := range ins {
		if !in.marker {
			kept = append(kept, in)
		}
	}
	return kept, nil
}

// Filter picks the data files among those a folder, glob or prefix input
// expands to; files named one by one are always read.
type Filter struct {
	// Include, when not empty, keeps only the files whose name (the last
	// path element) matches one of these globs; Exclude then drops those
	// that match one of its globs (path.Match syntax: *, ?, [a-z]).
	Include, Exclude []string
	// AnyExtension keeps files of any extension (--format names the
	// format). Otherwise a file whose extension (after .gz, .zst) is not
	// one of DataExtensions is not data: a .txt, .yaml, .md, .crc …
	AnyExtension bool
}

// DataExtensions are the extensions of the files a folder, glob or prefix
// input reads; a file without an extension (Redshift's 0000_part_00) is
// read too, its format told by --format or its content.
var DataExtensions = []string{".csv", ".tsv", ".ndjson", ".jsonl", ".json", ".parquet"}

// Validate checks the globs.
func (f Filter) Validate() error {
	for _, g := range append(append([]string{}, f.Include...), f.Exclude...) {
		if _, err := path.Match(g, ""); err != nil {
			return &InputError{fmt.Errorf("glob %q: %w", g, err)}
		}
	}
	return nil
}

// ExpandFiltered is ExpandInputs keeping, of the files that folders, globs
// and prefixes expand to, those the filter keeps. skipped lists the files
// left out, and the marker and hidden files (_SUCCESS, .crc …) of the
// folders and prefixes, so that the run can say it once. A pattern whose
// every file is left out is an InputError.
func ExpandFiltered(ctx context.Context, patterns []string, openStore OpenStore, f Filter) (ins []Input, skipped []string, err error) {
	if err := f.Validate(); err != nil {
		return nil, nil, err
	}
	if len(patterns) == 0 {
		_, err := ExpandInputs(ctx, patterns, openStore) // the "no input" error
		return nil, nil, err
	}
	for _, p := range patterns {
		got, err := expandInputs(ctx, []string{p}, openStore)
		if err != nil {
			return nil, nil, err
		}
		kept := 0
		for _, in := range got {
			if in.marker || in.listed && !f.keeps(in.Name) {
				skipped = append(skipped, in.Name)
				continue
			}
			ins = append(ins, in)
			kept++
		}
		if kept == 0 {
			return nil, nil, &InputError{fmt.Errorf("input %q: no data file among %d (skipped: %s); see --include, --exclude, --format", p, len(got), strings.Join(got2names(got), ", "))}
		}
	}
	// Each input once, in the order first named (as ExpandInputs).
	out, seen := ins[:0:0], map[string]int{}
	for _, in := range ins {
		if i := seen[in.Name]; i > 0 {
			out[i-1].expanded = out[i-1].expanded && in.expanded
			out[i-1].listed = out[i-1].listed && in.listed
			continue
		}
		out = append(out, in)
		seen[in.Name] = len(out)
	}
	return out, skipped, nil
}

func got2names(ins []Input) []string {
	names := make([]string, 0, len(ins))
	for _, in := range ins {
		names = append(names, in.Name)
	}
	return names
}

// keeps reports whether a listed file is to be read.
func (f Filter) keeps(name string) bool {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if len(f.Include) > 0 && !matchAny(f.Include, base) {
		return false
	}
	if matchAny(f.Exclude, base) {
		return false
	}
	if f.AnyExtension {
		return true
	}
	ext := strings.ToLower(base)
	for _, c := range []string{".gz", ".gzip", ".zst", ".zstd"} {
		ext = strings.TrimSuffix(ext, c)
	}
	ext = path.Ext(ext)
	return ext == "" || slices.Contains(DataExtensions, ext)
}

func matchAny(globs []string, name string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

func expandInputs(ctx context.Context, patterns []string, openStore OpenStore) ([]Input, error) {
	if len(patterns) == 0 {
		return nil, &InputError{errors.New("no input: give --input FILE (a path, a glob, a folder, an s3:// or gs:// URL, or - for stdin)")}
	}
	var out []Input
	seen := map[string]int{} // name → index in out + 1
	for _, p := range patterns {
		var ins []Input
		var err error
		switch {
		case p == Stdin:
			ins = []Input{{Name: Stdin, Size: -1, open: openStdin}}
		case strings.Contains(p, "://"):
			ins, err = expandURL(ctx, p, openStore)
		default:
			ins, err = expandLocal(p)
		}
		if err != nil {
			return nil, err
		}
		for _, in := range ins {
			if i := seen[in.Name]; i > 0 {
				out[i-1].expanded = out[i-1].expanded && in.expanded // named once: named
				continue
			}
			out = append(out, in)
			seen[in.Name] = len(out)
		}
	}
	return out, nil
}

func expandLocal(p string) ([]Input, error) {
	var files, markers []string
	expanded := true
	if strings.ContainsAny(p, "*?[") {
		matches, err := filepath.Glob(p)
		if err != nil {
			return nil, &InputError{fmt.Errorf("input %q: %w", p, err)}
		}
		files = regularFiles(matches)
		if len(files) == 0 {
			return nil, &InputError{fmt.Errorf("input %q: no file matches", p)}
		}
	} else {
		fi, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, &InputError{fmt.Errorf("input %q: no such file", p)}
		case err != nil:
			return nil, &InputError{fmt.Errorf("input %q: %w", p, err)}
		case !fi.IsDir():
			files, expanded = []string{p}, false
		default:
			entries, err := os.ReadDir(p)
			if err != nil {
				return nil, &InputError{fmt.Errorf("input %q: %w", p, err)}
			}
			for _, e := range entries {
				if !e.IsDir() && !hidden(e.Name()) {
					files = append(files, filepath.Join(p, e.Name()))
				} else if !e.IsDir() {
					markers = append(markers, filepath.Join(p, e.Name()))
				}
			}
			if len(files) == 0 {
				return nil, &InputError{fmt.Errorf("input %q: the folder holds no files", p)}
			}
		}
	}
	ins := make([]Input, len(files))
	for i, f := range files {
		f := f
		size := int64(-1)
		if fi, err := os.Stat(f); err == nil {
			size = fi.Size()
		}
		ins[i] = Input{Name: f, Size: size, expanded: expanded, listed: expanded, open: func(ctx context.Context) (io.ReadCloser, error) { return openLocal(ctx, f) }}
	}
	for _, m := range markers {
		ins = append(ins, Input{Name: m, Size: -1, expanded: true, listed: true, marker: true})
	}
	return ins, nil
}

// hidden names files that are not data: dot files and _SUCCESS-like markers.
func hidden(name string) bool { return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") }

// regularFiles keeps the names that are neither folders nor hidden, sorted.
func regularFiles(names []string) []string {
	var out []string
	for _, n := range names {
		if fi, err := os.Stat(n); err == nil && !fi.IsDir() && !hidden(filepath.Base(n)) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// expandURL lists the objects a URL names. The store is opened on the
// URL's folder (everything up to the last '/'), so that the last part can
// be an object name, a glob, or empty for "everything below".
func expandURL(ctx context.Context, raw string, openStore OpenStore) ([]Input, error) {
	shown := redact.URL(raw)
	if openStore == nil {
		return nil, &InputError{fmt.Errorf("input %q: URLs are not supported here", shown)}
	}
	u, err := store.Parse(raw)
	if err != nil {
		return nil, &InputError{fmt.Errorf("input %q: %w", shown, err)}
	}
	dir, last := path.Split(u.Path)
	folder := *u
	folder.Path = dir
	st, err := openStore(ctx, folder.String())
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", shown, err)
	}
	base := strings.TrimSuffix(folder.String(), "/") + "/"
	var ins []Input
	listed := last == "" || strings.ContainsAny(last, "*?[")
	add := func(o store.ObjectInfo) {
		key := o.Key
		ins = append(ins, Input{Name: base + key, Size: o.Size, listed: listed, open: func(ctx context.Context) (io.ReadCloser, error) { return st.Get(ctx, key) }})
	}
	switch {
	case last == "": // a prefix: every object below it
		var markers []string
		err = st.List(ctx, "", func(o store.ObjectInfo) error {
			if !hidden(path.Base(o.Key)) {
				add(o)
			} else {
				markers = append(markers, base+o.Key)
			}
			return nil
		})
		if len(ins) > 0 {
			for _, m := range markers {
				ins = append(ins, Input{Name: m, Size: -1, listed: true, marker: true})
			}
		}
	case strings.ContainsAny(last, "*?["):
		if _, perr := path.Match(last, ""); perr != nil {
			return nil, &InputError{fmt.Errorf("input %q: %w", shown, perr)}
		}
		err = st.List(ctx, "", func(o store.ObjectInfo) error {
			if ok, _ := path.Match(last, o.Key); ok && !strings.Contains(o.Key, "/") {
				add(o)
			}
			return nil
		})
	default:
		var o store.ObjectInfo
		o, err = st.Stat(ctx, last)
		if errors.Is(err, store.ErrNotExist) {
			return nil, &InputError{fmt.Errorf("input %q: no such object", shown)}
		}
		if err == nil {
			add(o)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", shown, err)
	}
	if len(ins) == 0 {
		return nil, &InputError{fmt.Errorf("input %q: no object matches", shown)}
	}
	return ins, nil
}

// ShardInputs is the share of inputs of shard i of n: every n-th input,
// starting at the i-th, so that n shards given the same --input split the
// files between them.
func ShardInputs(ins []Input, shard, shards int) []Input {
	if shards <= 1 {
		return ins
	}
	var out []Input
	for i, in := range ins {
		if i%shards == shard {
			out = append(out, in)
		}
	}
	return out
}
