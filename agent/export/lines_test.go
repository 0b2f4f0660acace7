package export

import (
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/report"
)

// TestLineTally: records that follow one another add up with the skipped
// lines to the input's lines; a record that overlaps the one before, or
// records holding more lines than the input, are an internal error.
func TestLineTally(t *testing.T) {
	tests := []struct {
		name    string
		spans   [][2]int64 // line, lines of each record, in order
		lines   int64      // of the input
		skipped int64
		err     string
	}{
		{"csv with a header and a blank line", [][2]int64{{2, 1}, {3, 2}, {6, 1}}, 6, 2, ""},
		{"ndjson", [][2]int64{{1, 1}, {2, 1}}, 2, 0, ""},
		{"json array: no lines", [][2]int64{{0, 0}, {0, 0}}, 0, 0, ""},
		{"empty input", nil, 0, 0, ""},
		{"overlap", [][2]int64{{2, 2}, {3, 1}}, 4, 0, "overlaps the one before, which ends at line 3"},
		{"same line twice", [][2]int64{{1, 1}, {1, 1}}, 2, 0, "record at line 1"},
		{"past the end", [][2]int64{{1, 1}, {3, 2}}, 3, 0, "up to line 4, but the input has 3"},
		{"more lines than the input", [][2]int64{{1, 3}}, 2, -1, "span 3 line(s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &batch{}
			for _, s := range tt.spans {
				b.rows = append(b.rows, row{line: s[0], lines: s[1]})
			}
			b.n = len(b.rows)
			var tally lineTally
			var stats report.SourceStats
			var counts report.Counts
			err := tally.add(b)
			if err == nil {
				err = tally.finish(&stats, &counts, tt.lines)
				if stats.Lines != tt.lines || stats.SkippedLines != tt.skipped || counts.Lines != tt.lines || counts.SkippedLines != tt.skipped {
					t.Errorf("stats %+v counts %+v, want lines %d skipped %d", stats, counts, tt.lines, tt.skipped)
				}
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "internal error")):
				t.Errorf("error %v, want one saying %q", err, tt.err)
			}
		})
	}
}
