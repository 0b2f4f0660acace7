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
}

// newCSVReader is encoding/csv as the oracle of csvRows.
func newCSVReader(r io.Reader, comma rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	return cr
}

// encodingCSV reads data (after a BOM, which Open strips) with
// encoding/csv, header row included.
func encodingCSV(data string, comma rune) (rows []csvRow) {
	data = strings.TrimPrefix(data, "\xef\xbb\xbf")
	cr := newCSVReader(strings.NewReader(data), comma)
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			return rows
		}
		row := csvRow{cells: cells}
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

// refRow is a row as refCSV reads it.
type refRow struct {
	line, lines int64
	start, end  int      // its bytes, without the blank lines before
	cells       []string // with an error, the cells before it (none when too large)
	err         string   // "", "bare", "stray" or "large"
	quoteLine   int64    // "stray": where the quote opened
}

// refCSV is the plain statement of the rules csvRows and csvFramer follow
// (csvparse.go), one byte at a time over the whole input: RFC 4180 as
// encoding/csv reads it, but a quoted cell is kept byte for byte, a quote
// that does not close its cell ends the row with the line where it opened,
// and a row longer than maxBytes ends at the first newline maxBytes bytes
// into it. lines is the number of physical lines of data.
func refCSV(data, comma string, maxLines, maxBytes int) (rows []refRow, lines int64) {
	data = strings.TrimPrefix(data, "\xef\xbb\xbf")
	lineEndAt := func(i int) int { // the end of the line that holds i
		if j := strings.IndexByte(data[i:], '\n'); j >= 0 {
			return i + j + 1
		}
		return len(data)
	}
	line := int64(1)
	for pos := 0; ; {
		for { // blank lines
			if n, ok := lineEnd(data[pos:]); ok && n > 0 {
				pos += n
				line++
				continue
			}
			break
		}
		if pos == len(data) {
			break
		}
		r := refRow{line: line, start: pos}
		i := pos
	cells:
		for {
			if i < len(data) && data[i] == '"' {
				open, cell := i, ""
				for j := i + 1; ; {
					k := strings.IndexByte(data[j:], '"')
					if k < 0 {
						r.err = "stray"
					} else if k += j; k+1 < len(data) && data[k+1] == '"' {
						cell += data[j : k+1]
						j = k + 2
						continue
					} else if k-pos >= maxBytes || strings.Count(data[pos:k], "\n") >= maxLines {
						r.err = "stray"
					} else if cell += data[j:k]; strings.HasPrefix(data[k+1:], comma) {
						r.cells = append(r.cells, cell)
						i = k + 1 + len(comma)
						continue cells
					} else if n, ok := lineEnd(data[k+1:]); ok {
						r.cells = append(r.cells, cell)
						r.end = k + 1 + n
						break cells
					} else {
						r.err = "stray"
					}
					r.quoteLine = line + int64(strings.Count(data[pos:open], "\n"))
					r.end = lineEndAt(open)
					break cells
				}
			}
			for j := i; ; j++ {
				switch {
				case j == len(data) || data[j] == '\n':
					r.cells = append(r.cells, strings.TrimSuffix(data[i:j], "\r"))
					r.end = min(j+1, len(data))
					break cells
				case data[j] == '"':
					r.err, r.end = "bare", lineEndAt(j)
					break cells
				case strings.HasPrefix(data[j:], comma):
					r.cells = append(r.cells, data[i:j])
					i = j + len(comma)
					continue cells
				}
			}
		}
		if r.end-pos > maxBytes {
			r.err, r.cells, r.end = "large", nil, lineEndAt(pos+maxBytes)
		}
		n := int64(strings.Count(data[pos:r.end], "\n"))
		r.lines = n
		if data[r.end-1] != '\n' {
			r.lines++
		}
		rows = append(rows, r)
		line += n
		pos = r.end
	}
	lines = int64(strings.Count(data, "\n"))
	if data != "" && data[len(data)-1] != '\n' {
		lines++
	}
	return rows, lines
}

// csvCase is an input and how to read it.
type csvCase struct {
	data               string
	comma              rune
	size               int // ChunkBytes
	maxLines, maxBytes int // 0: the defaults
}

