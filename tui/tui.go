// Package tui is the terminal UI of `hackle-agent inspect`: a bubbletea
// program over a report folder (report.json and rejects.ndjson, docs/report.md)
// with a summary, a reason × field table, the rows of one group and the
// detail of one reject.
//
// The rejects file is indexed once (byte offsets and grouping fields only),
// so a million-line file opens in well under two seconds and rows are read
// back from disk only when shown.
package tui

import (
	"context"
	"errors"
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// Options tune Run.
type Options struct {
	// NoAltScreen keeps the UI in the normal screen buffer.
	NoAltScreen bool
	// NoMouse disables mouse reporting (wheel scrolling), which lets the
	// terminal select text.
	NoMouse bool
	// CopyDir is where y saves raw records; the system temp dir when empty.
	CopyDir string
	// Clipboard receives the OSC 52 sequence of y; Run sets it to out when
	// nil.
	Clipboard io.Writer
}

// New opens the report folder dir and returns its UI model, for tests and
// for embedding; Close releases the rejects file.
func New(dir string, opts Options) (*Model, error) {
	d, err := open(dir)
	if err != nil {
		return nil, err
	}
	return newModel(d, opts), nil
}

// Close releases the rejects file of the model.
func (m *Model) Close() error { return m.d.Close() }

// Run opens the report folder dir and runs the UI until the user quits or
// ctx is done. in and out are the terminal (os.Stdin and os.Stdout when
// nil). A missing report.json is an error wrapping ErrNoReport.
func Run(ctx context.Context, dir string, in io.Reader, out io.Writer, opts Options) error {
	if opts.Clipboard == nil {
		opts.Clipboard = out
		if out == nil {
			opts.Clipboard = os.Stdout
		}
	}
	m, err := New(dir, opts)
	if err != nil {
		return err
	}
	defer m.Close()
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if in != nil {
		popts = append(popts, tea.WithInput(in))
	}
	if out != nil {
		popts = append(popts, tea.WithOutput(out))
	}
	if !opts.NoAltScreen {
		popts = append(popts, tea.WithAltScreen())
	}
	if !opts.NoMouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	_, err = tea.NewProgram(m, popts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // interrupted by the caller
	}
	return err
}

func ansiWidth(s string) int { return lipgloss.Width(s) }
