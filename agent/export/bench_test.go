package export

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hackle/hackle-agent/agent/store/file"
	"github.com/hackle/hackle-agent/validate"
)

// BenchmarkExport runs a whole export of 10k NDJSON or CSV rows (about 3%
// bad, some duplicates) into a local folder with one thread: read, parse,
// map, validate, deduplicate, encode, commit. Per-row figures are op / 1e4.
func BenchmarkExport(b *testing.B) {
	for _, shape := range []struct{ name, data string }{
		{"ndjson", testNDJSON(10000)},
		{"csv", testCSV(10000)},
	} {
		b.Run(shape.name, func(b *testing.B) {
			dir := b.TempDir()
			in := filepath.Join(dir, "in."+shape.name)
			os.WriteFile(in, []byte(shape.data), 0o644)
			ins, err := ExpandInputs(context.Background(), []string{in}, nil)
			if err != nil {
				b.Fatal(err)
			}
			day, _ := validate.ParseDate("2023-01-01")
			b.SetBytes(int64(len(shape.data)))
			b.ReportAllocs()
			for b.Loop() {
				dest, _ := file.New(filepath.Join(dir, "bucket"))
				_, err := Run(context.Background(), Options{
					Inputs: ins, Rules: validate.Rules{From: day, To: day}, Dest: dest,
					ReportDir: filepath.Join(dir, "report"), MaxErrorRate: 1, MaxErrors: -1, Threads: 1, Command: "export",
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
