package source

import (
	"errors"
	"strings"
	"testing"
)

// TestCSVNoHeader: with NoHeader the first line is a row and Columns name
// the cells; every line is still accounted for (none is a header). Without
// it, a first line that looks like data fails Open with the hint.
func TestCSVNoHeader(t *testing.T) {
	cols := []string{"id", "event", "at", "amount"}
	tests := []struct {
		name, file, data string
		opts             Options
		want             []string
		lines            int64
		wantErr          error
	}{
		{name: "Redshift UNLOAD: pipe-delimited, no header", file: "0000_part_00",
			opts: Options{Format: CSV, Delimiter: '|', NoHeader: true, Columns: cols},
			data: "8fb8e088-9245-4fce-bb87-7e09d9917e01|view|2023-01-01 12:00:00|1.5\n8fb8e088-9245-4fce-bb87-7e09d9917e02|buy||\n",
			want: []string{`L1 R1 id="8fb8e088-9245-4fce-bb87-7e09d9917e01" event="view" at="2023-01-01 12:00:00" amount="1.5"`,
				`L2 R2 id="8fb8e088-9245-4fce-bb87-7e09d9917e02" event="buy" at="" amount=""`},
			lines: 2},
		{name: "Snowflake COPY INTO: quoted cells, blank line", file: "data_0_0_0.csv",
			opts: Options{NoHeader: true, Columns: cols},
			data: "\"8fb8e088-9245-4fce-bb87-7e09d9917e01\",\"view, then buy\",\"2023-01-01T12:00:00Z\",2\n\n\"8fb8e088-9245-4fce-bb87-7e09d9917e02\",\"a \"\"b\"\"\",\"2023-01-01T13:00:00Z\",\n",
			want: []string{`L1 R1 id="8fb8e088-9245-4fce-bb87-7e09d9917e01" event="view, then buy" at="2023-01-01T12:00:00Z" amount="2"`,
				`L3 R2 id="8fb8e088-9245-4fce-bb87-7e09d9917e02" event="a \"b\"" at="2023-01-01T13:00:00Z" amount=""`},
			lines: 3},
		{name: "a short row is still a short row", file: "x.csv", opts: Options{NoHeader: true, Columns: cols},
			data: "1,2\n", want: []string{`L1 R1 !row has 2 cells, the header has 4`}, lines: 1},
		{name: "a header of data without NoHeader", file: "x.csv",
			data:    "8fb8e088-9245-4fce-bb87-7e09d9917e01,view,2023-01-01T12:00:00Z,2\n",
			wantErr: ErrHeaderLooksLikeData},
		{name: "pipe-delimited data as a header", file: "x.csv", opts: Options{Delimiter: '|'},
			data: "1|2023-01-01|x\n", wantErr: ErrHeaderLooksLikeData},
		{name: "a header with a number among names is a header", file: "x.csv",
			data: "id,2023,name\n1,2,3\n", want: []string{`L2 R1 id="1" 2023="2" name="3"`}, lines: 2},
		{name: "duplicate columns", file: "x.csv", opts: Options{NoHeader: true, Columns: []string{"a", "a"}},
			data: "1,2\n", wantErr: ErrDuplicateColumn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, recs, err := readAll(t, tt.file, tt.data, tt.opts)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if tt.wantErr == ErrHeaderLooksLikeData && !strings.Contains(err.Error(), "--no-header --columns") {
					t.Errorf("no hint: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkRecords(t, recs, tt.want)
			if in.Lines() != tt.lines {
				t.Errorf("Lines() = %d, want %d", in.Lines(), tt.lines)
			}
		})
	}
}
