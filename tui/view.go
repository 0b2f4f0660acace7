package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// View implements tea.Model.
func (m *Model) View() string {
	screen := strings.Join([]string{m.titleView(), m.bodyView(), m.statusView(), m.helpView()}, "\n")
	return clip(screen, m.width)
}

// clip cuts every line of s to w cells, so narrow windows lose columns on
// the right instead of wrapping and breaking the layout.
func clip(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) titleView() string {
	crumbs := []string{"Summary", "Reasons"}
	if m.state >= stateRows && m.rows.g != nil {
		crumbs = append(crumbs, m.rows.g.reason+" · "+fieldLabel(m.rows.g.field))
	}
	if m.state == stateDetail {
		crumbs = append(crumbs, fmt.Sprintf("reject #%d", m.detail.entry+1))
	}
	crumbs = crumbs[:min(int(m.state)+1, len(crumbs))]
	t := m.st.title.Render("hackle-agent inspect") + " " + m.st.crumb.Render(strings.Join(crumbs, " › "))
	return fit(t, m.width, false)
}

func (m *Model) bodyView() string {
	h := m.bodyHeight()
	switch m.state {
	case stateReasons:
		return m.reasons.view(m.st, h)
	case stateRows:
		return m.rows.view(m.st, h)
	case stateDetail:
		return padLines(m.detail.vp.View(), h)
	}
	return padLines(m.summary.View(), h)
}

func (m *Model) statusView() string {
	if m.prompting != promptNone {
		return fit(m.prompt.view(m.st), m.width, false)
	}
	var parts []string
	if m.fieldFilter != "" {
		parts = append(parts, fmt.Sprintf("field/event_key ~ %q", m.fieldFilter))
	}
	if t := m.textFilter(); t != "" && (m.state == stateReasons || m.state == stateRows) {
		parts = append(parts, fmt.Sprintf("filter /%s", t))
	}
	if m.status != "" {
		parts = append(parts, m.status)
	}
	left := strings.Join(parts, " · ")
	right := m.position()
	gap := max(m.width-ansiWidth(left)-ansiWidth(right), 1)
	return m.st.status.Render(fit(left+strings.Repeat(" ", gap)+right, m.width, false))
}

// position is "12/340" for lists and a scroll percentage for text views.
func (m *Model) position() string {
	switch m.state {
	case stateReasons:
		return fmt.Sprintf("%d/%d", min(m.reasons.cur.pos+1, m.reasons.cur.n), m.reasons.cur.n)
	case stateRows:
		return fmt.Sprintf("%d/%d", min(m.rows.cur.pos+1, m.rows.cur.n), m.rows.cur.n)
	case stateDetail:
		return fmt.Sprintf("%3.0f%%", m.detail.vp.ScrollPercent()*100)
	}
	return ""
}

// helpView is the help bar, wrapped onto a second line when the window is
// too narrow for it.
func (m *Model) helpView() string {
	keys := m.keys.helpFor(m.state, m.prompting != promptNone)
	bs := keys.short
	if m.showAll {
		bs = append(bs, keys.extra...)
	}
	lines := strings.Split(wrapHelp(m.st, bs, m.width), "\n")
	return strings.Join(lines[:min(len(lines), max(m.height-5, 1))], "\n") // a body of 3 lines at least
}
