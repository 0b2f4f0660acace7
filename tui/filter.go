package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// promptKind says which filter the prompt edits.
type promptKind int

const (
	promptNone promptKind = iota
	promptText
	promptField
)

// startPrompt opens the prompt of kind, filled with the filter in force.
func (m *Model) startPrompt(kind promptKind) tea.Cmd {
	m.prompting = kind
	if kind == promptField {
		m.prompt.set("field or event_key: ", m.fieldFilter)
	} else {
		m.prompt.set("/", m.textFilter())
	}
	return nil
}

// textFilter is the text filter of the current screen.
func (m *Model) textFilter() string {
	if m.state == stateRows {
		return m.rows.text
	}
	return m.reasons.text
}

func (m *Model) updatePrompt(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Apply):
		m.applyPrompt(m.prompt.Value())
		m.endPrompt()
		return nil
	case key.Matches(msg, m.keys.Cancel):
		m.applyPrompt("")
		m.endPrompt()
		return nil
	}
	m.prompt.update(msg)
	if m.prompting == promptText && m.state == stateReasons {
		m.reasons.text = m.prompt.Value() // the table filters as you type
		m.reasons.apply()
	}
	return nil
}

func (m *Model) endPrompt() {
	m.prompting = promptNone
}

func (m *Model) applyPrompt(v string) {
	switch {
	case m.prompting == promptField:
		m.setFieldFilter(v)
	case m.state == stateRows:
		m.rows.text = v
		m.rows.apply()
	default:
		m.reasons.text = v
		m.reasons.apply()
	}
}

// setFieldFilter keeps only rejects whose field or event_key contains v,
// regrouping the table; the rows screen stays on its group when it still
// has rows.
func (m *Model) setFieldFilter(v string) {
	m.fieldFilter = v
	m.reasons.setGroups(m.d.index.groups(m.d.index.matchFieldOrEvent(v)), m.d.index.Len())
	m.refresh()
	if m.state < stateRows {
		return
	}
	for _, g := range m.reasons.all {
		if g.reason == m.rows.g.reason && g.field == m.rows.g.field {
			m.rows.setGroup(m.d.index, g)
			m.state = stateRows
			return
		}
	}
	m.state = stateReasons
}
