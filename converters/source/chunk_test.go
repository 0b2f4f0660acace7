package source

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCSVChunksFollowEncodingCSV cuts random, often malformed, CSV into
// chunks of many sizes and checks that every row, with its line number and
// error, is what encoding/csv reads from the whole file.
func TestCSVChunksFollowEncodingCSV(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "b", ",", ",", "\"", "\"\"", "\n", "\r\n", " ", "x\"y", "\"q,\nq\"", ";", "\r"}
	for n := range 400 {
		var b strings.Builder
		b.WriteString("h1,h2\n")
		for range rnd.IntN(60) {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		data := b.String()
		want := wholeCSV(data)
		for _, size := range []int{1, 2, 5, 13, 1 << 20} {
			in, err := Open("in.csv", strings.NewReader(data), Options{ChunkBytes: size})
			if err != nil {
				t.Fatalf("case %d %q: %v", n, data, err)
			}
			var got []string
			for {
				rec, err := in.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("case %d %q: %v", n, data, err)
				}
				got = append(got, describeRow(rec.Line, rec.cells, rec.Err != nil && strings.HasPrefix(rec.Err.Error(), "malformed")))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("case %d %q in chunks of %d:\n got %q\nwant %q", n, data, size, got, want)
			}
		}
	}
}

func wholeCSV(data string) []string {
	cr := newCSVReader(strings.NewReader(data), ',')
	cr.Read() // header
	var out []string
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			return out
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			out = append(out, describeRow(int64(pe.StartLine), cells, true))
			continue
		}
		line, _ := cr.FieldPos(0)
		out = append(out, describeRow(int64(line), cells, false))
	}
}

func describeRow(line int64, cells []string, malformed bool) string {
	if malformed {
		return fmt.Sprintf("L%d malformed", line)
	}
	return fmt.Sprintf("L%d %q", line, cells)
}
