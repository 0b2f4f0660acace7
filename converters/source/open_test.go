package source

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func gz(t testing.TB, s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func zst(t testing.TB, s string) string {
	var b bytes.Buffer
	w, err := zstd.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// skippable is a zstd skippable frame (magic 0x184D2A50..0x184D2A5F) of
// payload, which some writers put before the data (seekable zstd's index,
// pzstd's frame sizes).
func skippable(magic uint32, payload string) string {
	b := binary.LittleEndian.AppendUint32(nil, magic)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
	return string(b) + payload
}

func TestOpen(t *testing.T) {
	const csvData = "a,b\n1,2\n"
	const ndjsonData = "{\"a\":1}\n{\"a\":2}\n"
	csvRecs := []string{`L2 R1 a="1" b="2"`}
	ndjsonRecs := []string{`L1 R1 a="1"/num`, `L2 R2 a="2"/num`}
	arrayRecs := []string{`L0 R1 a="1"/num`, `L0 R2 a="2"/num`}
	tests := []struct {
		name, file, data string
		opts             Options
		format           Format
		compression      string
		want             []string
		wantErr          string
	}{
		{name: "csv", file: "in.csv", data: csvData, format: CSV, want: csvRecs},
		{name: "gzip by magic despite .csv", file: "in.csv", data: gz(t, csvData), format: CSV, compression: "gzip", want: csvRecs},
		{name: "zstd by magic despite .csv", file: "in.csv", data: zst(t, csvData), format: CSV, compression: "zstd", want: csvRecs},
		{name: ".csv.gz", file: "dir/in.csv.gz", data: gz(t, csvData), format: CSV, compression: "gzip", want: csvRecs},
		{name: ".ndjson.zst", file: "in.ndjson.zst", data: zst(t, ndjsonData), format: NDJSON, compression: "zstd", want: ndjsonRecs},
		{name: ".jsonl.gz upper case", file: `C:\exports\IN.JSONL.GZ`, data: gz(t, ndjsonData), format: NDJSON, compression: "gzip", want: ndjsonRecs},
		{name: "plain data named .gz", file: "in.csv.gz", data: csvData, format: CSV, want: csvRecs},
		{name: "gzip of several members", file: "in.ndjson", data: gz(t, "{\"a\":1}\n") + gz(t, "{\"a\":2}\n"), format: NDJSON, compression: "gzip", want: ndjsonRecs},
		{name: ".json holding an array", file: "in.json", data: ` [{"a":1},{"a":2}]`, format: JSON, want: arrayRecs},
		{name: ".json holding NDJSON", file: "in.json", data: ndjsonData, format: NDJSON, want: ndjsonRecs},
		{name: ".json.zst holding NDJSON", file: "in.json.zst", data: zst(t, ndjsonData), format: NDJSON, compression: "zstd", want: ndjsonRecs},
		{name: "--format beats the extension", file: "in.txt", data: ndjsonData, opts: Options{Format: NDJSON}, format: NDJSON, want: ndjsonRecs},
		{name: "unknown extension", file: "in.txt", data: csvData, wantErr: `unknown format for extension ".txt"`},
		{name: "no extension after .gz", file: "in.gz", data: gz(t, csvData), wantErr: "unknown format"},
		{name: "stdin array", file: "-", data: "\n  [{\"a\":1},{\"a\":2}]", format: JSON, want: arrayRecs},
		{name: "stdin ndjson", file: "-", data: "\r\n" + ndjsonData, format: NDJSON, want: []string{`L2 R1 a="1"/num`, `L3 R2 a="2"/num`}},
		{name: "stdin csv", file: "-", data: csvData, format: CSV, want: csvRecs},
		{name: "stdin csv starting with a quote", file: "-", data: "\"a\",b\n1,2\n", format: CSV, want: csvRecs},
		{name: "stdin gzip ndjson", file: "-", data: gz(t, ndjsonData), format: NDJSON, compression: "gzip", want: ndjsonRecs},
		{name: "stdin zstd array", file: "-", data: zst(t, `[{"a":1},{"a":2}]`), format: JSON, compression: "zstd", want: arrayRecs},
		{name: "zstd after a skippable frame", file: "in.csv", data: skippable(0x184d2a50, "meta") + zst(t, csvData), format: CSV, compression: "zstd", want: csvRecs},
		{name: "stdin zstd after skippable frames", file: "-", data: skippable(0x184d2a5f, "") + skippable(0x184d2a57, "x") + zst(t, ndjsonData), format: NDJSON, compression: "zstd", want: ndjsonRecs},
		{name: "stdin after a BOM", file: "-", data: "\xef\xbb\xbf" + ndjsonData, format: NDJSON, want: ndjsonRecs},
		{name: "stdin long blank prefix", file: "-", data: strings.Repeat(" ", 5000) + `[{"a":1},{"a":2}]`, format: JSON, want: arrayRecs},
		{name: "stdin empty", file: "-", data: "", wantErr: "empty CSV"},
		{name: "tsv", file: "in.tsv", data: "a\tb\n1\t2\n", format: CSV, want: csvRecs},
		{name: "tsv with --format csv", file: "in.tsv", data: "a\tb\n1\t2\n", opts: Options{Format: CSV}, format: CSV, want: csvRecs},
		{name: "tsv with --delimiter", file: "in.tsv", data: "a;b\n1;2\n", opts: Options{Delimiter: ';'}, format: CSV, want: csvRecs},
		{name: "bad delimiter", file: "in.csv", data: csvData, opts: Options{Delimiter: '"'}, wantErr: "CSV header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, recs, err := readAll(t, tt.file, tt.data, tt.opts)
			checkErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			if in.Format != tt.format || in.Compression != tt.compression {
				t.Errorf("format %q compression %q, want %q %q", in.Format, in.Compression, tt.format, tt.compression)
			}
			checkRecords(t, recs, tt.want)
		})
	}
}

func TestOpenUnknownFormatIs(t *testing.T) {
	_, err := Open("events.avro", strings.NewReader("Obj\x01"), Options{})
	if !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("got %v, want ErrUnknownFormat", err)
	}
	if !strings.Contains(err.Error(), "--format") {
		t.Errorf("%q should tell about --format", err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": "", "csv": CSV, "ndjson": NDJSON, "jsonl": NDJSON, "json": JSON} {
		if f, err := ParseFormat(in); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, f, err, want)
		}
	}
	if _, err := ParseFormat("xml"); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("ParseFormat(xml) = %v, want ErrUnknownFormat", err)
	}
}

