package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExportStopsOnSignalWhileBlocked: SIGTERM or SIGINT stops an export
// blocked opening a FIFO that no one writes, or reading an idle stdin or
// FIFO, promptly with exit 2, a failed report and nothing committed.
func TestExportStopsOnSignalWhileBlocked(t *testing.T) {
	line, _, _ := strings.Cut(string(pullReadFile(t, repoFile(t, "testdata/samples/events.ndjson"))), "\n")
	for _, tc := range []struct {
		name  string
		input string // "fifo" or "-"
		data  bool   // write a line first, then stay idle
		sig   syscall.Signal
	}{
		{"open fifo/SIGTERM", "fifo", false, syscall.SIGTERM},
		{"open fifo/SIGINT", "fifo", false, syscall.SIGINT},
		{"read idle fifo/SIGTERM", "fifo", true, syscall.SIGTERM},
		{"read idle stdin/SIGTERM", "-", false, syscall.SIGTERM},
		{"read idle stdin after a line/SIGINT", "-", true, syscall.SIGINT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(binary, "export", "--input", tc.input, "--format", "ndjson", "--date", "2023-01-01",
				"--dest", "bucket", "--report-dir", "report", "--log-format", "text")
			cmd.Dir, cmd.Env = dir, cleanEnv()
			var errb bytes.Buffer
			cmd.Stderr = &errb
			var writer *os.File
			if tc.input == "-" {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				cmd.Stdin, writer = r, w
				defer r.Close()
			} else {
				fifo := filepath.Join(dir, "fifo")
				if err := syscall.Mkfifo(fifo, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill() })
			if tc.input == "fifo" && tc.data {
				w, err := os.OpenFile(filepath.Join(dir, "fifo"), os.O_WRONLY, 0) // blocks until the agent opens it
				if err != nil {
					t.Fatal(err)
				}
				writer = w
			}
			if writer != nil {
				defer writer.Close() // idle, never at EOF, while the agent runs
				if tc.data {
					writer.WriteString(line + "\n")
				}
			}
			time.Sleep(300 * time.Millisecond)
			sent := time.Now()
			cmd.Process.Signal(tc.sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(2 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("still running 2s after %v:\n%s", tc.sig, errb.String())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitRuntime {
				t.Fatalf("exit %v after %v, want %d:\n%s", err, time.Since(sent), exitRuntime, errb.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "bucket", "dt=2023-01-01", "_SUCCESS")); !os.IsNotExist(err) {
				t.Errorf("a partition was committed: %v", err)
			}
			rep, _ := readReport(t, filepath.Join(dir, "report"))
			if rep.Outcome != "failed" {
				t.Errorf("report outcome %q, want failed", rep.Outcome)
			}
		})
	}
}
