package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hackle/hackle-agent/agent/report"
)

// printSummary writes the one-screen end-of-run summary.
func printSummary(w io.Writer, rep *report.Report, reportDir string) {
	c := rep.Counts
	title := rep.Command + " " + strings.Join(ends(rep.Dates), "..")
	if rep.Dest != "" {
		title += "  →  " + rep.Dest
	}
	fmt.Fprintf(w, "\nhackle-agent %s\n", title)
	fmt.Fprintf(w, "  read        %12s %s from %d input(s)\n", num(c.Read), rows(c.Read), len(rep.Sources))
	fmt.Fprintf(w, "  written     %12s %s%s\n", num(c.Written), rows(c.Written), partitionsLine(rep))
	limit := fmt.Sprintf("limit %.2f%%", 100*rep.Threshold.MaxErrorRate)
	if rep.Threshold.MaxErrors >= 0 {
		limit += fmt.Sprintf(", at most %s %s", num(rep.Threshold.MaxErrors), rows(rep.Threshold.MaxErrors))
	}
	fmt.Fprintf(w, "  rejected    %12s %s (%.2f%%, %s)\n", num(c.Rejected), rows(c.Rejected), 100*rep.Threshold.ErrorRate, limit)
	fmt.Fprintf(w, "  duplicates  %12s %s dropped (same insert_id; first kept)\n", num(c.Duplicates), rows(c.Duplicates))
	if c.Warnings > 0 {
		fmt.Fprintf(w, "  warnings    %12s %s kept with warnings: %s\n", num(c.Warnings), rows(c.Warnings), top(rep.WarningsByReason, 4))
	}
	if len(rep.ByReason) > 0 {
		fmt.Fprintf(w, "  top reasons  %s\n", top(rep.ByReason, 5))
	}
	if h := rep.TimezoneHint; h != nil {
		fmt.Fprintf(w, "  timezone    %s (%s)\n", h.Message, h.Reason)
	}
	if rep.Guards != nil {
		for _, l := range rep.Guards.Lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	fmt.Fprintf(w, "  outcome     %s: %s\n", strings.ToUpper(rep.Outcome), rep.OutcomeReason)
	fmt.Fprintf(w, "  report      %s\n", filepath.Join(reportDir, report.ReportName))
	if c.Rejected+c.Duplicates > 0 {
		fmt.Fprintf(w, "  rejects     %s\n", filepath.Join(reportDir, report.RejectsName))
		fmt.Fprintf(w, "  browse      hackle-agent inspect %s\n", reportDir)
	}
	if rep.Outcome == report.OutcomeCommitted || rep.Outcome == report.OutcomeUnchanged {
		for _, p := range rep.Partitions {
			fmt.Fprintf(w, "  partition   %s/dt=%s/  (%s %s, %d file(s), %s)\n", strings.TrimSuffix(rep.Dest, "/"), p.Date, num(p.Rows), rows(p.Rows), p.Files, bytesize(p.Bytes))
		}
	}
}

func ends(dates []string) []string {
	if len(dates) <= 1 {
		return dates
	}
	return []string{dates[0], dates[len(dates)-1]}
}

func partitionsLine(rep *report.Report) string {
	if len(rep.Partitions) == 0 {
		return ""
	}
	files, size := 0, int64(0)
	for _, p := range rep.Partitions {
		files += p.Files
		size += p.Bytes
	}
	return fmt.Sprintf(" into %d partition(s), %d file(s), %s", len(rep.Partitions), files, bytesize(size))
}

// top lists the largest counts: "ts_out_of_range 12 · identifier_missing 3".
func top[K ~string](m map[K]int64, n int) string {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for i, k := range keys {
		if i == n {
			parts = append(parts, fmt.Sprintf("(+%d more)", len(keys)-n))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s", k, num(m[k])))
	}
	return strings.Join(parts, " · ")
}

// rows is "row" or "rows" for n.
func rows(n int64) string { return report.Noun(n, "row") }

// num formats 1234567 as "1,234,567".
func num(n int64) string { return report.Num(n) }

func bytesize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// endSummary records rep as the run's report (for the run finished record,
// --output json and --metrics-file) and prints the human summary on stderr,
// except with --quiet and with --log-format json (stderr is JSON lines only).
func endSummary(quiet bool, rep *report.Report, reportDir string) {
	if rep == nil {
		return
	}
	run.report = rep
	if !quiet && run.humanText() {
		printSummary(os.Stderr, rep, reportDir)
	}
}
