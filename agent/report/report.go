// Package report writes a run's report folder (docs/report.md): report.json
// and rejects.ndjson, which `inspect` reads.
package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hackle/hackle-agent/validate"
)

// File names inside a report folder.
const (
	ReportName  = "report.json"
	RejectsName = "rejects.ndjson"
)

// Writer accumulates counts and streams rejects to disk as they come, so a
// run with millions of bad rows holds none of them in memory.
type Writer struct {
	Dir    string
	Report *Report

	f   *os.File
	buf *bufio.Writer
	enc *json.Encoder
}

// Create makes the report folder and starts rejects.ndjson in it, replacing
// the files of an earlier run of the same day.
func Create(dir string, rep *Report) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report folder: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, RejectsName))
	if err != nil {
		return nil, fmt.Errorf("report folder: %w", err)
	}
	rep.RejectsFile = RejectsName
	if rep.ByReason == nil {
		rep.ByReason = map[validate.Reason]int64{}
		rep.ByField = map[string]int64{}
		rep.ByEventKey = map[string]int64{}
		rep.WarningsByReason = map[validate.Reason]int64{}
	}
	buf := bufio.NewWriterSize(f, 256<<10)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &Writer{Dir: dir, Report: rep, f: f, buf: buf, enc: enc}, nil
}

// Reject records one rejected row: it counts every issue by reason and
// field, and writes the row to rejects.ndjson.
func (w *Writer) Reject(r *Reject, issues []validate.Issue) error {
	rep := w.Report
	rep.Counts.Rejected++
	rep.ByEventKey[r.EventKey]++
	seen := map[string]bool{}
	for _, is := range issues {
		rep.ByReason[is.Reason]++
		if !seen[is.Field] {
			rep.ByField[is.Field]++
			seen[is.Field] = true
		}
	}
	return w.write(r, issues)
}

// Duplicate records a row dropped for a duplicate insert_id. It is written
// to rejects.ndjson too, so a dropped row can always be found, but it is
// counted as a duplicate, not as a rejection.
func (w *Writer) Duplicate(r *Reject) error {
	w.Report.Counts.Duplicates++
	return w.write(r, nil)
}

// Warn counts the warnings of a kept row.
func (w *Writer) Warn(warns []validate.Issue) {
	if len(warns) == 0 {
		return
	}
	w.Report.Counts.Warnings++
	for _, is := range warns {
		w.Report.WarningsByReason[is.Reason]++
	}
}

func (w *Writer) write(r *Reject, issues []validate.Issue) error {
	if len(issues) > 0 {
		first := issues[0]
		r.Reason, r.Field, r.Message, r.Value = first.Reason, first.Field, first.Message, first.Value
	}
	if len(issues) > 1 {
		r.Errors = issues
	}
	if err := w.enc.Encode(r); err != nil {
		return fmt.Errorf("write %s: %w", RejectsName, err)
	}
	return nil
}

// Close finishes rejects.ndjson and writes report.json.
func (w *Writer) Close() error {
	err := w.buf.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", RejectsName, err)
	}
	b, err := json.MarshalIndent(w.Report, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(w.Dir, "."+ReportName+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", ReportName, err)
	}
	return os.Rename(tmp, filepath.Join(w.Dir, ReportName))
}

// Read loads a report.json.
func Read(dir string) (*Report, error) {
	b, err := os.ReadFile(filepath.Join(dir, ReportName))
	if err != nil {
		return nil, err
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ReportName), err)
	}
	return &rep, nil
}
