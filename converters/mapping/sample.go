package mapping

import (
	"io"
	"strings"

	"github.com/hackle/hackle-agent/converters/source"
)

// SampleRecords is how many records ProposeSample reads for field names
// and values.
const SampleRecords = 200

// ProposeSample guesses a mapping from a sample export: its header (CSV)
// and the fields of its first SampleRecords records (JSON), by name and by
// the values those records hold (see ProposeColumns). A record it cannot
// read ends it with the error.
func ProposeSample(in *source.Input) (*Proposal, error) {
	cols, err := sample(in, SampleRecords)
	if err != nil {
		return nil, err
	}
	return ProposeColumns(cols), nil
}

// sampleColumns lists the column names of in's first n records in
// first-seen order, and which of them hold JSON objects.
func sampleColumns(in *source.Input, n int) ([]string, map[string]bool, error) {
	cols, err := sample(in, n)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	jsonCols := map[string]bool{}
	for _, c := range cols {
		names = append(names, c.Name)
		if c.JSON {
			jsonCols[c.Name] = true
		}
	}
	return names, jsonCols, nil
}

// sample reads in's first n records into columns in first-seen order, with
// their non-empty values (at most n each, so memory is bounded).
func sample(in *source.Input, n int) ([]Column, error) {
	var cols []Column
	at := map[string]int{}
	add := func(name string) int {
		i, ok := at[name]
		if !ok {
			i = len(cols)
			at[name] = i
			cols = append(cols, Column{Name: name})
		}
		return i
	}
	for _, c := range in.Columns() {
		add(c)
	}
	for range n {
		rec, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, fld := range rec.Fields {
			c := &cols[add(fld.Name)]
			text := strings.TrimSpace(fld.Text)
			if fld.Kind == source.Object || (fld.Kind == source.String && strings.HasPrefix(text, "{")) {
				if _, err := source.ParseObject(text); err == nil {
					c.JSON = true
				}
			}
			if fld.Kind != source.Null && text != "" && fld.Kind != source.Object {
				c.Values = append(c.Values, strings.Clone(text))
			}
		}
	}
	return cols, nil
}
