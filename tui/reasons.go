package tui

import (
	"fmt"
	"strings"
)

// reasonsModel is the reason × field table: one row per group, with its
// count and share of all rejects. It can be filtered by text (/) and sorted
// (s).
type reasonsModel struct {
	all     []*group // after the field/event_key filter
	shown   []*group // after the text filter
	text    string
	sortBy  groupSort
	total   int
	cur     cursor
	width   int
	heading string
}

func (m *reasonsModel) setGroups(gs []*group, total int) {
	m.all, m.total = gs, total
	m.apply()
}

// apply re-runs the text filter and the sort, keeping the selection on the
// same group when it is still shown.
func (m *reasonsModel) apply() {
	var keep *group
	if m.cur.pos < len(m.shown) {
		keep = m.shown[m.cur.pos]
	}
	q := strings.ToLower(m.text)
	m.shown = m.shown[:0]
	for _, g := range m.all {
		if q == "" || strings.Contains(strings.ToLower(g.reason+" "+g.field), q) {
			m.shown = append(m.shown, g)
		}
	}
	sortGroups(m.shown, m.sortBy)
	m.cur.pos = 0
	for i, g := range m.shown {
		if keep != nil && g.reason == keep.reason && g.field == keep.field {
			m.cur.pos = i
		}
	}
	m.cur.setN(len(m.shown))
}

func (m *reasonsModel) selected() *group {
	if m.cur.pos >= len(m.shown) {
		return nil
	}
	return m.shown[m.cur.pos]
}

func (m *reasonsModel) setSize(w, h int) {
	m.width = w
	m.cur.setHeight(h - 2) // heading and column titles
}

func groupColumns(width int) []column {
	return flexWidth([]column{
		{"reason", 22, false, false}, {"count", 9, true, false}, {"share", 7, true, false}, {"field", 0, false, false},
	}, width)
}

func groupCells(g *group, total int) []string {
	share := 0.0
	if total > 0 {
		share = float64(len(g.rows)) / float64(total)
	}
	return []string{g.reason, num(int64(len(g.rows))), pct(share), fieldLabel(g.field)}
}

func (m *reasonsModel) view(st styles, h int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", st.crumb.Render(fmt.Sprintf("%d reason × field groups", len(m.shown))),
		st.dim.Render("sorted by "+m.sortBy.String()))
	cols := groupColumns(m.width)
	b.WriteString(renderHeader(st, cols) + "\n")
	from, to := m.cur.visible()
	for i := from; i < to; i++ {
		b.WriteString(renderRow(st, cols, groupCells(m.shown[i], m.total), i == m.cur.pos) + "\n")
	}
	if len(m.shown) == 0 {
		b.WriteString("  No groups match.\n")
	}
	return padLines(strings.TrimRight(b.String(), "\n"), h)
}
