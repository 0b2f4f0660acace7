package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestExportAccountsForEveryLine damages valid CSV and NDJSON files at
// random (stray quotes, garbage bytes with NUL, invalid UTF-8, quotes and
// newlines spliced into records, blank lines, a file cut mid-record),
// exports them keeping what is valid, and checks from the outputs alone
// that every physical line of the input is in exactly one written row
// (found by its insert_id) or one reject (line..line+lines-1), or is a
// blank or header line, counted in report.json's skipped_lines.
// HACKLE_TEST_SEED reproduces a run.
func TestExportAccountsForEveryLine(t *testing.T) {
	seed := testSeed(t)
	day := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for round := range 4 {
		for f, format := range []string{"csv", "ndjson"} {
			t.Run(fmt.Sprintf("%s %d", format, round), func(t *testing.T) {
				g := newGenerator(seed, uint64(1+2*round+f))
				var segs []segment
				var args []string
				if format == "csv" {
					layout := g.csvLayout(g.flatMaps())
					segs = append(segs, segment{text: g.csvHeader(layout), header: true})
					segs = append(segs, records(g.events(120, day, layout.flat), func(evs []*genEvent) []string { return g.csvRecords(layout, evs) })...)
					args = []string{"--delimiter", layout.delim}
				} else {
					segs = records(g.events(120, day, [4]bool{}), g.ndjsonRecords)
				}
				segs = g.damage(segs, format)
				checkLineAccounting(t, format, segs, args)
			})
		}
	}
}

// segment is a piece of an input file: the header row, a record (possibly
// damaged), or blank lines.
type segment struct {
	text   string
	id     string // the insert_id of a record
	header bool
}

func records(evs []*genEvent, write func([]*genEvent) []string) []segment {
	recs := write(evs)
	segs := make([]segment, len(recs))
	for i, r := range recs {
		segs[i] = segment{text: r, id: evs[i].insertID}
	}
	return segs
}

// garbage are the bytes spliced into records.
var garbage = []string{"\x00", "\xff", "\xc3", "\x80", "\xed\xa0\x80", `"`, `""`, "\n", "\r", "\r\n", ",", ";", "\t", "|", "x", " ", "{", "}", "\\"}

// damage repeats a few records further on, damages about one record in
// ten, adds blank lines, and at random cuts the file in the middle of a
// record.
func (g *generator) damage(segs []segment, format string) []segment {
	first := 0
	if format == "csv" {
		first = 1 // the header stays
	}
	for range g.rng.IntN(3) { // a record repeated further on: a duplicate insert_id
		i := first + g.rng.IntN(len(segs)-first)
		at := i + 1 + g.rng.IntN(len(segs)-i)
		segs = append(segs[:at], append([]segment{segs[i]}, segs[at:]...)...)
	}
	for range 1 + g.rng.IntN(len(segs)/10) {
		s := &segs[first+g.rng.IntN(len(segs)-first)]
		if len(s.text) < 4 {
			continue
		}
		at := 1 + g.rng.IntN(len(s.text)-3) // inside the record, before its line end
		var splice string
		if g.chance(0.4) {
			splice = `"` // a stray quote
		} else {
			for range 1 + g.rng.IntN(6) {
				splice += garbage[g.rng.IntN(len(garbage))]
			}
		}
		s.text = s.text[:at] + splice + s.text[at:]
	}
	blanks := []string{"\n", "\r\n"}
	if format == "ndjson" {
		blanks = append(blanks, " \t\n", "\u00a0\r\n")
	}
	for range g.rng.IntN(6) {
		at := first + g.rng.IntN(len(segs)-first+1)
		segs = append(segs[:at], append([]segment{{text: blanks[g.rng.IntN(len(blanks))]}}, segs[at:]...)...)
	}
	if g.chance(0.5) {
		i := first + g.rng.IntN(len(segs)-first)
		if s := &segs[i]; len(s.text) > 2 {
			s.text = s.text[:1+g.rng.IntN(len(s.text)-2)]
			segs = segs[:i+1]
		}
	}
	return segs
}

