package source

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestCSV(t *testing.T) {
	tests := []struct {
		name, file, data string
		opts             Options
		columns          []string
		want             []string
		wantErr          string
	}{
		{name: "quoted delimiter", data: "a,b\n\"x,y\",z\n",
			want: []string{`L2 R1 a="x,y" b="z"`}},
		{name: "doubled quotes", data: "a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n",
			want: []string{`L2 R1 a="say \"hi\"" b="\""`}},
		{name: "newlines inside cells", data: "a,b\n\"l1\nl2\nl3\",x\n3,\"4\n\"\n5,6\n",
			want: []string{`L2 R1 a="l1\nl2\nl3" b="x"`, `L5 R2 a="3" b="4\n"`, `L7 R3 a="5" b="6"`}},
		{name: "CRLF", data: "a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5",
			want: []string{`L2 R1 a="1" b="2"`, `L3 R2 a="x\r\ny" b="3"`, `L5 R3 a="4" b="5"`}},
		{name: "BOM stripped from the first header", data: "\xef\xbb\xbfa,b\n1,2\n", columns: []string{"a", "b"},
			want: []string{`L2 R1 a="1" b="2"`}},
		{name: "BOM before a quoted header", data: "\xef\xbb\xbf\"a\",b\n1,2\n", columns: []string{"a", "b"},
			want: []string{`L2 R1 a="1" b="2"`}},
		{name: "header names trimmed", data: " a ,b\t\n1, 2 \n", columns: []string{"a", "b"},
			want: []string{`L2 R1 a="1" b=" 2 "`}},
		{name: "semicolon", opts: Options{Delimiter: ';'}, data: "a;b\n\"x;y\";1,5\n",
			want: []string{`L2 R1 a="x;y" b="1,5"`}},
		{name: "tsv", file: "in.tsv", data: "a\tb\n\"x\ty\"\t1,5\n",
			want: []string{`L2 R1 a="x\ty" b="1,5"`}},
		{name: "tab delimiter option", opts: Options{Delimiter: '\t'}, data: "a\tb\n1\t2\n",
			want: []string{`L2 R1 a="1" b="2"`}},
		{name: "multi-byte delimiter", opts: Options{Delimiter: '¦'}, data: "a¦b\n\"x¦y\"¦1,5\n",
			want: []string{`L2 R1 a="x¦y" b="1,5"`}},
		{name: "a lone CR is text", data: "a,b\nx\ry,\"\r\"\r\n",
			want: []string{`L2 R1 a="x\ry" b="\r"`}},
		{name: "CR at the very end dropped", data: "a,b\n1,2\r",
			want: []string{`L2 R1 a="1" b="2"`}},
		{name: "trailing delimiter is one more cell", data: "a,b\n1,2,\n3,\n",
			want: []string{`L2 R1 !row has 3 cells`, `L3 R2 a="3" b=""`}},
		{name: "wrong cell count, reading goes on", data: "a,b\n1,2,3\n4\n5,6\n,\n",
			want: []string{`L2 R1 !row has 3 cells, the header has 2`, `L3 R2 !row has 1 cells`, `L4 R3 a="5" b="6"`, `L5 R4 a="" b=""`}},
		{name: "bare quote, reading goes on", data: "a,b\n1,x\"y\n3,4\n",
			want: []string{`L2 R1 !malformed CSV: bare "`, `L3 R2 a="3" b="4"`}},
		{name: "text after a closing quote, reading goes on", data: "a,b\n\"bad\"q,2\n3,4\n",
			want: []string{`L2 R1 !the quote opened on line 2 does not close its cell`, `L3 R2 a="3" b="4"`}},
		{name: "unterminated quote at the end", data: "a,b\n1,2\n\"open,3\n4,5\n",
			want: []string{`L2 R1 a="1" b="2"`, `L3 R2 !the quote opened on line 3`, `L4 R3 a="4" b="5"`}},
		{name: "blank lines skipped", data: "a,b\n\n1,2\n\n\n3,4\n",
			want: []string{`L3 R1 a="1" b="2"`, `L6 R2 a="3" b="4"`}},
		{name: "a line of one empty quoted cell is a short row, not a blank line", data: "a,b\n\"\"\n1,2\n",
			want: []string{`L2 R1 !row has 1 cells, the header has 2`, `L3 R2 a="1" b="2"`}},
		{name: "white space only line is a short row", data: "a,b\n  \n1,2\n",
			want: []string{`L2 R1 !row has 1 cells`, `L3 R2 a="1" b="2"`}},
		{name: "single column with empty cells", data: "a\n1\n\"\"\n2\n",
			want: []string{`L2 R1 a="1"`, `L3 R2 a=""`, `L4 R3 a="2"`}},
		{name: "duplicate header names are an error", data: "a, b ,c,b\n1,2,3,4\n",
			wantErr: `CSV header: duplicate column name: "b" is both column 2 and column 4`},
		{name: "names differing in case are not duplicates", data: "a,A\n1,2\n",
			want: []string{`L2 R1 a="1" A="2"`}},
		{name: "empty header names may repeat", data: "a,,\n1,,\n",
			want: []string{`L2 R1 a="1" ="" =""`}},
		{name: "header only", data: "a,b\n", columns: []string{"a", "b"}},
		{name: "header only without newline", data: "a,b", columns: []string{"a", "b"}},
		{name: "empty file", data: "", wantErr: "empty CSV: no header row"},
		{name: "only a BOM", data: "\xef\xbb\xbf", wantErr: "empty CSV"},
		{name: "malformed header", data: "a,\"b\n", wantErr: "CSV header"},
		{name: "Korean", data: "이름,도시\n\"김철수\",\"서울, 강남\"\n이영희,부산\n", columns: []string{"이름", "도시"},
			want: []string{`L2 R1 이름="김철수" 도시="서울, 강남"`, `L3 R2 이름="이영희" 도시="부산"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.file == "" {
				tt.file = "in.csv"
			}
			in, recs, err := readAll(t, tt.file, tt.data, tt.opts)
			checkErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			if tt.columns != nil && !slices.Equal(in.Columns(), tt.columns) {
				t.Errorf("columns %q, want %q", in.Columns(), tt.columns)
			}
			checkRecords(t, recs, tt.want)
		})
	}
}

func TestCSVFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/korean_bom_crlf.csv")
	if err != nil {
		t.Fatal(err)
	}
	in, recs, err := readAll(t, "testdata/korean_bom_crlf.csv", string(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"이벤트", "사용자", "메모"}; !slices.Equal(in.Columns(), want) {
		t.Errorf("columns %q, want %q", in.Columns(), want)
	}
	checkRecords(t, recs, []string{
		`L2 R1 이벤트="구매" 사용자="김철수" 메모="서울, 강남구"`,
		`L3 R2 이벤트="조회" 사용자="이영희" 메모="첫 줄\r\n둘째 줄 \"인용\""`,
		`L5 R3 이벤트="장바구니" 사용자="박민수" 메모=""`,
	})
}

// The record is reused: a short row after a long one must not keep old cells.
func TestCSVRecordReuse(t *testing.T) {
	in, err := Open("in.csv", strings.NewReader("a,b,c\n1,2,3\n4,5\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	in.Next()
	rec, err := in.Next()
	if err != nil {
		t.Fatal(err)
	}
	if rec.Err == nil || len(rec.Fields) != 0 || string(rec.RawJSON()) != `{"a":"4","b":"5"}` {
		t.Errorf("got err %v fields %v raw %s", rec.Err, rec.Fields, rec.RawJSON())
	}
}

// Cells are substrings of the chunk, or copies in an arena that grows
// rarely: parsing does not allocate for each row.
func TestCSVRowsDoNotAllocate(t *testing.T) {
	for _, text := range []string{
		"a,b,c\n\"d,e\",f,\"\"\n",
		"a,\"b\"\"c\",\"d\r\ne\"\r\n\"\"\"\r\n\"\"\"\n",
	} {
		text = strings.Repeat(text, 1000)
		cells := make([]string, 0, 3)
		allocs := testing.AllocsPerRun(10, func() {
			rows := csvRows{text: text, comma: ",", maxLines: DefaultMaxRecordLines, maxBytes: DefaultMaxRecordBytes}
			for {
				var err error
				if cells, _, err = rows.next(cells); err != nil {
					break
				}
			}
		})
		if allocs > 100 {
			t.Errorf("%q: %.0f allocations for 2000 rows", text[:20], allocs)
		}
	}
}

// nextQuote is bytes.IndexByte for '"', at every place and length, with
// bytes around the quote that could fool a word-at-a-time search.
func TestNextQuote(t *testing.T) {
	for n := range 24 {
		for q := -1; q < n; q++ {
			for _, fill := range []byte{'a', '"' + 1, '"' - 1, 0, 0xff, '"' ^ 0x80} {
				b := bytes.Repeat([]byte{fill}, n)
				if q >= 0 {
					b[q] = '"'
					if q+1 < n {
						b[q+1] = '"' // a second quote must not be found first
					}
				}
				if got, want := nextQuote(b), bytes.IndexByte(b, '"'); got != want {
					t.Fatalf("nextQuote(%q) = %d, want %d", b, got, want)
				}
			}
		}
	}
}

// csvRecords reads data in chunks of several sizes, which must all give
// the same records, described as "L<line>+<lines> <reason or cells>", and
// checks Input.Lines after the last one.
func csvRecords(t *testing.T, data string, opts Options, lines int64) []string {
	t.Helper()
	var first []string
	for _, size := range []int{1, 3, 16, 100, 1 << 20} {
		opts.ChunkBytes = size
		in, err := Open("in.csv", strings.NewReader(data), opts)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		eachRecord(t, in, func(rec *Record, re *RecordError) {
			d := fmt.Sprintf("L%d+%d ", rec.Line, rec.Lines)
			switch {
			case re != nil:
				d += re.Reason + ": " + re.Msg
			case rec.Err != nil:
				d += "!" + rec.Err.Error()
			default:
				for _, f := range rec.Fields {
					d += f.Text + "|"
				}
			}
			out = append(out, d)
		})
		if in.Lines() != lines {
			t.Errorf("chunks of %d: Lines() = %d, want %d", size, in.Lines(), lines)
		}
		if first == nil {
			first = out
		} else if !slices.Equal(out, first) {
			t.Fatalf("chunks of %d:\n%s\nchunks of 1:\n%s", size, strings.Join(out, "\n"), strings.Join(first, "\n"))
		}
	}
	return first
}

// A malformed record takes at most the lines up to the one where its
// stray quote opened, or where it passed the size limit: never the rows
// after it (issue "Nothing lost").
func TestCSVMalformedRecords(t *testing.T) {
	rows := func(from, to int) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			fmt.Fprintf(&b, "%d,x\n", i)
		}
		return b.String()
	}
	ok := func(line, from, to int) []string {
		var out []string
		for i := from; i <= to; i++ {
			out = append(out, fmt.Sprintf("L%d+1 %d|x|", line+i-from, i))
		}
		return out
	}
	stray := func(line int) string {
		return fmt.Sprintf("L%d+1 csv_unterminated_quote: the quote opened on line %d does not close its cell", line, line)
	}
	var yRows []string
	for l := 3; l <= 12; l++ {
		yRows = append(yRows, fmt.Sprintf("L%d+1 y|y|", l))
	}
	tests := []struct {
		name  string
		data  string
		opts  Options
		lines int64
		want  []string // a want ending in a reason and ": …" matches a message that starts so
	}{
		{name: "a quote never closed takes only its line", data: "a,b\n" + rows(1, 3) + "\"view,x\n" + rows(5, 9), lines: 10,
			want: slices.Concat(ok(2, 1, 3), []string{stray(5)}, ok(6, 5, 9))},
		{name: "a stray quote closed by a later quoted cell", data: "a,b\n" + rows(1, 2) + "3,\"view\n" + rows(4, 6) + "\"7\",x\n" + rows(8, 9), lines: 10,
			want: slices.Concat(ok(2, 1, 2), []string{stray(4)}, ok(5, 4, 6), []string{"L8+1 7|x|"}, ok(9, 8, 9))},
		{name: "text after a closing quote on a later line", data: "a,b\n\"a\nb\"c,d\n1,x\n", lines: 4,
			want: []string{stray(2), `L3+1 !malformed CSV: bare " in non-quoted-field`, "L4+1 1|x|"}},
		{name: "a stray quote after a good multi-line cell", data: "a,b\n\"l1\nl2\",\"v\n1,x\n", lines: 4,
			want: []string{"L2+2 csv_unterminated_quote: the quote opened on line 3 ", "L4+1 1|x|"}},
		{name: "a good multi-line cell", data: "a,b\n\"l1\nl2\n\nl4\",x\n1,x\n", lines: 6,
			want: []string{"L2+4 l1\nl2\n\nl4|x|", "L6+1 1|x|"}},
		{name: "a quoted CRLF and lone CR are kept", data: "a,b\r\n\"l1\r\nl2\rl3\",x\r\n1,x\r\n", lines: 4,
			want: []string{"L2+2 l1\r\nl2\rl3|x|", "L4+1 1|x|"}},
		{name: "blank lines are not part of a row", data: "a,b\n\n\r\n\"l1\nl2\",x\n\n1,x\n\n", lines: 8,
			want: []string{"L4+2 l1\nl2|x|", "L7+1 1|x|"}},
		{name: "a last line without a line end", data: "a,b\n1,x\n\"2\n\",x", lines: 4,
			want: []string{"L2+1 1|x|", "L3+2 2\n|x|"}},
		{name: "a cell over --max-record-lines", opts: Options{MaxRecordLines: 2}, data: "a,b\n\"l1\nl2\",x\n\"l1\nl2\nl3\",x\n1,x\n", lines: 7,
			want: []string{"L2+2 l1\nl2|x|", stray(4), "L5+1 !row has 1 cells, the header has 2", `L6+1 !malformed CSV: bare " in non-quoted-field`, "L7+1 1|x|"}},
		{name: "a cell over --max-record-bytes", opts: Options{MaxRecordBytes: 20}, data: "a,b\n1,\"" + strings.Repeat("y,y\n", 11) + "y,y\",x\n2,x\n", lines: 14,
			want: slices.Concat([]string{stray(2)}, yRows, []string{`L13+1 !malformed CSV: bare " in non-quoted-field`, "L14+1 2|x|"})},
		{name: "an unquoted row over --max-record-bytes", opts: Options{MaxRecordBytes: 20}, data: "a,b\n1,x\n" + strings.Repeat("z", 100) + ",x\n2,x\n" + strings.Repeat("z", 100), lines: 5,
			want: []string{"L2+1 1|x|", "L3+1 record_too_large: the row on line 3 is longer than 20 bytes", "L4+1 2|x|", "L5+1 record_too_large: the row on line 5 is longer than 20 bytes"}},
		{name: "a multi-line row over --max-record-bytes", opts: Options{MaxRecordBytes: 20}, data: "a,b\n\"l1\nl2\"," + strings.Repeat("z", 30) + "\n1,x\n", lines: 4,
			want: []string{"L2+2 record_too_large: the row on line 2 is longer than 20 bytes (--max-record-bytes): it is rejected up to the end of line 3", "L4+1 1|x|"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := csvRecords(t, tt.data, tt.opts, tt.lines)
			for i := 0; i < max(len(got), len(tt.want)); i++ {
				var g, w string
				if i < len(got) {
					g = got[i]
				}
				if i < len(tt.want) {
					w = tt.want[i]
				}
				if g != w && !(w != "" && strings.Contains(w, ": ") && strings.HasPrefix(g, w)) {
					t.Errorf("record %d:\n got %q\nwant %q", i+1, g, w)
				}
			}
		})
	}
}

// endless is a reader of head, then n bytes of z, then tail.
type endless struct {
	head, tail string
	n          int
}

func (e *endless) Read(p []byte) (int, error) {
	switch {
	case e.head != "":
		n := copy(p, e.head)
		e.head = e.head[n:]
		return n, nil
	case e.n > 0:
		n := min(len(p), e.n)
		for i := range p[:n] {
			p[i] = 'z'
		}
		e.n -= n
		return n, nil
	case e.tail != "":
		n := copy(p, e.tail)
		e.tail = e.tail[n:]
		return n, nil
	}
	return 0, io.EOF
}

// A line that never ends is one record_too_large record, read with
// memory bounded by the limit, not by the line.
func TestCSVRowTooLargeMemory(t *testing.T) {
	for head, want := range map[string][]string{
		"a,b\n1,x\n":           {"L2+1 <nil>", "L3+1 record_too_large", "L4+1 <nil>"},
		"a,b\n1,x\n\"quoted\n": {"L2+1 <nil>", "L3+1 csv_unterminated_quote", "L4+1 record_too_large", "L5+1 <nil>"},
		"a,b\n1,\"x\ny\",z":    {"L2+2 record_too_large", "L4+1 <nil>"},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		in, err := Open("in.csv", &endless{head: head, n: 64 << 20, tail: "\n2,x\n"}, Options{MaxRecordBytes: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		eachRecord(t, in, func(rec *Record, re *RecordError) {
			if re != nil {
				got = append(got, fmt.Sprintf("L%d+%d %s", rec.Line, rec.Lines, re.Reason))
			} else {
				got = append(got, fmt.Sprintf("L%d+%d %v", rec.Line, rec.Lines, rec.Err))
			}
		})
		runtime.ReadMemStats(&after)
		lines := int64(strings.Count(head, "\n")) + 2
		if !slices.Equal(got, want) || in.Lines() != lines {
			t.Errorf("%q: got %q, %d lines; want %q, %d", head, got, in.Lines(), want, lines)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
			t.Errorf("%q: %d MiB allocated for a 64 MiB line", head, alloc>>20)
		}
	}
}
