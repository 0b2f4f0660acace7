package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
)

// keyMap is every key the UI answers to; the help bar shows the ones that
// apply to the current screen.
type keyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Enter, Back                             key.Binding
	Filter, FieldFilter, Sort, Copy         key.Binding
	Help, Quit                              key.Binding
	// Prompt keys, active while a filter is being typed.
	Apply, Cancel key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", " "), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
		Enter:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:        key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		FieldFilter: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "field/event_key")),
		Sort:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Copy:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "keys")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Apply:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// screenKeys are the keys of one screen: short for the help bar, extra
// (extra navigation) when ? is pressed.
type screenKeys struct {
	short []key.Binding
	extra []key.Binding
}

// wrapHelp renders "key desc • key desc", wrapping onto more lines rather
// than cutting keys off at narrow widths.
func wrapHelp(st styles, bs []key.Binding, width int) string {
	var lines []string
	line := ""
	for _, b := range bs {
		item := st.label.Render(b.Help().Key) + " " + st.dim.Render(b.Help().Desc)
		switch {
		case line == "":
			line = item
		case lipgloss.Width(line)+3+lipgloss.Width(item) > width:
			lines = append(lines, line)
			line = item
		default:
			line += st.dim.Render(" • ") + item
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// helpFor returns the keys that apply in state st.
func (k keyMap) helpFor(st state, prompting bool) screenKeys {
	if prompting {
		return screenKeys{short: []key.Binding{k.Apply, k.Cancel}}
	}
	nav := []key.Binding{k.PageUp, k.PageDown, k.Top, k.Bottom}
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓/jk", "move"))
	var short []key.Binding
	switch st {
	case stateSummary:
		short = []key.Binding{withHelp(k.Enter, "reasons"), withHelp(move, "scroll"), k.Filter, k.FieldFilter, k.Quit, k.Help}
	case stateReasons:
		short = []key.Binding{move, withHelp(k.Enter, "rows"), k.Back, k.Filter, k.FieldFilter, k.Sort, k.Quit, k.Help}
	case stateRows:
		short = []key.Binding{move, withHelp(k.Enter, "detail"), k.Back, k.Filter, k.FieldFilter, k.Sort, k.Copy, k.Quit, k.Help}
	case stateDetail:
		short = []key.Binding{withHelp(move, "scroll"), k.Back, k.Copy, k.Quit, k.Help}
	}
	return screenKeys{short: short, extra: nav}
}

func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}
