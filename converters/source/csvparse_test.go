package source

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// csvRow is a row as encoding/csv reads it from the whole input.
type csvRow struct {
	line  int64
	cells []string // with a parse error, the cells before it
	err   error    // the ParseError's Err
	text  string   // from the end of the row before
}

// encodingCSV reads data (after a BOM, which Open strips) with
// encoding/csv, the reference that Open must follow.
func encodingCSV(data string, comma rune) (header []string, rows []csvRow, err error) {
	data = strings.TrimPrefix(data, "\xef\xbb\xbf")
	cr := newCSVReader(strings.NewReader(data), comma)
	if header, err = cr.Read(); err != nil {
		return nil, nil, err
	}
	for {
		start := cr.InputOffset()
		cells, err := cr.Read()
		if err == io.EOF {
			return header, rows, nil
		}
		row := csvRow{cells: cells, text: data[start:cr.InputOffset()]}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			row.line, row.err = int64(pe.StartLine), pe.Err
		} else {
			line, _ := cr.FieldPos(0)
			row.line = int64(line)
		}
		rows = append(rows, row)
	}
}

// checkCSV reads data with Open, cut into chunks of size bytes, and checks
// each record against encoding/csv reading the whole input: its line and
// row, cells (also the ones before an error), error, source text, and raw
// JSON, also as Chunk.RawJSON rebuilds it; and the header, or the error of
// Open.
func checkCSV(t testing.TB, data string, comma rune, size int) {
	t.Helper()
	header, want, werr := encodingCSV(data, comma)
	in, err := Open("in.csv", strings.NewReader(data), Options{Delimiter: comma, ChunkBytes: size})
	if werr != nil {
		msg := "CSV header: " + werr.Error()
		if werr == io.EOF {
			msg = "empty CSV: no header row"
		}
		if err == nil || err.Error() != msg {
			t.Fatalf("%q: Open error %v, want %s", data, err, msg)
		}
		return
	}
	if err != nil {
		t.Fatalf("%q: %v", data, err)
	}
	defer in.Close()
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
	}
	if !slices.Equal(in.Columns(), header) {
		t.Fatalf("%q: columns %q, want %q", data, in.Columns(), header)
	}
	var rows int64
	for {
		c, err := in.NextChunk()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%q in chunks of %d: %v", data, size, err)
		}
		recs, before := c.Records(), rows
		for {
			rec, err := recs.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%q in chunks of %d: %v", data, size, err)
			}
			if rows == int64(len(want)) {
				t.Fatalf("%q in chunks of %d: record %d is extra: %q", data, size, rows+1, rec.Text())
			}
			if rec.Row != rows+1-before {
				t.Fatalf("%q in chunks of %d: record %d has Row %d in its chunk, want %d", data, size, rows+1, rec.Row, rows+1-before)
			}
			checkCSVRecord(t, c, rec, rows+1, want[rows], header)
			rows++
		}
	}
	if rows != int64(len(want)) {
		t.Fatalf("%q in chunks of %d: %d records, want %d", data, size, rows, len(want))
	}
}

