package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/report"
)

// binary is the hackle-agent built once for the tests that run it as a user would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hackle-agent-test-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "hackle-agent")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building hackle-agent:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary did.
type result struct {
	stdout, stderr string
	code           int
}

// runAgent runs the binary in dir with args; env adds variables.
func runAgent(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run hackle-agent: %v", err)
	}
	return result{out.String(), errb.String(), code}
}

// cleanEnv is the test's environment without HACKLE_AGENT_* variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HACKLE_AGENT_") {
			env = append(env, kv)
		}
	}
	return env
}

// repoFile is the absolute path of a file of the repository.
func repoFile(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readReport loads report.json and rejects.ndjson of a report folder, or of
// the one report folder (<command>/dt=D/) below a report root.
func readReport(t *testing.T, dir string) (*report.Report, []report.Reject) {
	t.Helper()
	dir = oneReport(t, dir)
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep report.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	b, err = os.ReadFile(filepath.Join(dir, "rejects.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	var rejects []report.Reject
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var r report.Reject
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("rejects.ndjson line %q: %v", line, err)
		}
		rejects = append(rejects, r)
	}
	return &rep, rejects
}

// oneReport is dir when it holds report.json, else the one report folder
// below the report root dir (<command>/dt=D/); more than one fails.
func oneReport(t *testing.T, dir string) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "report.json")); err == nil {
		return dir
	}
	found, _ := filepath.Glob(filepath.Join(dir, "*", "dt=*", "report.json"))
	if len(found) != 1 {
		t.Fatalf("want one report below %s, found %q", dir, found)
	}
	return filepath.Dir(found[0])
}

// fileState is a file's checksum and modification time.
type fileState struct {
	sum   string
	mtime time.Time
}

// snapshot maps every file under root to its state.
func snapshot(t *testing.T, root string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(root, p)
		out[rel] = fileState{hex.EncodeToString(sum[:]), fi.ModTime()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
