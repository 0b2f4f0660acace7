package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession is the real binary running in a detached tmux session on a
// private server socket.
type tmuxSession struct {
	t      *testing.T
	socket string
	status string // file the shell writes the binary's exit status to
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// send types keys: tmux key names ("Enter", "Down") or, with literal, text.
func (s *tmuxSession) send(literal bool, keys ...string) {
	s.t.Helper()
	args := []string{"send-keys", "-t", "inspect"}
	if literal {
		args = append(args, "-l")
	}
	s.tmux(append(args, keys...)...)
}

func (s *tmuxSession) screen() string {
	return s.tmux("capture-pane", "-p", "-t", "inspect")
}

// waitFor polls the pane until every want is on screen, and returns it.
func (s *tmuxSession) waitFor(step string, want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var screen string
	for time.Now().Before(deadline) {
		screen = s.screen()
		if containsAll(screen, want) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("%s: screen never showed %q; it shows:\n%s", step, want, screen)
	return ""
}

func containsAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func startInspectInTmux(t *testing.T, dir string) *tmuxSession {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is required in CI: install the Debian package tmux")
		}
		t.Skip("tmux not installed")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("hackle-inspect-%d-%d", os.Getpid(), time.Now().UnixNano()),
		status: filepath.Join(t.TempDir(), "status")}
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	// The shell records the exit status: tmux's #{pane_dead_status} is not
	// always set by the time the pane is dead.
	cmd := fmt.Sprintf("env NO_COLOR=1 LANG=C.UTF-8 TERM=xterm-256color %q inspect %q; echo $? > %q", binary, abs, s.status)
	s.tmux("-u", "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "30", "-s", "inspect", cmd)
	s.tmux("set-option", "-t", "inspect", "remain-on-exit", "on")
	return s
}

func TestInspectTmux(t *testing.T) {
	s := startInspectInTmux(t, inspectFixture)

	s.waitFor("summary", "hackle-agent inspect", "Outcome     REJECTED", "error rate 1.40% (max 1.00%) EXCEEDED",
		"exports/2023-01-01/events-001.ndjson.gz", "enter reasons")

	s.send(false, "Enter")
	s.waitFor("reasons table", "6 reason × field groups", "> ts_out_of_range", "platform_properties.osname")

	s.send(false, "Enter")
	s.waitFor("rows of ts_out_of_range", "ts_out_of_range · ts — 5 of 5 rows", "2022-12-31T23:59:59+09:00")

	s.send(false, "Down", "Enter")
	s.waitFor("detail", "exports/2023-01-01/events-000.ndjson.gz:57", `>>   "ts": "2022-12-31T23:59:59+09:00",`,
		`"item_name": "겨울 패딩"`)

	s.send(false, "Escape")
	s.waitFor("back to rows", "5 of 5 rows")
	s.send(false, "Escape")
	s.waitFor("back to reasons", "6 reason × field groups")

	s.send(true, "/insert")
	s.send(false, "Enter")
	screen := s.waitFor("filter", "1 reason × field groups", "filter /insert", "> insert_id_invalid")
	if strings.Contains(screen, "ts_out_of_range") {
		t.Errorf("filter /insert still lists ts_out_of_range:\n%s", screen)
	}

	s.send(true, "/")
	s.send(false, "Escape") // esc in the prompt clears the text filter
	s.waitFor("filter cleared", "6 reason × field groups")
	s.send(true, "f구매완료")
	s.send(false, "Enter")
	s.waitFor("field/event_key filter", `field/event_key ~ "구매완료"`, "1 reason × field groups", "> identifier_missing")

	s.tmux("resize-window", "-t", "inspect", "-x", "80", "-y", "24")
	screen = s.waitFor("resized to 80×24", "> identifier_missing", "q quit • ? keys")
	if lines := strings.Split(strings.TrimRight(screen, "\n"), "\n"); len(lines) != 24 || !strings.HasPrefix(lines[0], " hackle-agent inspect") {
		t.Errorf("after resize, %d lines, first %q:\n%s", len(lines), lines[0], screen)
	}

	s.send(true, "q")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(s.status); err == nil && strings.HasSuffix(string(b), "\n") {
			if st := strings.TrimSpace(string(b)); st != "0" {
				t.Errorf("exit status %s, want 0", st)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit; screen:\n%s", s.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
