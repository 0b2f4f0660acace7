package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// cursor is the selection and scroll position of a list of n rows shown
// height rows at a time.
type cursor struct {
	pos, top, n, height int
}

func (c *cursor) setN(n int) {
	c.n = n
	c.clamp()
}

func (c *cursor) setHeight(h int) {
	c.height = max(h, 1)
	c.clamp()
}

// move moves the selection by d rows and scrolls it into view.
func (c *cursor) move(d int) {
	c.pos += d
	c.clamp()
}

func (c *cursor) clamp() {
	c.pos = min(max(c.pos, 0), max(c.n-1, 0))
	if c.pos < c.top {
		c.top = c.pos
	}
	if c.pos >= c.top+c.height {
		c.top = c.pos - c.height + 1
	}
	c.top = max(min(c.top, c.n-c.height), 0)
}

// visible is the half-open range of rows on screen.
func (c cursor) visible() (from, to int) {
	return c.top, min(c.top+c.height, c.n)
}

// column is one column of a table: a title, a width and its alignment.
type column struct {
	title string
	width int
	right bool
	tail  bool // when too long, keep the end (file paths with line numbers)
}

// fit truncates s to w cells (wide Korean runes count twice) and pads it.
// s may hold styles; data must go through oneLine first.
func fit(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	pad := strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
	if right {
		return pad + s
	}
	return s + pad
}

// oneLine replaces control characters so a value cannot break the layout.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '␤'
		}
		return r
	}, s)
}

// renderRow joins cells under cols, with a "> " marker on the selected row.
func renderRow(st styles, cols []column, cells []string, selected bool) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		cell := oneLine(cells[i])
		if c.tail && ansi.StringWidth(cell) > c.width && c.width > 1 {
			cell = "…" + ansi.TruncateLeft(cell, ansi.StringWidth(cell)-c.width+1, "")
		}
		parts[i] = fit(cell, c.width, c.right)
	}
	line := strings.Join(parts, " ")
	if selected {
		return st.selected.Render("> " + line)
	}
	return "  " + line
}

func renderHeader(st styles, cols []column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fit(c.title, c.width, c.right)
	}
	return "  " + st.header.Render(strings.Join(parts, " "))
}

// flexWidth gives the last column whatever width is left of total.
func flexWidth(cols []column, total int) []column {
	used := 2 // marker
	for _, c := range cols[:len(cols)-1] {
		used += c.width + 1
	}
	out := append([]column(nil), cols...)
	out[len(out)-1].width = max(total-used, 8)
	return out
}

// padLines pads s with empty lines to exactly h lines (or cuts it).
func padLines(s string, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// wrapIndent wraps s to width cells, indenting continuation lines by
// prefix, so long values stay readable instead of being cut at the edge.
func wrapIndent(s string, width int, prefix string) string {
	w := max(width-ansi.StringWidth(prefix), 10)
	lines := strings.Split(ansi.Wrap(s, w, " ,/"), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = prefix + lines[i]
	}
	return strings.Join(lines, "\n")
}

// fieldLabel names a schema field, or says there is none (a record that
// could not be parsed at all).
func fieldLabel(f string) string {
	if f == "" {
		return "(no field)"
	}
	return f
}
