package tui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hackle/hackle-agent/tui/internal/rejectgen"
	"github.com/muesli/termenv"
)

// Goldens are plain text: the Ascii profile is what NO_COLOR gives, so they
// also show that the screens read without colour.
func init() { lipgloss.SetColorProfile(termenv.Ascii) }

const fixture = "testdata/report"

var (
	enter = tea.KeyMsg{Type: tea.KeyEnter}
	esc   = tea.KeyMsg{Type: tea.KeyEsc}
	bksp  = tea.KeyMsg{Type: tea.KeyBackspace}
	down  = tea.KeyMsg{Type: tea.KeyDown}
	quit  = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")}
)

// typed is the key presses of s, one rune each.
func typed(s string) []tea.Msg {
	var msgs []tea.Msg
	for _, r := range s {
		msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return msgs
}

func keys(parts ...any) []tea.Msg {
	var msgs []tea.Msg
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			msgs = append(msgs, typed(p)...)
		case tea.Msg:
			msgs = append(msgs, p)
		}
	}
	return msgs
}

// screenFlows are the key sequences whose final screens are golden files:
// testdata/TestInspectScreens/<size>/<flow>.golden.
var screenFlows = []struct {
	name string
	keys []tea.Msg
	want string // text the screen must show
}{
	{"summary", nil, "Outcome"},
	{"reasons", keys(enter), "6 reason × field groups"},
	{"rows", keys(enter, enter), "ts_out_of_range · ts — 5 of 5 rows"},
	{"detail", keys(enter, enter, down, enter), ">>   \"ts\": \"2022-12-31T23:59:59+09:00\""},
	{"detail_two_issues", keys(enter, "/plan", enter, enter, enter), ">>   \"metric_value\": \"만원\""},
	{"detail_raw_string", keys(enter, "G", enter, enter), "not valid JSON"},
	{"detail_csv_value", keys(enter, "/osname", enter, enter, enter), ">>   \"os\": \"web\""},
	{"back_then_filter", keys(enter, enter, enter, esc, bksp, "/insert", enter), "filter /insert"},
	{"field_filter", keys("f", "구매완료", enter, enter), "1 reason × field groups"},
	{"rows_text_filter", keys(enter, enter, "/스니커즈", enter), "1 of 5 rows"},
	{"sort", keys(enter, "s"), "sorted by reason"},
	{"rows_sort", keys(enter, enter, "s"), "sorted by event_key"},
	{"help", keys(enter, "?"), "page down"},
}

func TestInspectScreens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			for _, f := range screenFlows {
				t.Run(f.name, func(t *testing.T) {
					view := runFlow(t, w, h, f.keys)
					if !strings.Contains(view, f.want) {
						t.Errorf("screen lacks %q:\n%s", f.want, view)
					}
					checkFits(t, view, w, h)
					golden.RequireEqual(t, []byte(view))
				})
			}
		})
	}
}

// runFlow drives a fresh model with msgs and q at w×h and returns its final
// screen.
func runFlow(t *testing.T, w, h int, msgs []tea.Msg) string {
	t.Helper()
	m, err := New(fixture, Options{CopyDir: t.TempDir(), Clipboard: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	for _, msg := range msgs {
		tm.Send(msg)
	}
	tm.Send(quit)
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
}

// checkFits asserts the screen is exactly h lines, none wider than w.
func checkFits(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("screen has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide (> %d): %q", i+1, n, w, l)
		}
	}
}

