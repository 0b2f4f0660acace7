package tui

import "github.com/charmbracelet/lipgloss"

// styles of the UI. Nothing relies on colour alone: the selected row has a
// "> " marker and the failing field in the detail view a ">>" marker, so the
// screens read the same with NO_COLOR.
type styles struct {
	title     lipgloss.Style
	crumb     lipgloss.Style
	header    lipgloss.Style
	label     lipgloss.Style
	selected  lipgloss.Style
	dim       lipgloss.Style
	bad       lipgloss.Style
	good      lipgloss.Style
	highlight lipgloss.Style
	status    lipgloss.Style
}

var (
	accent = lipgloss.AdaptiveColor{Light: "#5A56E0", Dark: "#7571F9"}
	subtle = lipgloss.AdaptiveColor{Light: "#9B9B9B", Dark: "#5C5C5C"}
	red    = lipgloss.AdaptiveColor{Light: "#D7263D", Dark: "#FF5F87"}
	green  = lipgloss.AdaptiveColor{Light: "#02BA84", Dark: "#02BF87"}
)

func newStyles() styles {
	return styles{
		title:     lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#FFFDF5")).Background(accent).Padding(0, 1),
		crumb:     lipgloss.NewStyle().Foreground(accent).Bold(true),
		header:    lipgloss.NewStyle().Bold(true).Underline(true),
		label:     lipgloss.NewStyle().Foreground(subtle).Bold(true),
		selected:  lipgloss.NewStyle().Reverse(true).Bold(true),
		dim:       lipgloss.NewStyle().Foreground(subtle),
		bad:       lipgloss.NewStyle().Foreground(red).Bold(true),
		good:      lipgloss.NewStyle().Foreground(green).Bold(true),
		highlight: lipgloss.NewStyle().Reverse(true).Bold(true),
		status:    lipgloss.NewStyle().Foreground(subtle),
	}
}

// plainStyles render nothing but the text, for PrintSummary.
func plainStyles() styles {
	p := lipgloss.NewStyle()
	return styles{p, p, p, p, p, p, p, p, p, p}
}
