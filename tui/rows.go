package tui

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// rowSort is the order of the rows screen.
type rowSort int

const (
	rowsBySource rowSort = iota // source file, then line
	rowsByEvent
	numRowSorts
)

func (s rowSort) String() string { return [...]string{"source file:line", "event_key"}[s] }

// rowsModel lists the rejects of one reason × field group. Only the rows on
// screen are read from the rejects file, so a group of a million rows costs
// its index and nothing more.
type rowsModel struct {
	ix     *Index
	g      *group
	shown  []int32 // entry numbers after the text filter, in sort order
	text   string
	sortBy rowSort
	cur    cursor
	width  int
	cache  map[int32]rowSummary
}

func (m *rowsModel) setGroup(ix *Index, g *group) {
	m.ix, m.g = ix, g
	m.cur = cursor{height: m.cur.height}
	m.apply()
}

// apply re-runs the text filter (a case-insensitive match anywhere in the
// reject's line, raw record included) and the sort.
func (m *rowsModel) apply() {
	m.cache = map[int32]rowSummary{}
	m.shown = m.shown[:0]
	q := bytes.ToLower([]byte(m.text))
	for _, i := range m.g.rows {
		if len(q) == 0 || m.lineContains(i, q) {
			m.shown = append(m.shown, i)
		}
	}
	m.sort()
}

// sort orders the shown rows by sortBy without re-reading the file.
func (m *rowsModel) sort() {
	ix, rows := m.ix, m.shown
	if m.sortBy == rowsByEvent {
		sort.SliceStable(rows, func(a, b int) bool {
			return ix.str(ix.entries[rows[a]].eventKey) < ix.str(ix.entries[rows[b]].eventKey)
		})
	} else {
		sort.SliceStable(rows, func(a, b int) bool {
			ea, eb := &ix.entries[rows[a]], &ix.entries[rows[b]]
			if ea.file != eb.file {
				return ix.str(ea.file) < ix.str(eb.file)
			}
			return ea.line < eb.line
		})
	}
	m.cur.pos, m.cur.top = 0, 0
	m.cur.setN(len(rows))
}

func (m *rowsModel) lineContains(i int32, q []byte) bool {
	b, err := m.ix.readLine(int(i))
	return err == nil && bytes.Contains(bytes.ToLower(b), q)
}

func (m *rowsModel) selected() (int, bool) {
	if m.cur.pos >= len(m.shown) {
		return 0, false
	}
	return int(m.shown[m.cur.pos]), true
}

func (m *rowsModel) setSize(w, h int) {
	m.width = w
	m.cur.setHeight(h - 2)
}

func (m *rowsModel) row(i int32) rowSummary {
	if s, ok := m.cache[i]; ok {
		return s
	}
	if len(m.cache) > 4096 {
		m.cache = map[int32]rowSummary{}
	}
	s := m.ix.summaryOf(int(i))
	m.cache[i] = s
	return s
}

func (m *rowsModel) columns() []column {
	fileW := min(max(m.width*2/5, 24), 60)
	return flexWidth([]column{{"source file:line", fileW, false, true}, {"event_key", 16, false, false}, {"value", 0, false, false}}, m.width)
}

func (m *rowsModel) view(st styles, h int) string {
	var b strings.Builder
	title := fmt.Sprintf("%s · %s — %s of %s rows", m.g.reason, fieldLabel(m.g.field), num(int64(len(m.shown))), num(int64(len(m.g.rows))))
	fmt.Fprintf(&b, "%s  %s\n", st.crumb.Render(title), st.dim.Render("sorted by "+m.sortBy.String()))
	cols := m.columns()
	b.WriteString(renderHeader(st, cols) + "\n")
	from, to := m.cur.visible()
	for i := from; i < to; i++ {
		r := m.row(m.shown[i])
		cells := []string{location(r.File, r.Line, r.Row), r.EventKey, r.Value}
		b.WriteString(renderRow(st, cols, cells, i == m.cur.pos) + "\n")
	}
	if len(m.shown) == 0 {
		b.WriteString("  No rows match.\n")
	}
	return padLines(strings.TrimRight(b.String(), "\n"), h)
}

// location is "file:line", or "file row N" when the format has no lines.
func location(file string, line, row int64) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return fmt.Sprintf("%s row %d", file, row)
}
