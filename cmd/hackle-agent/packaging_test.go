package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"
)

// The packaging examples (packaging/) are checked here so that they cannot
// rot: every hackle-agent command line in them must parse with the binary
// as built (flag names and values), read the day's exports through a date
// template, and keep its per-day reports somewhere that outlives the run;
// the unit files pass systemd-analyze verify, the crontab lines are valid,
// the Kubernetes YAML parses, and the Airflow DAG compiles.

// exampleRun is one hackle-agent command line of a packaging example.
type exampleRun struct {
	file string
	args []string          // after "hackle-agent": the command, then its flags
	env  map[string]string // HACKLE_AGENT_* settings of a Kubernetes container
}

// flagValues checks run's flags against the command's flags in the app,
// and returns their values by flag name (the last one for a repeated flag).
func (run exampleRun) flagValues(t *testing.T) map[string]string {
	t.Helper()
	var cmd *cli.Command
	for _, c := range newApp().Commands {
		if len(run.args) > 0 && c.Name == run.args[0] {
			cmd = c
		}
	}
	if cmd == nil {
		t.Errorf("%s: %q is not a hackle-agent command", run.file, run.args)
		return nil
	}
	flags := map[string]cli.Flag{}
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			flags[n] = f
		}
	}
	values := map[string]string{}
	for i := 1; i < len(run.args); i++ {
		a := run.args[i]
		if !strings.HasPrefix(a, "-") {
			t.Errorf("%s: hackle-agent %s: unexpected argument %q", run.file, cmd.Name, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f, ok := flags[name]
		if !ok {
			t.Errorf("%s: hackle-agent %s has no flag %s", run.file, cmd.Name, a)
			continue
		}
		if _, isBool := f.(*cli.BoolFlag); !isBool && !hasValue {
			if i++; i == len(run.args) {
				t.Errorf("%s: %s has no value", run.file, a)
				break
			}
			value = run.args[i]
		}
		values[f.Names()[0]] = value
	}
	for k, v := range run.env {
		known := false
		for n, f := range flags {
			if envName(n) == k {
				known = true
				values[f.Names()[0]] = v
			}
		}
		if !known {
			t.Errorf("%s: %s is not a setting of hackle-agent %s", run.file, k, cmd.Name)
		}
	}
	return values
}

// parsesInBinary runs the command line with --help added: the binary parses
// every flag and value (a bad one exits 1) and then only prints the help.
func (run exampleRun) parsesInBinary(t *testing.T) {
	t.Helper()
	args := append(append([]string{}, run.args...), "--help")
	for i, a := range args {
		args[i] = strings.NewReplacer("%S", "/var/lib", "%C", "/var/cache", "${JOB_COMPLETION_INDEX}", "0").Replace(a)
	}
	cmd := exec.Command(binary, args...)
	cmd.Env = cleanEnv()
	cmd.Dir = t.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: hackle-agent %s: %v\n%s", run.file, strings.Join(args, " "), err, out)
	}
}

// shellWords splits a shell (or systemd ExecStart=) command line into
// words, honouring quotes and backslashes; operators and redirections stay
// words of their own.
func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			w.WriteByte(s[i])
			inWord = true
		case c == '\'' || c == '"':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return nil, fmt.Errorf("unterminated %c quote in %q", c, s)
			}
			w.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// hackleRuns finds the hackle-agent invocations in a command line.
func hackleRuns(t *testing.T, file, line string) []exampleRun {
	t.Helper()
	words, err := shellWords(line)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var runs []exampleRun
	for i, w := range words {
		if filepath.Base(w) != "hackle-agent" || i+1 == len(words) {
			continue
		}
		run := exampleRun{file: file}
		for _, a := range words[i+1:] {
			if strings.ContainsAny(a[:1], "|;&>") || strings.Contains(a, ">&") {
				break // the end of the command: an operator or a redirection
			}
			run.args = append(run.args, a)
		}
		runs = append(runs, run)
	}
	return runs
}

// cronFieldRe is one item of a cron time field: *, N, N-M, or a name,
// optionally with /step.
var cronFieldRe = regexp.MustCompile(`^(\*|[0-9a-z]+(-[0-9a-z]+)?)(/[0-9]+)?$`)