// checkLineAccounting exports the file made of segs and checks that the
// written rows, the rejects and the skipped lines share out its lines.
func checkLineAccounting(t *testing.T, format string, segs []segment, args []string) {
	work := t.TempDir()
	input := filepath.Join(work, "events."+format)
	var text strings.Builder
	spans := map[string][][2]int64{} // insert_id → first line and lines of each record holding it
	headerLine, line := int64(0), int64(1)
	for _, s := range segs {
		text.WriteString(s.text)
		n := int64(strings.Count(s.text, "\n"))
		lines := n
		if !strings.HasSuffix(s.text, "\n") {
			lines++ // the file was cut in this record
		}
		if s.id != "" {
			spans[s.id] = append(spans[s.id], [2]int64{line, lines})
		}
		if s.header {
			headerLine = line
		}
		line += n
	}
	if err := os.WriteFile(input, []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	physical := strings.SplitAfter(text.String(), "\n")
	if physical[len(physical)-1] == "" {
		physical = physical[:len(physical)-1]
	}

	dest, reports := filepath.Join(work, "bucket"), filepath.Join(work, "report")
	res := runAgent(t, work, nil, append([]string{"export", "--input", input, "--date", "2023-01-01", "--dest", dest,
		"--report-dir", reports, "--max-error-rate", "1", "--max-errors", "-1", "-q"}, args...)...)
	rep, rejects := readReport(t, reports)
	c := rep.Counts
	var written []readEvent
	switch {
	case res.code == 0:
		written = readOurs(t, filepath.Join(dest, "dt=2023-01-01"))
	case res.code == exitRejected && c.Written == 0: // nothing valid left
	default:
		t.Fatalf("export: exit %d, counts %+v\n%s", res.code, c, res.stderr)
	}
	if int64(len(written)) != c.Written || c.Read != c.Written+c.Rejected+c.Duplicates || len(rejects) != int(c.Rejected+c.Duplicates) {
		t.Errorf("counts %+v, %d rows in the partition, %d rejects listed", c, len(written), len(rejects))
	}
	if len(rep.Sources) != 1 || rep.Sources[0].Lines != int64(len(physical)) || c.Lines != int64(len(physical)) {
		t.Fatalf("report.json: sources %+v, counts %+v; the input has %d lines", rep.Sources, c, len(physical))
	}

	owner := make([]string, len(physical)+1) // who holds each line, from 1
	claim := func(who string, from, n int64) {
		if n < 1 || from < 1 || from+n-1 > int64(len(physical)) {
			t.Errorf("%s spans lines %d..%d; the input has lines 1..%d", who, from, from+n-1, len(physical))
			return
		}
		for l := from; l < from+n; l++ {
			if owner[l] != "" {
				t.Errorf("line %d is in %s and in %s: %s", l, owner[l], who, short(physical[l-1]))
			}
			owner[l] = who
		}
	}
	for i, r := range rejects {
		claim(fmt.Sprintf("reject %d (%s, row %d)", i+1, r.Reason, r.Row), r.Line, r.Lines)
	}
	// A written row holds its record's lines, but for those of a damaged
	// record that a newline spliced into it cut off into rejects or blank
	// lines: the lines of the record that no reject holds, but for blank
	// ones at either end, which must follow one another. Of a repeated
	// record, the written row is the one whose lines no reject holds.
	for _, ev := range written {
		if len(spans[ev.insertID]) == 0 {
			t.Errorf("written row with insert_id %q that no record of the input holds", ev.insertID)
			continue
		}
		var from, to int64
		for _, span := range spans[ev.insertID] {
			from, to = span[0], span[0]+span[1]-1
			for from <= to && (owner[from] != "" || blankLine(format, physical[from-1])) {
				from++
			}
			for to >= from && (owner[to] != "" || blankLine(format, physical[to-1])) {
				to--
			}
			if from <= to && !slices.ContainsFunc(owner[from:to+1], func(o string) bool { return o != "" }) {
				break
			}
		}
		claim("the written row "+ev.insertID, from, to-from+1)
	}
	var skipped int64
	for l := 1; l <= len(physical); l++ {
		if owner[l] != "" {
			continue
		}
		skipped++
		if int64(l) != headerLine && !blankLine(format, physical[l-1]) {
			t.Errorf("line %d is in no row and no reject, and is neither blank nor the header: %s", l, short(physical[l-1]))
		}
	}
	if skipped != rep.Sources[0].SkippedLines || skipped != c.SkippedLines {
		t.Errorf("%d lines are in no row and no reject; report.json says %d skipped (counts: %d)", skipped, rep.Sources[0].SkippedLines, c.SkippedLines)
	}
	t.Logf("counts %+v, %d lines, %d skipped", c, len(physical), skipped)
	if t.Failed() {
		t.Logf("the input ends:\n%s", short(text.String()[max(0, text.Len()-300):]))
	}
}

// blankLine reports whether a line is one that the format skips: an
// empty CSV line, or an NDJSON line of white space.
func blankLine(format, line string) bool {
	if format == "csv" {
		return line == "\n" || line == "\r\n" || line == "" || line == "\r"
	}
	return strings.TrimSpace(line) == ""
}
