package mapping

import (
	"slices"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/converters/source"
)

func TestProposeSample(t *testing.T) {
	tests := []struct {
		name, file, data string
		columns          []string // in first-seen order
		json             []string // columns holding JSON objects
		insertID, ts     string
	}{
		{
			name: "csv header", file: "s.csv",
			data:    "event_id,event_time,props\nx,2023-01-01,\"{\"\"a\"\":1}\"\n",
			columns: []string{"event_id", "event_time", "props"}, json: []string{"props"},
			insertID: "event_id", ts: "event_time",
		},
		{
			name: "ndjson fields, new ones later", file: "s.ndjson",
			data:    `{"uuid":"u","params":{"a":1}}` + "\n" + `{"uuid":"v","timestamp":1,"note":"{not json"}` + "\n",
			columns: []string{"uuid", "params", "timestamp", "note"}, json: []string{"params"},
			insertID: "uuid", ts: "timestamp",
		},
		{
			name: "a field past the sampled records is not seen", file: "s.ndjson",
			data:    strings.Repeat(`{"event_id":"e"}`+"\n", SampleRecords) + `{"time":1}` + "\n",
			columns: []string{"event_id"}, insertID: "event_id",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := source.Open(tt.file, strings.NewReader(tt.data), source.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			cols, jsonCols, err := sampleColumns(in, SampleRecords)
			if err != nil {
				t.Fatal(err)
			}
			var js []string
			for c := range jsonCols {
				js = append(js, c)
			}
			slices.Sort(js)
			if !slices.Equal(cols, tt.columns) || !slices.Equal(js, tt.json) {
				t.Fatalf("columns %v json %v, want %v json %v", cols, js, tt.columns, tt.json)
			}
			in2, _ := source.Open(tt.file, strings.NewReader(tt.data), source.Options{})
			defer in2.Close()
			p, err := ProposeSample(in2)
			if err != nil {
				t.Fatal(err)
			}
			if p.Scalars["insert_id"] != tt.insertID || p.Scalars["ts"] != tt.ts {
				t.Fatalf("proposal %+v", p.Scalars)
			}
		})
	}
}
