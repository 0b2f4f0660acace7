package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/store/file"
)

// A store backend registered here, in a test file, with nothing else
// changed: check, policy and export's --dest take it, its option is a flag
// and its secret is masked wherever the location is printed. This is the
// proof that a new store touches only its own package (plus an import).
//
// It registers in a variable's initializer, which Go runs before any init
// function of the package: as a backend package main imports would, it is
// registered before the commands make their flags.
var _ = func() bool {
	store.Register(store.Backend[memtestOptions]{
		Schemes: []string{"memtest"},
		Open: func(_ context.Context, u *url.URL, opts *memtestOptions) (store.Store, error) {
			if opts.Root == "" {
				return nil, fmt.Errorf("memtest: give --memtest-root")
			}
			st, err := file.New(filepath.Join(opts.Root, u.Host, u.Path))
			return memtestStore{st, "memtest://" + u.Host + u.Path}, err
		},
		Permissions: store.Permissions{Bucket: "mt.bucket", List: "mt.list", Put: "mt.put", Get: "mt.get", Version: "mt.version", Delete: "mt.delete"},
		Policy: func(u *url.URL) (store.Policy, error) {
			return store.Policy{Text: "grant mt.* on " + u.Host + "\n", Notes: []string{"memtest note"}}, nil
		},
		Redact: func(u *url.URL) {
			q := u.Query()
			if q.Has("code") {
				q.Set("code", redact.Mask)
				u.RawQuery = q.Encode()
			}
		},
	})
	return true
}()

type memtestOptions struct {
	Root string `option:"memtest-root" help:"memtest: folder that holds the buckets"`
}

// memtestStore is a folder that names itself memtest://.
type memtestStore struct {
	*file.Store
	name string
}

func (s memtestStore) String() string { return s.name }

const memtestSecret = "Zq9xMemtestCode"

func TestRegisteredBackendCheck(t *testing.T) {
	root := t.TempDir()
	out, err := runApp(t, "check", "--dest", "memtest://bucket/events?code="+memtestSecret, "--memtest-root", root)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, perm := range []string{"mt.list", "mt.put", "mt.get", "mt.delete"} {
		if !regexp.MustCompile(`pass +` + regexp.QuoteMeta(perm) + ` `).MatchString(out) {
			t.Errorf("permission %s not passed:\n%s", perm, out)
		}
	}
	if !strings.Contains(out, "check memtest://bucket/events") || strings.Contains(out, memtestSecret) {
		t.Errorf("the table does not name the store, or prints its secret:\n%s", out)
	}
}

// TestUnsupportedDestinationRedacted: a scheme no backend serves is
// refused without printing the location's secrets.
func TestUnsupportedDestinationRedacted(t *testing.T) {
	for _, args := range [][]string{{"check"}, {"policy"}, {"export", "--input", repoFile(t, "testdata/samples/events.ndjson")}} {
		out, err := runApp(t, append(args, "--dest", "ftp://h/p?sig=Zq9xSig")...)
		if err == nil || !strings.Contains(err.Error(), "ftp") || strings.Contains(err.Error()+out, "Zq9x") {
			t.Errorf("%s: err %v\n%s", args[0], err, out)
		}
	}
}

func TestRegisteredBackendPolicy(t *testing.T) {
	out, err := runApp(t, "policy", "--dest", "memtest://bucket/events")
	if err != nil || !strings.Contains(out, "grant mt.* on bucket\n") || !strings.Contains(out, "note: memtest note") {
		t.Fatalf("err %v\n%s", err, out)
	}
}

func TestRegisteredBackendExport(t *testing.T) {
	root, work := t.TempDir(), t.TempDir()
	dest := "memtest://bucket/events?code=" + memtestSecret
	out, err := runApp(t, "export", "--dest", dest, "--memtest-root", root, "--report-dir", filepath.Join(work, "r"),
		"--input", repoFile(t, "testdata/samples/events.ndjson"), "--date", "2023-01-01", "--max-error-rate", "1", "--max-errors", "100")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(root, "bucket", "events", "dt=2023-01-01", "_SUCCESS")); err != nil {
		t.Errorf("no committed partition in the memtest bucket: %v", err)
	}
	if strings.Contains(out, memtestSecret) {
		t.Errorf("export printed the location's secret:\n%s", out)
	}
	filepath.WalkDir(work, func(path string, d os.DirEntry, err error) error {
		if b, _ := os.ReadFile(path); err == nil && !d.IsDir() && strings.Contains(string(b), memtestSecret) {
			t.Errorf("%s holds the location's secret", path)
		}
		return nil
	})
	// Without its option the backend says what it needs, still masked.
	out, err = runApp(t, "export", "--dest", dest, "--input", repoFile(t, "testdata/samples/events.ndjson"), "--date", "2023-01-01")
	if err == nil || !strings.Contains(err.Error(), "give --memtest-root") || strings.Contains(err.Error()+out, memtestSecret) {
		t.Errorf("export without --memtest-root: %v\n%s", err, out)
	}
}
