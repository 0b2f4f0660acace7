package report

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hackle/hackle-agent/validate"
)

func TestWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dt=2023-01-01")
	rep := &Report{Command: "export"}
	w, err := Create(dir, rep)
	if err != nil {
		t.Fatal(err)
	}
	two := []validate.Issue{
		{Reason: validate.TSInvalid, Field: "ts", Message: "bad ts", Value: "x"},
		{Reason: validate.IdentifierMissing, Field: "identifiers.id", Message: "no id"},
	}
	if err := w.Reject(&Reject{File: "a.csv", Line: 3, Lines: 2, Row: 2, EventKey: "buy", Raw: json.RawMessage(`{"a":"<b>"}`)}, two); err != nil {
		t.Fatal(err)
	}
	one := []validate.Issue{{Reason: validate.TSInvalid, Field: "ts", Message: "bad ts", Value: "y"}}
	w.Reject(&Reject{File: "a.csv", Line: 4, Row: 3, EventKey: "buy", Raw: json.RawMessage(`{}`)}, one)
	w.Duplicate(&Reject{File: "a.csv", Line: 5, Row: 4, Reason: validate.DuplicateInsertID, Field: "insert_id", Raw: json.RawMessage(`{}`)})
	w.Warn([]validate.Issue{{Reason: validate.MetricRounded}, {Reason: validate.DuplicateKey}})
	w.Warn(nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := got.Counts
	if c.Rejected != 2 || c.Duplicates != 1 || c.Warnings != 1 {
		t.Errorf("counts %+v", c)
	}
	if got.ByReason[validate.TSInvalid] != 2 || got.ByReason[validate.IdentifierMissing] != 1 || got.ByField["ts"] != 2 || got.ByEventKey["buy"] != 2 {
		t.Errorf("by reason %v, by field %v, by event_key %v", got.ByReason, got.ByField, got.ByEventKey)
	}
	if got.WarningsByReason[validate.MetricRounded] != 1 || got.RejectsFile != RejectsName {
		t.Errorf("warnings %v, rejects file %q", got.WarningsByReason, got.RejectsFile)
	}
	f, err := os.Open(filepath.Join(dir, RejectsName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []Reject
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Reject
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		lines = append(lines, r)
	}
	if len(lines) != 3 {
		t.Fatalf("%d reject lines, want 3", len(lines))
	}
	first := lines[0]
	if first.Reason != validate.TSInvalid || first.Field != "ts" || first.Value != "x" || len(first.Errors) != 2 || string(first.Raw) != `{"a":"<b>"}` {
		t.Errorf("first reject %+v raw %s", first, first.Raw)
	}
	if first.Line != 3 || first.Lines != 2 {
		t.Errorf("first reject spans lines %d+%d, want 3+2", first.Line, first.Lines)
	}
	if len(lines[1].Errors) != 0 || lines[2].Reason != validate.DuplicateInsertID {
		t.Errorf("second %+v third %+v", lines[1], lines[2])
	}
}