func TestExt(t *testing.T) {
	for in, want := range map[string]string{
		"a.csv": ".csv", "a.csv.gz": ".csv", "a.ndjson.zst": ".ndjson", "a.json.zstd": ".json", "a.tsv.gzip": ".tsv",
		`C:\data\A.CSV`: ".csv", "s3://b/p/x.JSONL": ".jsonl", "dir.v1/file": "", "-": "", "a.gz": "",
	} {
		if got := Ext(in); got != want {
			t.Errorf("Ext(%q) = %q, want %q", in, got, want)
		}
	}
}

// A damaged compressed stream is a fatal error of Next, never a clean end.
func TestOpenTruncatedCompression(t *testing.T) {
	var lines strings.Builder
	for i := range 5000 {
		lines.WriteString(`{"i":` + strings.Repeat("1", i%50+1) + "}\n")
	}
	for _, tt := range []struct{ name, data string }{
		{"in.ndjson", gz(t, lines.String())},
		{"in.ndjson", zst(t, lines.String())},
		{"in.csv", gz(t, "i\n"+strings.Repeat("12345,\n", 20000))},
	} {
		data := tt.data[:len(tt.data)*2/3]
		_, _, err := readAll(t, tt.name, data, Options{})
		if err == nil || errors.Is(err, io.EOF) {
			t.Errorf("%s truncated: got %v, want a fatal error", tt.name, err)
		}
	}
}