func TestInspectWaitsForEachStep(t *testing.T) {
	m, err := New(fixture, Options{CopyDir: t.TempDir(), Clipboard: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	step := func(want string, msgs ...tea.Msg) {
		t.Helper()
		for _, msg := range msgs {
			tm.Send(msg)
		}
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
			teatest.WithDuration(5*time.Second))
	}
	step("error rate 1.40%")
	step("6 reason × field groups", enter)
	step("5 of 5 rows", enter)
	step("raw record", enter)
	step("ts_out_of_range · ts — 5 of 5 rows", esc)
	tm.Send(quit)
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

func TestInspectRunesInOneMessage(t *testing.T) {
	together := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/insert")}
	pasted := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("quit"), Paste: true}
	view := runFlow(t, 80, 24, keys(enter, pasted, together, enter))
	if !strings.Contains(view, "filter /insert") || !strings.Contains(view, "> insert_id_invalid") {
		t.Errorf("runes typed together were not split into keys:\n%s", view)
	}
	view = runFlow(t, 80, 24, keys(enter, "/", pasted, enter))
	if !strings.Contains(view, "filter /quit") {
		t.Errorf("paste did not reach the prompt:\n%s", view)
	}
}

func TestInspectCopy(t *testing.T) {
	dir := t.TempDir()
	var clip bytes.Buffer
	m, err := New(fixture, Options{CopyDir: dir, Clipboard: &clip})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	for _, msg := range keys(enter, enter, enter, "y") {
		tm.Send(msg)
	}
	tm.Send(quit)
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	path := filepath.Join(dir, "hackle-reject-1.json")
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte(`{"insert_id":"3f1c2a9e`)) {
		t.Fatalf("saved raw = %.40q, %v", b, err)
	}
	if !strings.HasPrefix(clip.String(), "\x1b]52;c;") {
		t.Errorf("clipboard got %q, want an OSC 52 sequence", clip.String())
	}
	if !strings.Contains(fm.View(), "saved to "+dir) {
		t.Errorf("status line does not say where:\n%s", fm.View())
	}
}

func TestInspectMouseAndResize(t *testing.T) {
	m, err := New(fixture, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	tm.Send(enter)
	tm.Send(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	tm.Send(tea.WindowSizeMsg{Width: 60, Height: 12})
	tm.Send(quit)
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if fm.reasons.cur.pos != 3 {
		t.Errorf("wheel down moved the selection to %d, want 3", fm.reasons.cur.pos)
	}
	checkFits(t, fm.View(), 60, 12)
	if !strings.Contains(fm.View(), "> osname_invalid") {
		t.Errorf("selected row not visible after resize:\n%s", fm.View())
	}
}

func TestPrintSummary(t *testing.T) {
	var b bytes.Buffer
	if err := PrintSummary(&b, fixture); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, b.Bytes())
}

func TestNewWithoutReport(t *testing.T) {
	dir := t.TempDir()
	_, err := New(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "report.json")) {
		t.Fatalf("err = %v, want one naming %s/report.json", err, dir)
	}
}

func TestInspectSmallWindows(t *testing.T) {
	for _, size := range [][2]int{{40, 12}, {30, 8}} {
		for _, f := range screenFlows {
			view := runFlow(t, size[0], size[1], f.keys)
			checkFits(t, view, size[0], size[1])
		}
	}
}

// TestInspectLongListKeepsSelectionVisible scrolls a generated group of a
// few hundred rows: the selected row must stay on screen at every size,
// whatever the height of the help bar on that screen.
func TestInspectLongListKeepsSelectionVisible(t *testing.T) {
	dir := t.TempDir()
	report, err := os.ReadFile(filepath.Join(fixture, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "report.json"), report, 0o600)
	f, err := os.Create(filepath.Join(dir, "rejects.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	if err := rejectgen.Write(f, 2000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, size := range [][2]int{{80, 24}, {120, 40}, {40, 12}} {
		for _, flow := range [][]tea.Msg{
			keys(enter, enter, "G"),
			keys(enter, enter, "G", esc, "G", enter, "j"),
			keys(enter, enter, tea.KeyMsg{Type: tea.KeyPgDown}, tea.KeyMsg{Type: tea.KeyPgDown}, "k"),
		} {
			m, err := New(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
			for _, msg := range flow {
				tm.Send(msg)
			}
			tm.Send(quit)
			view := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
			m.Close()
			checkFits(t, view, size[0], size[1])
			if !strings.Contains(view, "\n> ") {
				t.Errorf("%dx%d: selected row not on screen:\n%s", size[0], size[1], view)
			}
		}
	}
}

// TestSummaryShowsTimezoneHint: inspect's summary names a suspected
// timezone (report.json's timezone_hint).
func TestSummaryShowsTimezoneHint(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"report.json", "rejects.ndjson"} {
		b, err := os.ReadFile(filepath.Join(fixture, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "report.json" {
			b = bytes.Replace(b, []byte(`"counts"`), []byte(`"timezone_hint": {"reason": "ts_timezone_suspected", "message": "62% of rows fall on the expected day if read in UTC+09:00: set --source-timezone Asia/Seoul (or the zone of your data)", "offset": "+09:00"}, "counts"`), 1)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := PrintSummary(&b, dir); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Timezone", "ts_timezone_suspected", "62% of rows fall on the expected day if read in UTC+09:00"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}
