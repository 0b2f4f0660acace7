package tui

import (
	"fmt"
	"io"
	"strings"

	"github.com/hackle/hackle-agent/agent/report"
)

// summaryText renders the summary screen: outcome, threshold, counts, the
// per-source-file table and the top reason × field groups. The same text
// (without styles) is what PrintSummary writes when stdout is not a terminal.
func summaryText(st styles, d *data, groups []*group, width, top int) string {
	r := d.report
	var b strings.Builder
	line := func(label, value string) {
		fmt.Fprintf(&b, "%s %s\n", st.label.Render(fmt.Sprintf("%-11s", label)), wrapIndent(value, width, strings.Repeat(" ", 12)))
	}
	line("Report", d.dir)
	line("Run", runLine(r))
	line("Outcome", outcomeText(st, r))
	if r.OutcomeReason != "" {
		line("", r.OutcomeReason)
	}
	line("Threshold", thresholdText(r.Threshold))
	c := r.Counts
	line("Rows", fmt.Sprintf("read %s · written %s · rejected %s · duplicates %s · warnings %s",
		num(c.Read), num(c.Written), num(c.Rejected), num(c.Duplicates), num(c.Warnings)))
	if h := r.TimezoneHint; h != nil {
		line("Timezone", st.bad.Render(string(h.Reason))+" "+h.Message)
	}
	if r.Guards != nil {
		for i, l := range r.Guards.Lines {
			line(map[bool]string{true: "Guards"}[i == 0], strings.TrimSpace(l))
		}
	}
	b.WriteString("\n")
	writeSources(&b, st, r.Sources, width)
	b.WriteString("\n")
	writeTopGroups(&b, st, groups, d.index.Len(), width, top)
	return strings.TrimRight(b.String(), "\n")
}

func runLine(r report.Report) string {
	parts := []string{r.Command}
	if len(r.Dates) > 0 {
		parts = append(parts, strings.Join(r.Dates, ", "))
	}
	if r.Dest != "" {
		parts = append(parts, "→ "+r.Dest)
	}
	if r.AgentVersion != "" {
		parts = append(parts, "agent "+r.AgentVersion)
	}
	if !r.FinishedAt.IsZero() {
		parts = append(parts, r.FinishedAt.UTC().Format("2006-01-02 15:04:05Z"))
	}
	return strings.Join(parts, " · ")
}

func outcomeText(st styles, r report.Report) string {
	o := strings.ToUpper(r.Outcome)
	switch r.Outcome {
	case report.OutcomeRejected, report.OutcomeFailed:
		return st.bad.Render(o)
	case "":
		return "(none)"
	}
	return st.good.Render(o)
}

func thresholdText(t report.Threshold) string {
	s := fmt.Sprintf("error rate %s (max %s", pct(t.ErrorRate), pct(t.MaxErrorRate))
	if t.MaxErrors > 0 {
		s += fmt.Sprintf(", max errors %s", num(t.MaxErrors))
	}
	s += ")"
	if t.Exceeded {
		s += " EXCEEDED"
	}
	return s
}

func writeSources(w io.Writer, st styles, srcs []report.SourceStats, width int) {
	cols := flexWidth([]column{
		{"read", 9, true, false}, {"written", 9, true, false}, {"rejected", 9, true, false}, {"dupes", 7, true, false}, {"source file", 0, false, false},
	}, width)
	fmt.Fprintln(w, renderHeader(st, cols))
	for _, s := range srcs {
		fmt.Fprintln(w, renderRow(st, cols, []string{num(s.Read), num(s.Written), num(s.Rejected), num(s.Duplicates), s.File}, false))
	}
	if len(srcs) == 0 {
		fmt.Fprintln(w, "  (no source files)")
	}
}

func writeTopGroups(w io.Writer, st styles, groups []*group, total, width, top int) {
	if len(groups) == 0 {
		fmt.Fprintln(w, "  No rejected rows.")
		return
	}
	cols := groupColumns(width)
	cols[0].title = "top reasons"
	fmt.Fprintln(w, renderHeader(st, cols))
	for i, g := range groups {
		if i == top {
			fmt.Fprintf(w, "  … %d more\n", len(groups)-top)
			break
		}
		fmt.Fprintln(w, renderRow(st, cols, groupCells(g, total), false))
	}
}

// PrintSummary writes the summary of the report folder dir as plain text:
// outcome, threshold, counts, source files and the top reasons. inspect uses
// it when stdout is not a terminal.
func PrintSummary(w io.Writer, dir string) error {
	d, err := open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	text := summaryText(plainStyles(), d, d.index.groups(nil), 100, 10)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err = fmt.Fprintln(w, strings.Join(lines, "\n"))
	return err
}

// num formats n with thousands separators.
func num(n int64) string { return report.Num(n) }

func pct(f float64) string { return fmt.Sprintf("%.2f%%", f*100) }
