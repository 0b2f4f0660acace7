package tui

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aymanbagabas/go-osc52/v2"
)

// copyRaw copies the selected reject's raw record to the terminal's
// clipboard with OSC 52 and also saves it to a file, since not every
// terminal (or tmux setup) honours OSC 52. The status line says where.
func (m *Model) copyRaw() {
	entry, ok := m.selectedEntry()
	if !ok {
		return
	}
	r, err := m.d.index.Reject(entry)
	if err != nil {
		m.status = "copy: " + err.Error()
		return
	}
	raw := []byte(r.Raw)
	if m.opts.Clipboard != nil {
		fmt.Fprint(m.opts.Clipboard, osc52.New(string(raw)).String())
	}
	path, err := m.saveRaw(entry, raw)
	if err != nil {
		m.status = "copied (OSC 52); save failed: " + err.Error()
		return
	}
	m.status = "copied (OSC 52) and saved to " + path
}

func (m *Model) selectedEntry() (int, bool) {
	switch m.state {
	case stateRows:
		return m.rows.selected()
	case stateDetail:
		return m.detail.entry, true
	}
	return 0, false
}

// saveRaw writes raw to <CopyDir>/hackle-reject-<n>.json.
func (m *Model) saveRaw(entry int, raw []byte) (string, error) {
	dir := m.opts.CopyDir
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("hackle-reject-%d.json", entry+1))
	return path, os.WriteFile(path, append(raw, '\n'), 0o600)
}
