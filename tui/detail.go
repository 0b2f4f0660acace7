package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/viewport"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/validate"
)

// detailModel shows one reject: where it came from, every issue, and the
// raw record pretty-printed with the failing field's lines marked ">>".
type detailModel struct {
	entry  int
	reject report.Reject
	err    error
	vp     viewport.Model
}

func newDetail() detailModel {
	vp := viewport.New(0, 0)
	vp.MouseWheelEnabled = true
	return detailModel{vp: vp}
}

func (m *detailModel) load(ix *Index, entry int, st styles, width int) {
	m.entry = entry
	m.reject, m.err = ix.Reject(entry)
	m.vp.SetContent(m.content(st, width))
	m.vp.GotoTop()
}

func (m *detailModel) setSize(w, h int) {
	m.vp.Width, m.vp.Height = w, h
}

func (m *detailModel) content(st styles, width int) string {
	if m.err != nil {
		return st.bad.Render(m.err.Error())
	}
	r := m.reject
	var b strings.Builder
	kv := func(label, value string) {
		if value == "" {
			value = "(none)"
		}
		fmt.Fprintf(&b, "%s %s\n", st.label.Render(fmt.Sprintf("%-10s", label)), wrapIndent(oneLine(value), width, strings.Repeat(" ", 11)))
	}
	kv("source", location(r.File, r.Line, r.Row))
	if r.Line > 0 {
		kv("record", fmt.Sprintf("row %d", r.Row))
	}
	kv("event_key", r.EventKey)
	issues := r.Errors
	if len(issues) == 0 {
		issues = []validate.Issue{{Reason: r.Reason, Field: r.Field, Message: r.Message, Value: r.Value}}
	}
	b.WriteString("\n" + st.header.Render(fmt.Sprintf("%d issue(s)", len(issues))) + "\n")
	for _, is := range issues {
		text := fmt.Sprintf("%s %s: %s", st.bad.Render(string(is.Reason)), fieldLabel(is.Field), oneLine(is.Message))
		fmt.Fprintf(&b, "  %s\n", wrapIndent(text, width-2, "    "))
		fmt.Fprintf(&b, "    value %s\n", wrapIndent(oneLine(fmt.Sprintf("%q", is.Value)), width-4, "          "))
	}
	b.WriteString("\n" + st.header.Render("raw record") + "\n")
	b.WriteString(rawView(st, r.Raw, issues, width))
	return b.String()
}

// rawView pretty-prints raw (keeping numbers exactly as written) and marks
// the lines of the failing fields. A raw that is a JSON string (the source
// line was not valid JSON) is shown as text.
func rawView(st styles, raw json.RawMessage, issues []validate.Issue, width int) string {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return "  " + st.dim.Render("(not valid JSON; shown as read)") + "\n" + markLines(st, strings.Split(text, "\n"), nil, width)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return "  " + string(raw) + "\n"
	}
	lines := strings.Split(buf.String(), "\n")
	return markLines(st, lines, failingLines(lines, issues), width)
}

// markLines prefixes marked lines with ">>" (and reverses them where
// colour is available); long lines wrap, keeping their prefix.
func markLines(st styles, lines []string, marked map[int]bool, width int) string {
	var b strings.Builder
	for i, l := range lines {
		prefix, style := "   ", lipgloss.NewStyle()
		if marked[i] {
			prefix, style = ">> ", st.highlight
		}
		for _, part := range strings.Split(ansi.Hardwrap(l, max(width-3, 10), true), "\n") {
			b.WriteString(style.Render(prefix+part) + "\n")
		}
	}
	return b.String()
}

// failingLines finds the lines of the indented record whose key path is an
// issue's field ("identifiers.device_id" matches "device_id" inside
// "identifiers"), comparing case-insensitively. When no path matches, a key
// equal to the field's last segment is marked instead.
func failingLines(lines []string, issues []validate.Issue) map[int]bool {
	want := map[string]bool{}
	last := map[string]bool{}
	for _, is := range issues {
		f := strings.ToLower(is.Field)
		want[f] = true
		last[f[strings.LastIndex(f, ".")+1:]] = true
	}
	exact, loose := map[int]bool{}, map[int]bool{}
	var path []string
	for i, l := range lines {
		depth := (len(l) - len(strings.TrimLeft(l, " "))) / 2
		if depth > 0 && len(path) >= depth {
			path = path[:depth-1]
		}
		k, ok := lineKey(l)
		if !ok {
			continue
		}
		k = strings.ToLower(k)
		full := strings.Join(append(path, k), ".")
		if want[full] {
			exact[i] = true
		} else if last[k] {
			loose[i] = true
		}
		if t := strings.TrimSpace(l); strings.HasSuffix(t, "{") || strings.HasSuffix(t, "[") {
			path = append(path, k)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	if len(loose) > 0 {
		return loose
	}
	return valueLines(lines, issues)
}

// valueLines marks the lines whose string value is an issue's non-empty
// value: the fallback for sources whose column names differ from the
// schema's (a CSV "os" column mapped to platform_properties.osname).
func valueLines(lines []string, issues []validate.Issue) map[int]bool {
	marked := map[int]bool{}
	for _, is := range issues {
		if is.Value == "" {
			continue
		}
		q, _ := json.Marshal(is.Value)
		for i, l := range lines {
			t := strings.TrimSuffix(strings.TrimSpace(l), ",")
			if strings.HasSuffix(t, ": "+string(q)) {
				marked[i] = true
			}
		}
	}
	return marked
}

// lineKey returns the key of an indented `"key": value` line.
func lineKey(l string) (string, bool) {
	t := strings.TrimSpace(l)
	if !strings.HasPrefix(t, `"`) {
		return "", false
	}
	end := strings.Index(t, `": `)
	if end < 0 {
		return "", false
	}
	var k string
	if json.Unmarshal([]byte(t[:end+1]), &k) != nil {
		return "", false
	}
	return k, true
}
