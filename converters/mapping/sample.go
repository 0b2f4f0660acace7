package mapping

import (
	"io"
	"strings"

	"github.com/hackle/hackle-agent/converters/source"
)

// SampleRecords is how many records ProposeSample reads for field names.
const SampleRecords = 200

// ProposeSample guesses a mapping from a sample export: its header (CSV)
// and the fields of its first SampleRecords records (JSON), noting which
// hold JSON objects. A record it cannot read ends it with the error.
func ProposeSample(in *source.Input) (*Proposal, error) {
	columns, jsonCols, err := sampleColumns(in, SampleRecords)
	if err != nil {
		return nil, err
	}
	return Propose(columns, jsonCols), nil
}

// sampleColumns lists the column names of in's first n records in
// first-seen order, and which of them hold JSON objects.
func sampleColumns(in *source.Input, n int) ([]string, map[string]bool, error) {
	columns := in.Columns()
	seen := map[string]bool{}
	for _, c := range columns {
		seen[c] = true
	}
	jsonCols := map[string]bool{}
	for range n {
		rec, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		for _, fld := range rec.Fields {
			if !seen[fld.Name] {
				seen[fld.Name] = true
				columns = append(columns, fld.Name)
			}
			text := strings.TrimSpace(fld.Text)
			if fld.Kind == source.Object || (fld.Kind == source.String && strings.HasPrefix(text, "{")) {
				if _, err := source.ParseObject(text); err == nil {
					jsonCols[fld.Name] = true
				}
			}
		}
	}
	return columns, jsonCols, nil
}