// checkCSV reads c.data with Open, cut into chunks of c.size bytes, and
// checks each record against refCSV: its line, lines and row, cells (also
// the ones before an error), error, source text, and raw JSON, also as
// Chunk.RawJSON rebuilds it; the header, or the error of Open; and that
// every line of the input is in one record or skipped (the header and
// blank lines). Where encoding/csv reads the input without a quote error,
// it checks refCSV against it too (but for CRLFs in quoted cells).
func checkCSV(t testing.TB, c csvCase) {
	t.Helper()
	opts := Options{Delimiter: c.comma, ChunkBytes: c.size, MaxRecordLines: c.maxLines, MaxRecordBytes: c.maxBytes}
	maxLines, maxBytes := csvLimits(opts)
	comma := string(c.comma)
	want, lines := refCSV(c.data, comma, maxLines, maxBytes)
	if c.maxLines == 0 && c.maxBytes == 0 {
		checkRefCSV(t, c.data, c.comma, want)
	}
	in, err := Open("in.csv", strings.NewReader(c.data), opts)
	if len(want) == 0 {
		if err == nil || err.Error() != "empty CSV: no header row" {
			t.Fatalf("%q: Open error %v, want empty CSV", c.data, err)
		}
		return
	}
	h := want[0]
	if h.err != "" {
		if err == nil || !strings.HasPrefix(err.Error(), "CSV header") {
			t.Fatalf("%q: Open error %v, want a CSV header error (%s)", c.data, err, h.err)
		}
		return
	}
	header := make([]string, len(h.cells))
	for i, name := range h.cells {
		header[i] = strings.TrimSpace(name)
	}
	if looksLikeData(h.cells) {
		// A first row of values (UUIDs, timestamps, numbers) is refused
		// rather than taken as the column names.
		if !errors.Is(err, ErrHeaderLooksLikeData) {
			t.Fatalf("%q: Open error %v, want %v", c.data, err, ErrHeaderLooksLikeData)
		}
		return
	}
	for i := range header {
		if j := slices.Index(header[:i], header[i]); j >= 0 && header[i] != "" {
			if !errors.Is(err, ErrDuplicateColumn) || !strings.Contains(err.Error(), fmt.Sprintf("column %d and column %d", j+1, i+1)) {
				t.Fatalf("%q: Open error %v, want a duplicate column %d and %d", c.data, err, j+1, i+1)
			}
			return
		}
	}
	if err != nil {
		t.Fatalf("%q: %v", c.data, err)
	}
	defer in.Close()
	if !slices.Equal(in.Columns(), header) {
		t.Fatalf("%q: columns %q, want %q", c.data, in.Columns(), header)
	}
	want = want[1:]
	var rows int64
	covered := h.line + h.lines - 1 // lines before are blank
	for {
		ch, err := in.NextChunk()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%q in chunks of %d: %v", c.data, c.size, err)
		}
		recs, before := ch.Records(), rows
		for {
			rec, err := recs.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%q in chunks of %d: %v", c.data, c.size, err)
			}
			if rows == int64(len(want)) {
				t.Fatalf("%q in chunks of %d: record %d is extra: %q", c.data, c.size, rows+1, rec.Text())
			}
			if rec.Row != rows+1-before {
				t.Fatalf("%q in chunks of %d: record %d has Row %d in its chunk, want %d", c.data, c.size, rows+1, rec.Row, rows+1-before)
			}
			w := want[rows]
			checkCSVRecord(t, c, ch, rec, rows+1, w, header)
			for l := covered + 1; l < rec.Line; l++ {
				checkBlankLine(t, c.data, l)
			}
			covered = rec.Line + rec.Lines - 1
			rows++
		}
	}
	if rows != int64(len(want)) {
		t.Fatalf("%q in chunks of %d: %d records, want %d", c.data, c.size, rows, len(want))
	}
	if in.Lines() != lines {
		t.Fatalf("%q in chunks of %d: Lines() %d, want %d", c.data, c.size, in.Lines(), lines)
	}
	for l := covered + 1; l <= lines; l++ {
		checkBlankLine(t, c.data, l)
	}
}

// checkBlankLine fails unless line l (1-based) of data is blank, which no
// record needs to cover.
func checkBlankLine(t testing.TB, data string, l int64) {
	t.Helper()
	all := strings.SplitAfter(strings.TrimPrefix(data, "\xef\xbb\xbf"), "\n")
	if s := strings.TrimRight(all[l-1], "\r\n"); s != "" && s != "\r" {
		t.Fatalf("%q: line %d (%q) is in no record", data, l, all[l-1])
	}
}

