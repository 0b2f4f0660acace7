package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// state is the screen on show; the parent model routes messages to the
// child model of the current state.
type state int

const (
	stateSummary state = iota
	stateReasons
	stateRows
	stateDetail
)

func (s state) String() string {
	return [...]string{"Summary", "Reasons", "Rows", "Detail"}[s]
}

// Model is the inspect UI over one report folder. Build it with New; it
// implements tea.Model.
type Model struct {
	d        *data
	opts     Options
	keys     keyMap
	st       styles
	showAll  bool // ? shows every key
	quitting bool
	state    state
	width    int
	height   int

	summary viewport.Model
	reasons reasonsModel
	rows    rowsModel
	detail  detailModel

	laidOut [2]int // width and body height the children were sized for

	prompt      prompt
	prompting   promptKind
	fieldFilter string
	status      string
}

var _ tea.Model = (*Model)(nil)

func newModel(d *data, opts Options) *Model {
	m := &Model{
		d: d, opts: opts, keys: newKeyMap(), st: newStyles(),
		summary: viewport.New(0, 0), detail: newDetail(),
		width: 80, height: 24,
	}
	m.summary.MouseWheelEnabled = true
	m.reasons.setGroups(d.index.groups(nil), d.index.Len())
	m.layout()
	return m
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.layout() // the help bar's height changes with the screen
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 20), max(msg.Height, 6)
	case tea.KeyMsg:
		if msg.Paste {
			return m.paste(msg)
		}
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 {
			return m.typeRunes(msg)
		}
		if msg.String() == "ctrl+c" {
			m.quitting = true
			return tea.Quit
		}
		if m.prompting != promptNone {
			return m.updatePrompt(msg)
		}
		return m.updateKey(msg)
	case tea.MouseMsg:
		return m.updateMouse(msg)
	}
	return nil
}

// typeRunes handles runes that arrived in one read (fast typing, tmux
// send-keys, a paste) one key at a time, so "/insert" opens the filter
// prompt and types "insert" into it.
func (m *Model) typeRunes(msg tea.KeyMsg) tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range msg.Runes {
		cmd := m.update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
		cmds = append(cmds, cmd)
		if m.quitting {
			break
		}
	}
	return tea.Sequence(cmds...)
}

// paste types pasted text into an open filter prompt; elsewhere it is
// ignored, so pasting cannot fire a string of commands (or q).
func (m *Model) paste(msg tea.KeyMsg) tea.Cmd {
	if m.prompting == promptNone {
		return nil
	}
	msg.Paste = false
	return m.updatePrompt(msg)
}

// bodyHeight is what is left between the title bar and the status and help
// lines.
func (m *Model) bodyHeight() int {
	return max(m.height-2-lipgloss.Height(m.helpView()), 3)
}

// layout sizes the child models to the window, re-rendering the text
// screens when their width or height changed.
func (m *Model) layout() {
	bh := m.bodyHeight()
	if m.laidOut == [2]int{m.width, bh} {
		return
	}
	m.laidOut = [2]int{m.width, bh}
	m.summary.Width, m.summary.Height = m.width, bh
	m.setSummary()
	m.reasons.setSize(m.width, bh)
	m.rows.setSize(m.width, bh)
	m.detail.setSize(m.width, bh)
	if m.state == stateDetail {
		y := m.detail.vp.YOffset
		m.detail.vp.SetContent(m.detail.content(m.st, m.width))
		m.detail.vp.SetYOffset(y)
	}
}

// setSummary renders the summary with as many top groups as fit the
// window (at least three).
func (m *Model) setSummary() {
	gs := m.reasons.all
	text := summaryText(m.st, m.d, gs, m.width, len(gs))
	if over := lipgloss.Height(text) - m.summary.Height; over > 0 {
		text = summaryText(m.st, m.d, gs, m.width, max(len(gs)-over-1, 3))
	}
	m.summary.SetContent(text)
}

// refresh re-renders the summary after a filter changed its groups.
func (m *Model) refresh() {
	m.laidOut = [2]int{}
	m.layout()
}

func (m *Model) updateKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	if key.Matches(msg, k.Quit) {
		m.quitting = true
		return tea.Quit // keeping the last screen as it was
	}
	m.status = ""
	switch {
	case key.Matches(msg, k.Help):
		m.showAll = !m.showAll
	case key.Matches(msg, k.Back):
		m.back()
	case key.Matches(msg, k.Enter):
		m.enter()
	case key.Matches(msg, k.Filter) && m.state != stateDetail:
		if m.state == stateSummary {
			m.state = stateReasons
		}
		return m.startPrompt(promptText)
	case key.Matches(msg, k.FieldFilter) && m.state != stateDetail:
		return m.startPrompt(promptField)
	case key.Matches(msg, k.Sort):
		m.cycleSort()
	case key.Matches(msg, k.Copy):
		m.copyRaw()
	default:
		return m.navigate(msg)
	}
	return nil
}

// navigate moves the selection or scrolls the current screen.
func (m *Model) navigate(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.state {
	case stateSummary:
		m.summary, cmd = m.summary.Update(msg)
	case stateDetail:
		m.detail.vp, cmd = m.detail.vp.Update(msg)
	case stateReasons:
		m.moveCursor(&m.reasons.cur, msg)
	case stateRows:
		m.moveCursor(&m.rows.cur, msg)
	}
	return cmd
}

func (m *Model) moveCursor(c *cursor, msg tea.Msg) {
	k := m.keys
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			c.move(-1)
		case key.Matches(msg, k.Down):
			c.move(1)
		case key.Matches(msg, k.PageUp):
			c.move(-c.height)
		case key.Matches(msg, k.PageDown):
			c.move(c.height)
		case key.Matches(msg, k.Top):
			c.move(-c.n)
		case key.Matches(msg, k.Bottom):
			c.move(c.n)
		}
	case tea.MouseMsg:
		if msg.Action != tea.MouseActionPress {
			return
		}
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			c.move(-3)
		case tea.MouseButtonWheelDown:
			c.move(3)
		}
	}
}

func (m *Model) updateMouse(msg tea.MouseMsg) tea.Cmd {
	if m.prompting != promptNone {
		return nil
	}
	return m.navigate(msg)
}

func (m *Model) enter() {
	switch m.state {
	case stateSummary:
		m.state = stateReasons
	case stateReasons:
		if g := m.reasons.selected(); g != nil {
			m.rows.text = ""
			m.rows.setGroup(m.d.index, g)
			m.state = stateRows
		}
	case stateRows:
		if i, ok := m.rows.selected(); ok {
			m.detail.load(m.d.index, i, m.st, m.width)
			m.state = stateDetail
		}
	}
}

func (m *Model) back() {
	if m.state > stateSummary {
		m.state--
	}
}

func (m *Model) cycleSort() {
	switch m.state {
	case stateReasons:
		m.reasons.sortBy = (m.reasons.sortBy + 1) % numGroupSorts
		m.reasons.apply()
		m.status = "sorted by " + m.reasons.sortBy.String()
	case stateRows:
		m.rows.sortBy = (m.rows.sortBy + 1) % numRowSorts
		m.rows.sort()
		m.status = "sorted by " + m.rows.sortBy.String()
	}
}
