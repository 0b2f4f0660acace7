package source

import (
	"bytes"
	"os"
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
			want: []string{`L2 R1 a="1" b="2"`, `L3 R2 a="x\ny" b="3"`, `L5 R3 a="4" b="5"`}},
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
			want: []string{`L2 R1 !malformed CSV: extraneous or missing "`, `L3 R2 a="3" b="4"`}},
		{name: "unterminated quote at the end", data: "a,b\n1,2\n\"open,3\n4,5\n",
			want: []string{`L2 R1 a="1" b="2"`, `L3 R2 !malformed CSV`}},
		{name: "blank lines skipped", data: "a,b\n\n1,2\n\n\n3,4\n",
			want: []string{`L3 R1 a="1" b="2"`, `L6 R2 a="3" b="4"`}},
		{name: "a line of one empty quoted cell is a short row, not a blank line", data: "a,b\n\"\"\n1,2\n",
			want: []string{`L2 R1 !row has 1 cells, the header has 2`, `L3 R2 a="1" b="2"`}},
		{name: "white space only line is a short row", data: "a,b\n  \n1,2\n",
			want: []string{`L2 R1 !row has 1 cells`, `L3 R2 a="1" b="2"`}},
		{name: "single column with empty cells", data: "a\n1\n\"\"\n2\n",
			want: []string{`L2 R1 a="1"`, `L3 R2 a=""`, `L4 R3 a="2"`}},
		{name: "duplicate header names kept in order", data: "a,a\n1,2\n",
			want: []string{`L2 R1 a="1" a="2"`}},
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
		`L3 R2 이벤트="조회" 사용자="이영희" 메모="첫 줄\n둘째 줄 \"인용\""`,
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
			rows := csvRows{text: text, comma: ","}
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