// checkCronSchedule checks the five time fields of a crontab line.
func checkCronSchedule(fields []string) error {
	if len(fields) != 5 {
		return fmt.Errorf("%d time fields, want 5", len(fields))
	}
	limits := [5]struct {
		name     string
		min, max int
		names    []string
	}{
		{"minute", 0, 59, nil}, {"hour", 0, 23, nil}, {"day of month", 1, 31, nil},
		{"month", 1, 12, []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
		{"day of week", 0, 7, []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
	}
	for i, field := range fields {
		l := limits[i]
		for _, item := range strings.Split(strings.ToLower(field), ",") {
			m := cronFieldRe.FindStringSubmatch(item)
			if m == nil {
				return fmt.Errorf("%s %q: not a cron field", l.name, field)
			}
			if m[1] == "*" {
				continue
			}
			lo, hi, _ := strings.Cut(m[1], "-")
			for _, v := range []string{lo, hi} {
				if v == "" {
					continue
				}
				n, err := strconv.Atoi(v)
				if err != nil {
					n = -1
					for j, name := range l.names {
						if v == name {
							n = j + l.min
						}
					}
				}
				if n < l.min || n > l.max {
					return fmt.Errorf("%s %q: %s is out of range %d-%d", l.name, field, v, l.min, l.max)
				}
			}
		}
	}
	return nil
}

// cronMacros are the @ schedules cron accepts instead of five fields.
var cronMacros = map[string]bool{"@reboot": true, "@yearly": true, "@annually": true, "@monthly": true, "@weekly": true, "@daily": true, "@midnight": true, "@hourly": true}

// checkCronLine checks one line of an /etc/cron.d file (which has a user
// field) and returns its command, or "" for a comment, blank line or
// variable setting.
func checkCronLine(line string) (command string, err error) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return "", nil
	}
	if regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\s*=`).MatchString(line) {
		return "", nil
	}
	if strings.Contains(line, "%") {
		return "", fmt.Errorf("unescaped %%: cron turns it into a newline")
	}
	fields := strings.Fields(line)
	schedule := 5
	if cronMacros[fields[0]] {
		schedule = 1
	} else if strings.HasPrefix(fields[0], "@") {
		return "", fmt.Errorf("unknown schedule %s", fields[0])
	} else if len(fields) < 5 {
		return "", fmt.Errorf("%d fields, want 5 time fields, a user and a command", len(fields))
	} else if err := checkCronSchedule(fields[:5]); err != nil {
		return "", err
	}
	if len(fields) < schedule+2 {
		return "", fmt.Errorf("no user and command after the schedule")
	}
	user := fields[schedule]
	if !regexp.MustCompile(`^[a-z_][a-z0-9_-]*$`).MatchString(user) {
		return "", fmt.Errorf("user %q", user)
	}
	// the command: what follows the user field, spacing kept
	rest := line
	for range schedule + 1 {
		rest = strings.TrimLeft(rest, " \t")
		rest = rest[strings.IndexAny(rest+" ", " \t"):]
	}
	return strings.TrimSpace(rest), nil
}

func TestCronLineChecker(t *testing.T) {
	for _, tt := range []struct {
		line string
		ok   bool
	}{
		{"30 2 * * * hackle /bin/true", true},
		{"*/15 0-6,22 1 jan-mar mon-fri hackle /bin/true", true},
		{"@daily hackle /bin/true", true},
		{"CRON_TZ=Asia/Seoul", true},
		{"# comment", true},
		{"30 2 * * hackle /bin/true", false},         // four time fields
		{"30 2 * * *", false},                        // no user, no command
		{"60 2 * * * hackle /bin/true", false},       // minute out of range
		{"30 24 * * * hackle /bin/true", false},      // hour out of range
		{"30 2 * * 8 hackle /bin/true", false},       // day of week out of range
		{"30 2 * foo * hackle /bin/true", false},     // not a month
		{"30 2 * * * hackle date +%F", false},        // % is a newline to cron
		{"@nightly hackle /bin/true", false},         // no such macro
		{"30 2 * * * /usr/bin/hackle-agent", false},  // no user field
		{"30 2 * * * hackle", false},                 // no command
		{"30 2 ** * * hackle /bin/true", false},      // bad field
		{"30 2 1-32 * * hackle /bin/true", false},    // day of month out of range
		{"30 2 * * mon-funday hackle /x", false},     // bad day name
		{"30,61 2 * * * hackle /bin/true", false},    // second item out of range
		{"30 2 * * * hackle /bin/true # x", true},    // a trailing comment is part of the command
		{"0 0 1 1 0 root /usr/local/bin/x", true},    // plain numbers
		{"0 0 1 1 7 root /usr/local/bin/x", true},    // 7 is Sunday too
		{"0 0 1 12 sat root /usr/local/bin/x", true}, // names
	} {
		_, err := checkCronLine(tt.line)
		if (err == nil) != tt.ok {
			t.Errorf("%q: error %v, want ok=%v", tt.line, err, tt.ok)
		}
	}
}

// checkDaily checks an export example for the two things an unattended
// nightly run needs: inputs that name the day, and reports kept per day
// somewhere that outlives the run (persistent reports accepts the folder).
func checkDaily(t *testing.T, run exampleRun, persistent func(string) bool) {
	t.Helper()
	v := run.flagValues(t)
	if run.args[0] != "export" {
		t.Errorf("%s: runs %s, want export", run.file, run.args[0])
	}
	if !strings.Contains(v["input"], "{date") {
		t.Errorf("%s: --input %q does not name the day ({date}): another day's exports would be read", run.file, v["input"])
	}
	if v["report-dir"] == "" || !persistent(v["report-dir"]) {
		t.Errorf("%s: --report-dir %q does not outlive the run", run.file, v["report-dir"])
	}
	if v["log-format"] != "json" {
		t.Errorf("%s: --log-format %q, want json for an unattended run", run.file, v["log-format"])
	}
	run.parsesInBinary(t)
}

func remoteURL(dir string) bool {
	return strings.HasPrefix(dir, "s3://") || strings.HasPrefix(dir, "gs://")
}

func TestPackagingCron(t *testing.T) {
	path := repoFile(t, "packaging/cron/hackle-agent.cron")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var runs []exampleRun
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		command, err := checkCronLine(sc.Text())
		if err != nil {
			t.Errorf("hackle-agent.cron:%d: %v", n, err)
		}
		runs = append(runs, hackleRuns(t, "hackle-agent.cron", command)...)
	}
	if len(runs) != 1 {
		t.Fatalf("hackle-agent.cron: %d hackle-agent runs, want 1", len(runs))
	}
	checkDaily(t, runs[0], func(dir string) bool { return strings.HasPrefix(dir, "/var/lib/") })
}

// unitSettings reads a systemd unit file: each Key=value (continuation
// lines joined) in order.
func unitSettings(t *testing.T, path string) [][2]string {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var settings [][2]string
	joined := strings.ReplaceAll(string(body), "\\\n", " ")
	for _, line := range strings.Split(joined, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Errorf("%s: %q is not Key=value", filepath.Base(path), line)
		}
		settings = append(settings, [2]string{k, v})
	}
	return settings
}

func TestPackagingSystemd(t *testing.T) {
	dir := repoFile(t, "packaging/systemd")
	service := filepath.Join(dir, "hackle-agent-export.service")
	got := map[string][]string{}
	var runs []exampleRun
	for _, kv := range unitSettings(t, service) {
		got[kv[0]] = append(got[kv[0]], kv[1])
		if kv[0] == "ExecStart" {
			runs = append(runs, hackleRuns(t, "hackle-agent-export.service", kv[1])...)
		}
	}
	if len(runs) != 1 {
		t.Fatalf("service: %d hackle-agent runs, want 1", len(runs))
	}
	// ProtectSystem=strict makes everything read-only but the unit's own
	// folders: the reports go to the state folder, the staging to the cache.
	checkDaily(t, runs[0], func(dir string) bool { return strings.HasPrefix(dir, "%S/hackle-agent/") })
	for k, want := range map[string]string{
		"ProtectSystem": "strict", "StateDirectory": "hackle-agent", "CacheDirectory": "hackle-agent",
		"Environment": "TMPDIR=%C/hackle-agent", "Type": "oneshot",
	} {
		if !slices.Contains(got[k], want) {
			t.Errorf("service: %s=%q, want %s", k, got[k], want)
		}
	}
	if s := got["SuccessExitStatus"]; len(s) > 0 {
		t.Errorf("service: SuccessExitStatus=%q: every exit but 0 must fail the unit (3 = data refused)", s)
	}
	body, _ := os.ReadFile(service)
	if !strings.Contains(string(body), "3 data refused") {
		t.Error("service: the exit codes are not documented")
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the units are not verified")
	}
	// verify wants ExecStart's binary to exist: point it at the test's.
	work := t.TempDir()
	var units []string
	for _, name := range []string{"hackle-agent-export.service", "hackle-agent-export.timer"} {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		body = []byte(strings.ReplaceAll(string(body), "/usr/local/bin/hackle-agent", binary))
		if err := os.WriteFile(filepath.Join(work, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
		units = append(units, filepath.Join(work, name))
	}
	out, err := exec.Command(analyze, append([]string{"verify", "--man=no"}, units...)...).CombinedOutput()
	// verify exits 0 on an unknown key or a bad value, but says so
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// k8sContainer is the part of a container spec the checks read.
type k8sContainer struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

// k8sPod is a pod template's spec.
type k8sPod struct {
	Containers []k8sContainer `yaml:"containers"`
	Volumes    []struct {
		Name                  string         `yaml:"name"`
		EmptyDir              map[string]any `yaml:"emptyDir"`
		PersistentVolumeClaim map[string]any `yaml:"persistentVolumeClaim"`
	} `yaml:"volumes"`
}

// k8sObject is a CronJob or a Job.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Spec       struct {
		Schedule          string `yaml:"schedule"`
		TimeZone          string `yaml:"timeZone"`
		ConcurrencyPolicy string `yaml:"concurrencyPolicy"`
		JobTemplate       struct {
			Spec struct {
				Template struct {
					Spec k8sPod `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		} `yaml:"jobTemplate"`
		Template struct {
			Spec k8sPod `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// k8sRuns reads every document of a Kubernetes YAML file and returns its
// objects and the hackle-agent runs of their containers.
func k8sRuns(t *testing.T, name string) ([]k8sObject, []exampleRun, []k8sPod) {
	t.Helper()
	f, err := os.Open(repoFile(t, "packaging/kubernetes/"+name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var objects []k8sObject
	var runs []exampleRun
	var pods []k8sPod
	dec := yaml.NewDecoder(f)
	for {
		var o k8sObject
		if err := dec.Decode(&o); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("%s: %v", name, err)
		}
		objects = append(objects, o)
		pod := o.Spec.Template.Spec
		if o.Kind == "CronJob" {
			pod = o.Spec.JobTemplate.Spec.Template.Spec
		}
		pods = append(pods, pod)
		for _, c := range pod.Containers {
			env := map[string]string{}
			for _, e := range c.Env {
				if strings.HasPrefix(e.Name, "HACKLE_AGENT_") {
					env[e.Name] = e.Value
				}
			}
			var found []exampleRun
			switch {
			case len(c.Command) == 3 && c.Command[0] == "sh" && c.Command[1] == "-c":
				found = hackleRuns(t, name, c.Command[2])
			case len(c.Command) == 0 && strings.HasPrefix(c.Image, "hackle-agent"):
				found = []exampleRun{{file: name, args: c.Args}}
			default:
				t.Errorf("%s: container %s: command %q args %q: not a hackle-agent run the test can read", name, c.Name, c.Command, c.Args)
			}
			for i := range found {
				found[i].env = env
			}
			runs = append(runs, found...)
		}
	}
	return objects, runs, pods
}

func TestPackagingKubernetes(t *testing.T) {
	for _, name := range []string{"cronjob.yaml", "sharded-export.yaml"} {
		body, err := os.ReadFile(repoFile(t, "packaging/kubernetes/"+name))
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range strings.Split(string(body), "\n---\n") {
			var m map[string]any
			if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
				t.Fatalf("%s: document %d: %v", name, i+1, err)
			}
			if m["apiVersion"] != "batch/v1" || (m["kind"] != "CronJob" && m["kind"] != "Job") {
				t.Errorf("%s: document %d is %v %v, want a batch/v1 CronJob or Job", name, i+1, m["apiVersion"], m["kind"])
			}
		}
	}

	objects, runs, pods := k8sRuns(t, "cronjob.yaml")
	if len(objects) != 1 || objects[0].Kind != "CronJob" || len(runs) != 1 {
		t.Fatalf("cronjob.yaml: %d objects, %d runs, want one CronJob running hackle-agent once", len(objects), len(runs))
	}
	cj := objects[0]
	if err := checkCronSchedule(strings.Fields(cj.Spec.Schedule)); err != nil {
		t.Errorf("cronjob.yaml: schedule %q: %v", cj.Spec.Schedule, err)
	}
	if cj.Spec.ConcurrencyPolicy != "Forbid" || cj.Spec.TimeZone == "" {
		t.Errorf("cronjob.yaml: concurrencyPolicy %q timeZone %q, want Forbid and a zone", cj.Spec.ConcurrencyPolicy, cj.Spec.TimeZone)
	}
	// the reports must outlive the pod: in the bucket, or on a PVC
	checkDaily(t, runs[0], func(dir string) bool {
		if remoteURL(dir) {
			return true
		}
		for _, c := range pods[0].Containers {
			for _, m := range c.VolumeMounts {
				if strings.HasPrefix(dir, m.MountPath) {
					for _, v := range pods[0].Volumes {
						if v.Name == m.Name {
							return v.PersistentVolumeClaim != nil
						}
					}
				}
			}
		}
		return false
	})

	_, runs, _ = k8sRuns(t, "sharded-export.yaml")
	if len(runs) != 2 {
		t.Fatalf("sharded-export.yaml: %d hackle-agent runs, want export and commit", len(runs))
	}
	for _, run := range runs {
		v := run.flagValues(t)
		if run.args[0] == "export" && !remoteURL(v["report-dir"]) {
			t.Errorf("sharded-export.yaml: the shards' --report-dir %q does not outlive the pods", v["report-dir"])
		}
		run.parsesInBinary(t)
	}
}

func TestPackagingAirflow(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the Airflow DAG is not checked")
	}
	dag := repoFile(t, "packaging/airflow/hackle_agent_export.py")
	compile := exec.Command(python, "-m", "py_compile", dag)
	compile.Env = append(os.Environ(), "PYTHONPYCACHEPREFIX="+t.TempDir()) // no __pycache__ in the tree
	if out, err := compile.CombinedOutput(); err != nil {
		t.Fatalf("py_compile: %v\n%s", err, out)
	}
	// the bash_command, read by Python's own parser (no Airflow needed)
	const readCommand = `import ast, sys
for node in ast.walk(ast.parse(open(sys.argv[1]).read())):
    if isinstance(node, ast.keyword) and node.arg == "bash_command":
        print(ast.literal_eval(node.value))`
	out, err := exec.Command(python, "-c", readCommand, dag).Output()
	if err != nil {
		t.Fatalf("reading bash_command: %v", err)
	}
	// Airflow renders the Jinja first: {{ ds }} is the run's day
	rendered := strings.ReplaceAll(string(out), "{{ ds }}", "2023-01-01")
	if rendered == string(out) {
		t.Errorf("DAG: bash_command %q does not pass the run's day {{ ds }}", out)
	}
	runs := hackleRuns(t, "hackle_agent_export.py", rendered)
	if len(runs) != 1 {
		t.Fatalf("DAG: %d hackle-agent runs in %q, want 1", len(runs), out)
	}
	if v := runs[0].flagValues(t); v["date"] != "2023-01-01" {
		t.Errorf("DAG: --date %q, want the run's day {{ ds }}, so that a retry or backfill exports the same day", v["date"])
	}
	checkDaily(t, runs[0], remoteURL)
}

// TestPackagingDockerfile checks what can be checked without docker: the
// image builds the binary with the version stamped the documented way, with
// the Go release go.mod asks for.
func TestPackagingDockerfile(t *testing.T) {
	body, err := os.ReadFile(repoFile(t, "packaging/Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(repoFile(t, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goVersion == nil {
		t.Fatal("go.mod has no go directive")
	}
	if !strings.Contains(string(body), "FROM golang:"+string(goVersion[1])) {
		t.Errorf("Dockerfile does not build with golang:%s (go.mod's go)", goVersion[1])
	}
	build := regexp.MustCompile(`(?m)^RUN .*go build .*$`).FindString(string(body))
	for _, want := range []string{"-X github.com/hackle/hackle-agent/version.Version=${VERSION}", "./cmd/hackle-agent", "CGO_ENABLED=0"} {
		if !strings.Contains(build, want) {
			t.Errorf("Dockerfile's build %q lacks %s", build, want)
		}
	}
	if !strings.Contains(string(body), "ARG VERSION") || !strings.Contains(string(body), `ENTRYPOINT ["/usr/local/bin/hackle-agent"]`) {
		t.Error("Dockerfile: no ARG VERSION or no hackle-agent entry point")
	}
}
