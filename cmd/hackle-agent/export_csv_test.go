package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/converters/tolerant"
	"github.com/hackle/hackle-agent/validate"
)

// csvHeader is a zero-config CSV header with flattened maps.
const csvHeader = "insert_id,event_key,ts,identifiers.id,identifiers.device_id,platform_properties.osname,platform_properties.appversion,event_properties.memo"

// csvRow is row i of a zero-config CSV export, with event_key and memo
// cells as given (quoted or not).
func csvRow(i int, eventKey, memo string) string {
	return fmt.Sprintf("6f1c2a7e-0000-4b8e-9a5d-%012x,%s,2023-01-01 09:00:00,user-%d,dev-%d,iOS,5.1.0,%s\n", i, eventKey, i, i, memo)
}

// A stray opening quote in row 301 of 20,000 rows is that row's reject
// alone (issue "Nothing lost"): before, the quote swallowed the rest of
// the file and the counts still balanced. A properly quoted cell further
// down must not re-synchronise the reader on the wrong quote either.
func TestExportCSVStrayQuote(t *testing.T) {
	work := t.TempDir()
	var b strings.Builder
	b.WriteString(csvHeader + "\n")
	for i := 1; i <= 20000; i++ {
		switch i {
		case 301:
			b.WriteString(csvRow(i, `"view`, "m"))
		case 5000:
			b.WriteString(csvRow(i, `"view"`, `"a, ""quoted"" memo"`))
		default:
			b.WriteString(csvRow(i, "view", "m"))
		}
	}
	in := filepath.Join(work, "events.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"default threshold", nil, 0},
		{"no error allowed", []string{"--max-errors", "0"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dest, reports := filepath.Join(work, "bucket-"+fmt.Sprint(tc.code)), filepath.Join(work, "report-"+fmt.Sprint(tc.code))
			args := append([]string{"export", "--dest", dest, "--report-dir", reports, "--input", in, "--date", "2023-01-01"}, tc.args...)
			res := runAgent(t, work, nil, args...)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", res.code, tc.code, res.stderr)
			}
			rep, rejects := readReport(t, reports)
			if c := rep.Counts; c.Read != 20000 || c.Written != 19999 || c.Rejected != 1 || c.Duplicates != 0 {
				t.Errorf("counts = %+v, want 20000 read, 19999 written, 1 rejected", c)
			}
			if len(rejects) != 1 {
				t.Fatalf("%d rejects, want 1: %+v", len(rejects), rejects)
			}
			r := rejects[0]
			if r.Line != 302 || r.Row != 301 || r.Reason != validate.CSVUnterminatedQuote || !strings.Contains(r.Message, "line 302") {
				t.Errorf("reject = line %d row %d %s %q, want line 302 row 301 csv_unterminated_quote naming line 302", r.Line, r.Row, r.Reason, r.Message)
			}
			if tc.code == 0 {
				rows := readPartition(t, filepath.Join(dest, "dt=2023-01-01"))
				if len(rows) != 19999 || rows[4999-1].EventKey != "view" || kv(rows[4999-1].EventProps, "memo") != `a, "quoted" memo` {
					t.Errorf("partition has %d rows; row 5000 %+v", len(rows), rows[4999-1])
				}
			}
		})
	}
}

// A quoted cell is data: a CRLF (or a lone CR) in it reaches the Parquet
// byte for byte, while the CRLF line ends of the rows are stripped.
func TestExportCSVQuotedCRLF(t *testing.T) {
	work := t.TempDir()
	crlf := func(row string) string { return strings.TrimSuffix(row, "\n") + "\r\n" }
	data := crlf(csvHeader+"\n") + crlf(csvRow(1, "view", `"line 1`+"\r\n"+`line 2"`)) + crlf(csvRow(2, "view", `"a`+"\r"+`b"`))
	in := filepath.Join(work, "events.csv")
	if err := os.WriteFile(in, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(work, "bucket")
	res := runAgent(t, work, nil, "export", "--dest", dest, "--report-dir", filepath.Join(work, "r"), "--input", in, "--date", "2023-01-01")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	rows := readPartition(t, filepath.Join(dest, "dt=2023-01-01"))
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	for i, want := range []string{"line 1\r\nline 2", "a\rb"} {
		if got := kv(rows[i].EventProps, "memo"); got != want {
			t.Errorf("row %d: memo %q, want %q", i+1, got, want)
		}
		if got := kv(rows[i].PlatformProps, "appversion"); got != "5.1.0" {
			t.Errorf("row %d: appversion %q, want 5.1.0 (the row's CRLF stripped)", i+1, got)
		}
	}
}

// readPartition reads the rows of a partition's Parquet parts, in order.
func readPartition(t *testing.T, part string) []validate.Raw {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(part, "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no parts in %s: %v", part, err)
	}
	var rows []validate.Raw
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		pf, err := tolerant.Open(f, fi.Size(), tolerant.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = pf.Each(func(r *tolerant.Row) error {
			raw := r.Raw
			raw.EventProps = append([]validate.KV(nil), raw.EventProps...)
			raw.PlatformProps = append([]validate.KV(nil), raw.PlatformProps...)
			rows = append(rows, raw)
			return nil
		})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return rows
}

// kv is the value of key in kvs.
func kv(kvs []validate.KV, key string) string {
	for _, p := range kvs {
		if p.Key == key {
			return p.Value
		}
	}
	return ""
}
