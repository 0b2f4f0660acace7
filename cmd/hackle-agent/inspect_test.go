package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

const inspectFixture = "../../tui/testdata/report"

// runApp runs the CLI with args, capturing what it writes to stdout.
func runApp(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	app := newApp()
	app.Writer = &out
	app.ErrWriter = &out
	err := app.Run(append([]string{"hackle-agent"}, args...))
	return out.String(), err
}

func TestInspectPlainTextWhenNotATerminal(t *testing.T) {
	out, err := runApp(t, "inspect", inspectFixture)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Outcome     REJECTED",
		"Rows        read 1,000 · written 982 · rejected 14 · duplicates 4 · warnings 3",
		"exports/2023-01-01/app_events.csv",
		"ts_out_of_range                5  35.71% ts",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestInspectUsageErrors(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no folder", []string{"inspect"}, "give one REPORT_DIR"},
		{"two folders", []string{"inspect", "a", "b"}, "give one REPORT_DIR"},
		{"no report.json", []string{"inspect", empty}, filepath.Join(empty, "report.json") + ": no report.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runApp(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line with %q", err, tc.want)
			}
			if code := exitCode(err); code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
		})
	}
}