func checkCSVRecord(t testing.TB, c *Chunk, rec *Record, row int64, want csvRow, header []string) {
	t.Helper()
	got := describeCSV(rec.Line, rec.cells, rec.Err)
	wantErr := want.err
	switch {
	case wantErr != nil:
		wantErr = fmt.Errorf("malformed CSV: %v", wantErr)
	case len(want.cells) != len(header):
		wantErr = fmt.Errorf("row has %d cells, the header has %d", len(want.cells), len(header))
	}
	if w := describeCSV(want.line, want.cells, wantErr); got != w {
		t.Fatalf("record %d of %q:\n got %s\nwant %s", row, want.text, got, w)
	}
	var fields []string
	if wantErr == nil {
		for i, cell := range want.cells {
			fields = append(fields, header[i]+"="+cell)
		}
	}
	var gotFields []string
	for _, f := range rec.Fields {
		gotFields = append(gotFields, f.Name+"="+f.Text)
	}
	if !slices.Equal(gotFields, fields) {
		t.Fatalf("record %d: fields %q, want %q", row, gotFields, fields)
	}
	// A chunk starts at the end of a row, maybe before blank lines that
	// encoding/csv counts into the next row's text.
	text := rec.Text()
	if skipped, ok := strings.CutSuffix(want.text, text); !ok || strings.Trim(skipped, "\r\n") != "" {
		t.Fatalf("record %d: text %q, want %q", row, text, want.text)
	}
	raw := string((&Record{header: header, cells: want.cells}).RawJSON())
	if got, again := string(rec.RawJSON()), string(c.RawJSON(text)); got != raw || again != raw {
		t.Fatalf("record %d: raw JSON %s, from its text %s, want %s", row, got, again, raw)
	}
}

func describeCSV(line int64, cells []string, err error) string {
	return fmt.Sprintf("L%d %q %v", line, cells, err)
}

// csvCommas are delimiters of one, two and three bytes.
var csvCommas = []rune{',', ';', '\t', '¦', '│'}

var csvChunkSizes = []int{1, 2, 3, 5, 13, 64, 1 << 20}

// TestCSVFollowsEncodingCSV checks hand-made CSV, often malformed, read
// whole and in chunks of many sizes, with several delimiters.
func TestCSVFollowsEncodingCSV(t *testing.T) {
	cases := map[string]string{
		"quoted delimiter":                    "h1,h2\n\"a,b\",c\n",
		"quoted newlines":                     "h1,h2\n\"a\nb\n\",c\n\"\n\",\"\n\n\"\n",
		"quoted CRLF":                         "h1,h2\r\n\"a\r\nb\",c\r\n\"\r\n\",\"x\r\n\"\"\r\n\"\r\n",
		"quoted CR":                           "h1,h2\n\"a\rb\",\"\r\"\n\"\r\r\n\",x\n",
		"escaped quotes":                      "h1,h2\n\"\"\"\",\"a\"\"b\"\"\"\n\"\"\"\"\"\",x\n",
		"empty quoted fields":                 "h1,h2\n\"\",\"\"\n\"\"\n,\"\"\n",
		"bare quote":                          "h1,h2\na\"b,c\nd,e\"\nf,g\n\"x\"\"y\",\"z\n",
		"quote after closing quote":           "h1,h2\n\"a\"b,c\nd,\"e\"\"\"f\ng,h\n\"x\"\r\"y\",z\n",
		"error on a later line of the cell":   "h1,h2\n\"a\nb\"c,d\ne,f\n",
		"error and next row in the same line": "h1,h2\na,\"b\"x,\"c\nd\"\ne,f\n",
		"unterminated quote at EOF":           "h1,h2\na,b\n\"c,d\ne,f\n",
		"unterminated quote after CR at EOF":  "h1,h2\na,\"b\r",
		"trailing delimiter":                  "h1,h2\na,\nb,c,\n,\n",
		"varying row lengths":                 "h1,h2\na\nb,c\nd,e,f\n,,,\n",
		"blank and white space lines":         "h1,h2\n\n\r\na,b\n \n\t\n\n  ,  \n\n",
		"lone CR":                             "h1,h2\na\rb,c\r\r\n\r\n\r\rd,e\n\r",
		"CR before EOF":                       "h1,h2\na,b\r",
		"quote and CR before EOF":             "h1,h2\na,\"b\"\r",
		"CR CR before EOF":                    "h1,h2\na,b\r\r",
		"final row without newline":           "h1,h2\na,b\nc,d",
		"final quoted cell without newline":   "h1,h2\na,\"b\nc\"",
		"only blank lines after the header":   "h1,h2\n\n\r\n\n",
		"non-UTF-8":                           "h1,h2\n\xff,\xc2\n\"\xc2\xa6\",\xa6\xc2\n\xe2\x94,\xe2\n",
		"delimiter bytes cut":                 "h1¦h2\na\xc2\xa6b\xc2¦\xa6c\n\"x\"\xc2\xa6\n",
		"other delimiters":                    "h1;h2\ta\n1;2\t3\n\"a;b\"\t\"c\td\"\n",
		"multi-byte delimiters":               "h1¦h2│h3\na¦\"b\"¦c│d\n\"x│y\"│\"¦\"\n",
		"quoted header":                       "\"h1\",\"h\n2\"\na,b\n",
		"header with spaces":                  " h1 ,\th2\t\na,b\n",
		"BOM":                                 "\xef\xbb\xbfh1,h2\na,b\n",
		"blank lines before the header":       "\n\r\n\nh1,h2\na,b\n",
		"malformed header":                    "h1,\"h2\n",
		"blank lines before a bad header":     "\n\r\n\nh1,\"h2\n",
		"empty":                               "",
		"only blank lines":                    "\n\r\n\r",
		"header only":                         "h1,h2",
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			for _, comma := range csvCommas {
				d := strings.ReplaceAll(data, ",", string(comma))
				for _, size := range csvChunkSizes {
					checkCSV(t, d, comma, size)
				}
			}
		})
	}
}

