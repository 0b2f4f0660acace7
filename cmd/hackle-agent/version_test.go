package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// TestStampedVersion builds a binary stamped the documented way and checks
// that --version and the created_by of an exported part both report it.
func TestStampedVersion(t *testing.T) {
	const stamp = "v9.8.7-test"
	bin := filepath.Join(t.TempDir(), "hackle-agent")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X github.com/hackle/hackle-agent/version.Version="+stamp, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.Contains(string(out), stamp) {
		t.Fatalf("--version printed %q (%v), want %s", out, err, stamp)
	}
	work := t.TempDir()
	dest := filepath.Join(work, "bucket")
	export := exec.Command(bin, "export", "--dest", dest, "--report-dir", filepath.Join(work, "report"),
		"--input", "testdata/samples/events.ndjson", "--date", "2023-01-01", "--max-error-rate", "0.5")
	export.Dir = repoFile(t, ".")
	export.Env = cleanEnv()
	if out, err := export.CombinedOutput(); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	parts, _ := filepath.Glob(filepath.Join(dest, "dt=2023-01-01", "*.parquet"))
	if len(parts) == 0 {
		t.Fatal("no part written")
	}
	f, err := os.Open(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if got := pf.Metadata().CreatedBy; got != "hackle-agent "+stamp {
		t.Fatalf("created_by %q, want %q", got, "hackle-agent "+stamp)
	}
}

// TestVersionCommand checks the version command against --version, in
// text and JSON, on the unstamped test binary and on a stamped one.
func TestVersionCommand(t *testing.T) {
	const stamp = "v1.2.3-stamped"
	stamped := filepath.Join(t.TempDir(), "hackle-agent")
	build := exec.Command("go", "build", "-o", stamped, "-ldflags", "-X github.com/hackle/hackle-agent/version.Version="+stamp, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		name, bin, want string
	}{
		{"unstamped", binary, ""}, // "dev", or the module version when the toolchain stamped one
		{"stamped", stamped, stamp},
	} {
		t.Run(tt.name, func(t *testing.T) {
			run := func(args ...string) string {
				t.Helper()
				cmd := exec.Command(tt.bin, args...)
				cmd.Env = cleanEnv()
				var stderr strings.Builder
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil || stderr.Len() > 0 { // stdout is the product: no run finished record
					t.Fatalf("%v: %v\n%s", args, err, stderr.String())
				}
				return string(out)
			}
			text, flag := run("version"), run("--version")
			if text != flag {
				t.Errorf("version printed %q, --version %q", text, flag)
			}
			var info struct {
				Version   string `json:"version"`
				GoVersion string `json:"go_version"`
				OS        string `json:"os"`
				Arch      string `json:"arch"`
			}
			for _, args := range [][]string{{"version", "--json"}, {"version", "--output", "json"}} {
				if err := json.Unmarshal([]byte(run(args...)), &info); err != nil {
					t.Fatalf("%v: %v", args, err)
				}
				if info.Version == "" || info.GoVersion != runtime.Version() || info.OS != runtime.GOOS || info.Arch != runtime.GOARCH {
					t.Errorf("%v: %+v", args, info)
				}
				if tt.want != "" && info.Version != tt.want {
					t.Errorf("%v: version %q, want %q", args, info.Version, tt.want)
				}
			}
			if want := "hackle-agent version " + info.Version + " ("; !strings.HasPrefix(text, want) || !strings.Contains(text, runtime.GOOS+"/"+runtime.GOARCH) {
				t.Errorf("version printed %q, want it to start with %q and name the platform", text, want)
			}
		})
	}
	if res := runAgent(t, ".", nil, "version", "--output", "yaml"); res.code != 1 {
		t.Errorf("version --output yaml: exit %d, want 1", res.code)
	}
}
