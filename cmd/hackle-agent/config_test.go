package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigSharedByCommands: one config file serves every command: each
// takes the top-level keys it has flags for plus its own section (which
// wins), ignores the other commands' keys, and still refuses a typo with
// its line number.
func TestConfigSharedByCommands(t *testing.T) {
	work := t.TempDir()
	in := repoFile(t, "testdata/samples/events.ndjson")
	cfg := filepath.Join(work, "export.yaml")
	os.WriteFile(cfg, []byte(`dest: `+filepath.Join(work, "bucket")+`
input: [`+in+`]
date: "2023-01-01"
max-error-rate: 0.5
compression: zstd
report-dir: `+filepath.Join(work, "report-top")+`
validate:
  report-dir: `+filepath.Join(work, "report-validate")+`
pull:
  sink: `+filepath.Join(work, "sink")+`
`), 0o644)

	// validate has no --dest or --compression: ignored. Its section's
	// report-dir wins over the top-level one.
	if res := runAgent(t, work, nil, "validate", "--config", cfg, "-q"); res.code != 0 {
		t.Fatalf("validate --config export.yaml: exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(reportFolder(filepath.Join(work, "report-validate"), "validate", "2023-01-01"), "report.json")); err != nil {
		t.Errorf("validate did not take its section's report-dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(work, "report-top")); err == nil {
		t.Error("validate used the top-level report-dir over its section's")
	}
	// export takes the top level (and not validate's section).
	if res := runAgent(t, work, nil, "export", "--config", cfg, "-q"); res.code != 0 {
		t.Fatalf("export: exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(reportFolder(filepath.Join(work, "report-top"), "export", "2023-01-01"), "report.json")); err != nil {
		t.Errorf("export did not take the top-level report-dir: %v", err)
	}
	// validate --partition: the file's input is for the other runs.
	if res := runAgent(t, work, nil, "validate", "--config", cfg, "--partition", filepath.Join(work, "bucket", "dt=2023-01-01"), "-q"); res.code != 0 {
		t.Errorf("validate --partition --config export.yaml: exit %d\n%s", res.code, res.stderr)
	}
	if res := runAgent(t, work, nil, "validate", "--config", cfg, "--input", in, "--partition", filepath.Join(work, "bucket", "dt=2023-01-01")); res.code != 1 {
		t.Errorf("validate --input --partition: exit %d, want 1\n%s", res.code, res.stderr)
	}
	// check has no input, date…: ignored; it checks the dest.
	if res := runAgent(t, work, nil, "check", "--config", cfg); res.code != 0 || !strings.Contains(res.stdout, "OK") {
		t.Errorf("check --config with input: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// pull: --dest is not its flag and --source is not set: the usage
	// error is pull's own, not the config's.
	if res := runAgent(t, work, nil, "pull", "--config", cfg); res.code != 1 || !strings.Contains(res.stderr, "no source") {
		t.Errorf("pull --config: exit %d\n%s", res.code, res.stderr)
	}
	// HACKLE_AGENT_CONFIG (a systemd EnvironmentFile) breaks no command.
	env := []string{"HACKLE_AGENT_CONFIG=" + cfg}
	if res := runAgent(t, work, env, "inspect", "--plain", filepath.Join(work, "report-top")); res.code != 0 {
		t.Errorf("inspect with HACKLE_AGENT_CONFIG: exit %d\n%s", res.code, res.stderr)
	}
	if res := runAgent(t, work, env, "policy", "--dest", "s3://b/events"); res.code != 0 {
		t.Errorf("policy with HACKLE_AGENT_CONFIG: exit %d\n%s", res.code, res.stderr)
	}
}

func TestConfigTypos(t *testing.T) {
	work := t.TempDir()
	for _, tc := range []struct{ text, want string }{
		{"dest: ./b\nmax-eror-rate: 0.1\n", `line 2: unknown setting "max-eror-rate"`},
		{"dest: ./b\nvalidate:\n  date: \"2023-01-01\"\n  dets: ./c\n", `line 4: unknown setting "dets" in section validate`},
		{"dest: ./b\nvalidate:\n  compression: zstd\n", `line 3: unknown setting "compression" in section validate`},
		{"exprt:\n  dest: ./b\n", `line 1: unknown setting "exprt"`},
	} {
		cfg := filepath.Join(work, "c.yaml")
		os.WriteFile(cfg, []byte(tc.text), 0o644)
		for _, cmd := range []string{"export", "inspect", "check"} { // found by any command
			res := runAgent(t, work, nil, cmd, "--config", cfg)
			if res.code != 1 || !strings.Contains(res.stderr, tc.want) {
				t.Errorf("%s with %q: exit %d, want 1 and %q\n%s", cmd, tc.text, res.code, tc.want, res.stderr)
			}
		}
	}
}
