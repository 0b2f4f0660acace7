package tui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// prompt is a one-line text input for filters: typing (including pasted
// and Korean text) appends, backspace deletes a rune, ctrl+u/ctrl+w clear.
// It is deliberately smaller than bubbles/textinput: no cursor movement and
// no blinking, so screens are deterministic in tests.
type prompt struct {
	label string
	value []rune
}

func (p *prompt) set(label, value string) {
	p.label, p.value = label, []rune(value)
}

func (p *prompt) Value() string { return string(p.value) }

func (p *prompt) update(msg tea.KeyMsg) {
	switch msg.Type {
	case tea.KeyRunes, tea.KeySpace:
		p.value = append(p.value, msg.Runes...)
	case tea.KeyBackspace:
		if len(p.value) > 0 {
			p.value = p.value[:len(p.value)-1]
		}
	case tea.KeyCtrlU, tea.KeyCtrlW:
		p.value = nil
	}
}

func (p *prompt) view(st styles) string {
	return st.crumb.Render(p.label) + string(p.value) + "█"
}