func checkCSVRecord(t testing.TB, c csvCase, ch *Chunk, rec *Record, row int64, want refRow, header []string) {
	t.Helper()
	data := strings.TrimPrefix(c.data, "\xef\xbb\xbf")
	wantText := data[want.start:want.end]
	var wantErr string
	switch {
	case want.err == "stray":
		wantErr = fmt.Sprintf("csv_unterminated_quote: the quote opened on line %d ", want.quoteLine)
	case want.err == "large":
		wantErr = fmt.Sprintf("record_too_large: the row on line %d is longer than", want.line)
		wantText = ""
	case want.err == "bare":
		wantErr = "malformed CSV: " + csv.ErrBareQuote.Error()
	case len(want.cells) != len(header):
		wantErr = fmt.Sprintf("row has %d cells, the header has %d", len(want.cells), len(header))
	}
	gotErr := ""
	if rec.Err != nil {
		gotErr = rec.Err.Error()
		var re *RecordError
		if errors.As(rec.Err, &re) {
			gotErr = re.Reason + ": " + gotErr
		}
	}
	got := fmt.Sprintf("L%d+%d %q", rec.Line, rec.Lines, rec.cells)
	if w := fmt.Sprintf("L%d+%d %q", want.line, want.lines, want.cells); got != w || !strings.HasPrefix(gotErr, wantErr) || (wantErr == "") != (gotErr == "") {
		t.Fatalf("record %d of %q in chunks of %d:\n got %s %s\nwant %s %s", row, wantText, c.size, got, gotErr, w, wantErr)
	}
	var fields []string
	if wantErr == "" {
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
	// the record's text holds.
	text := rec.Text()
	if skipped, ok := strings.CutSuffix(text, wantText); !ok || strings.Trim(skipped, "\r\n") != "" || want.err == "large" && text != "" {
		t.Fatalf("record %d: text %q, want %q", row, text, wantText)
	}
	raw := string((&Record{header: header, cells: want.cells}).RawJSON())
	if got := string(rec.RawJSON()); got != raw {
		t.Fatalf("record %d: raw JSON %s, want %s", row, got, raw)
	}
	if again := string(ch.RawJSON(text)); want.err != "large" && again != raw {
		t.Fatalf("record %d: raw JSON from its text %s, want %s", row, again, raw)
	}
}

// checkRefCSV checks refCSV against encoding/csv, when encoding/csv finds
// no quote error: the same rows, at the same lines, but that a quoted CRLF
// stays a CRLF.
func checkRefCSV(t testing.TB, data string, comma rune, ref []refRow) {
	t.Helper()
	std := encodingCSV(data, comma)
	for _, r := range std {
		if r.err == csv.ErrQuote {
			return
		}
	}
	if len(std) != len(ref) {
		t.Fatalf("%q: refCSV reads %d rows, encoding/csv %d", data, len(ref), len(std))
	}
	for i, r := range ref {
		cells := slices.Clone(r.cells)
		for j := range cells {
			cells[j] = strings.ReplaceAll(cells[j], "\r\n", "\n")
		}
		var err error
		if r.err == "bare" {
			err = csv.ErrBareQuote
		}
		if got, want := describeCSV(r.line, cells, err), describeCSV(std[i].line, std[i].cells, std[i].err); got != want {
			t.Fatalf("%q: row %d: refCSV reads %s, encoding/csv %s", data, i+1, got, want)
		}
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
					checkCSV(t, csvCase{data: d, comma: comma, size: size})
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
			checkCSV(t, csvCase{data: b.String(), comma: comma, size: size})
		}
	}
}

// FuzzCSV checks that Open reads any input, cut into chunks of any size,
// with any limits, as refCSV reads the whole of it (checkCSV): so chunks
// of every size give the same records, every line is in one record or
// skipped, and, with the default limits, rows are those of encoding/csv
// when it finds no quote error. limits picks small limits, or (0) the
// defaults.
func FuzzCSV(f *testing.F) {
	f.Add("h1,h2\n\"a,\"\"b\"\"\r\nc\",d\r\n\ne,\"f\"x\n\"g", uint8(0), uint8(3), uint8(0))
	f.Add("h\n\"\"\"\n\r\"\n\r", uint8(3), uint8(1), uint8(0))
	f.Add("a¦b\n\"c\"¦\"\"\n\"\xc2\"\xc2¦\n", uint8(3), uint8(5), uint8(0))
	f.Add("a;b\na\"b;c\n\"\"x\n;\r\r\n", uint8(1), uint8(0), uint8(0))
	// Stray quotes: never closed; closed by a later quoted cell; over the
	// limits; a legitimate multi-line cell beside them.
	f.Add("a,b\n1,2\n\"view,3\n4,5\n6,7\n", uint8(0), uint8(4), uint8(0))
	f.Add("a,b\n1,\"view\n2,3\n4,\"x\"\n5,6\n", uint8(0), uint8(6), uint8(0))
	f.Add("a,b\n\"l1\nl2\nl3\",x\n1,\"y\n2,3\n4,5\n6,7\n\"z\",8\n", uint8(0), uint8(2), uint8(0x23))
	f.Add("a,b\nxxxxxxxxxxxxxxxxxxxxxxxxxxxx,1\n\"q\nqqqqqqqqqqqqqqqqq\",2\n3,4\n", uint8(0), uint8(7), uint8(0x4a))
	f.Fuzz(func(t *testing.T, data string, comma, size, limits uint8) {
		if strings.HasPrefix(data, "\x1f\x8b") || strings.HasPrefix(data, "\x28\xb5\x2f\xfd") {
			return // read as compressed
		}
		c := csvCase{data: data, comma: csvCommas[int(comma)%len(csvCommas)]}
		if limits != 0 {
			c.maxLines, c.maxBytes = int(limits&7)+1, int(limits>>3)*4+1
		}
		for _, size := range []int{int(size)%64 + 1, 1, 7, len(data) + 1} {
			c.size = size
			checkCSV(t, c)
		}
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
		checkCSV(t, csvCase{data: b.String(), comma: ',', size: size})
	}
}
