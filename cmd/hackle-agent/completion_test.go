package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompletionScripts checks each shell's script with the shell's own
// parser where the shell is installed, and runs the bash one the way bash
// does on <TAB>.
func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			res := runAgent(t, ".", nil, "completion", shell)
			if res.code != 0 || !strings.Contains(res.stdout, "hackle-agent") || res.stderr != "" {
				t.Fatalf("completion %s: exit %d\n%s%s", shell, res.code, res.stdout, res.stderr)
			}
			if shell == "fish" && !strings.Contains(res.stdout, "-a 'export'") {
				t.Errorf("fish completion does not offer export:\n%s", res.stdout)
			}
			sh, err := exec.LookPath(shell)
			if err != nil {
				t.Skipf("%s is not installed: its script is not syntax-checked", shell)
			}
			script := filepath.Join(t.TempDir(), "completion")
			if err := os.WriteFile(script, []byte(res.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(sh, "-n", script).CombinedOutput(); err != nil {
				t.Fatalf("%s -n: %v\n%s", shell, err, out)
			}
		})
	}
	if res := runAgent(t, ".", nil, "completion", "powershell"); res.code != 1 {
		t.Errorf("completion powershell: exit %d, want 1", res.code)
	}
}

// TestBashCompletionCompletes sources the bash script without the
// bash-completion package and completes a command and a flag.
func TestBashCompletionCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	for _, tt := range []struct{ words, want string }{
		{"hackle-agent exp", "export"},
		{"hackle-agent export --dry", "--dry-run"},
		{"hackle-agent completion", ""}, // no candidates is not an error
	} {
		script := `source <(hackle-agent completion bash)
COMP_WORDS=(` + tt.words + `); COMP_CWORD=$((${#COMP_WORDS[@]}-1))
_hackle-agent_complete
echo "${COMPREPLY[*]}"`
		cmd := exec.Command(bash, "--norc", "-c", script)
		cmd.Env = append(cleanEnv(), "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", tt.words, err, out)
		}
		if got := strings.TrimSpace(string(out)); tt.want != "" && got != tt.want {
			t.Errorf("%q completes to %q, want %q", tt.words, got, tt.want)
		}
	}
}

// TestManPage checks the man page is roff for section 1 that names every
// command, and that man or groff renders it without a warning.
func TestManPage(t *testing.T) {
	res := runAgent(t, ".", nil, "man")
	if res.code != 0 || res.stderr != "" { // a man page, not a run: no run finished record
		t.Fatalf("man: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, ".TH hackle-agent 1") {
		t.Fatalf("man page has no .TH header for section 1:\n%.300s", res.stdout)
	}
	for _, c := range newApp().Commands {
		if !strings.Contains(res.stdout, "\n.SH "+c.Name+"\n") {
			t.Errorf("man page does not describe %s", c.Name)
		}
	}
	page := filepath.Join(t.TempDir(), "hackle-agent.1")
	if err := os.WriteFile(page, []byte(res.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	var render *exec.Cmd
	if groff, err := exec.LookPath("groff"); err == nil {
		render = exec.Command(groff, "-man", "-Tutf8", "-ww", "-z", page)
	} else if man, err := exec.LookPath("man"); err == nil {
		render = exec.Command(man, "-l", page)
	} else {
		t.Skip("neither groff nor man is installed: the page is not rendered")
	}
	out, err := render.CombinedOutput()
	if err != nil || (render.Args[0] != "man" && len(out) > 0) {
		t.Fatalf("%v: %v\n%s", render.Args, err, out)
	}
}

// TestFishCompletionCompletes loads the fish script and asks fish for the
// candidates of a command and a flag.
func TestFishCompletionCompletes(t *testing.T) {
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("fish is not installed")
	}
	script := filepath.Join(t.TempDir(), "hackle-agent.fish")
	if err := os.WriteFile(script, []byte(runAgent(t, ".", nil, "completion", "fish").stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ line, want string }{
		{"hackle-agent exp", "export\t"},
		{"hackle-agent export --dry", "--dry-run\t"},
	} {
		out, err := exec.Command(fish, "--no-config", "-c", "source "+script+"; complete -C '"+tt.line+"'").CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), tt.want) {
			t.Errorf("fish completes %q to %q (%v), want %q…", tt.line, out, err, tt.want)
		}
	}
}