// TestCSVRandomFollowsEncodingCSV checks random, often malformed, CSV.
func TestCSVRandomFollowsEncodingCSV(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "b", ",", ",", "\"", "\"\"", "\n", "\r\n", " ", "x\"y", "\"q,\nq\"", ";", "\r",
		"\t", "¦", "│", "\xc2", "\xa6", "\xe2\x94", "\xff"}
	for n := range 400 {
		comma := csvCommas[n%len(csvCommas)]
		var b strings.Builder
		b.WriteString("h1" + string(comma) + "h2\n")
		for range rnd.IntN(80) {
			b.WriteString(strings.ReplaceAll(pieces[rnd.IntN(len(pieces))], ",", string(comma)))
		}
		for _, size := range csvChunkSizes {
			checkCSV(t, b.String(), comma, size)
		}
	}
}

// FuzzCSV checks that Open reads any input, cut into chunks of any size, as
// encoding/csv reads the whole of it.
func FuzzCSV(f *testing.F) {
	f.Add("h1,h2\n\"a,\"\"b\"\"\r\nc\",d\r\n\ne,\"f\"x\n\"g", uint8(0), uint8(3))
	f.Add("h\n\"\"\"\n\r\"\n\r", uint8(3), uint8(1))
	f.Add("a¦b\n\"c\"¦\"\"\n\"\xc2\"\xc2¦\n", uint8(3), uint8(5))
	f.Add("a;b\na\"b;c\n\"\"x\n;\r\r\n", uint8(1), uint8(0))
	f.Fuzz(func(t *testing.T, data string, comma, size uint8) {
		if strings.HasPrefix(data, "\x1f\x8b") || strings.HasPrefix(data, "\x28\xb5\x2f\xfd") {
			return // read as compressed
		}
		c := csvCommas[int(comma)%len(csvCommas)]
		checkCSV(t, data, c, int(size)%64+1)
		checkCSV(t, data, c, len(data)+1) // one chunk
	})
}

// Copies of cells fill several arrays of the arena, and some cells are
// longer than one: a cell being copied moves to the next array.
func TestCSVLongCopiedCells(t *testing.T) {
	var b strings.Builder
	b.WriteString("h1,h2\n")
	for i := range 300 {
		fmt.Fprintf(&b, "\"%s\"\"\r\n\",\"%s\"\"\"\n", strings.Repeat("x", i*i%5000), strings.Repeat("y", i*37))
	}
	for _, size := range []int{1000, 1 << 20} {
		checkCSV(t, b.String(), ',', size)
	}
}
