package mapping

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/converters/source"
	"github.com/hackle/hackle-agent/validate"
)

const benchRows = 10000

func benchMap(b *testing.B, name, data string, c *Config) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var raw validate.Raw
	for b.Loop() {
		in, err := source.Open(name, strings.NewReader(data), source.Options{})
		if err != nil {
			b.Fatal(err)
		}
		m, err := Compile(c, in.Columns())
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rec, err := in.Next()
			if err == io.EOF {
				break
			}
			if err != nil || rec.Err != nil {
				b.Fatal(err, rec.Err)
			}
			if issues := m.Map(rec, &raw); len(issues) > 0 {
				b.Fatal(issues)
			}
			n++
		}
		if n != benchRows || len(raw.Identifiers) < 2 {
			b.Fatalf("%d rows, last %+v", n, raw)
		}
	}
}

// BenchmarkMapNDJSON reads, parses and maps 10k zero-config NDJSON events.
func BenchmarkMapNDJSON(b *testing.B) {
	var s strings.Builder
	for i := range benchRows {
		fmt.Fprintf(&s, `{"insert_id":"6f1c2a7e-%04x-4b8e-9a5d-3c2b1a0f%04x","event_key":"purchase","ts":"2023-01-01T09:%02d:%02d.123456Z",`+
			`"metric_value":%d.25,"identifiers":{"id":"user-%d","device_id":"dev-%d","session_id":null},`+
			`"user_properties":{"grade":"gold","age":%d,"이름":"김철수"},"event_properties":{"item":"신발 \"에어\"","price":12.3456789,"tags":["a","b"]},`+
			`"platform_properties":{"osname":"iOS","appversion":"5.1.%d"}}`+"\n",
			i, i, i/60%60, i%60, i%1000, i, i%977, 20+i%50, i%10)
	}
	benchMap(b, "in.ndjson", s.String(), nil)
}

// BenchmarkMapCSV reads and maps 10k rows of the warehouse export of issue 3.
func BenchmarkMapCSV(b *testing.B) {
	cfg, err := os.ReadFile("testdata/warehouse.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var s strings.Builder
	s.WriteString(strings.Join(warehouseColumns, ",") + "\n")
	for i := range benchRows {
		fmt.Fprintf(&s, `6f1c2a7e-%04x-4b8e-9a5d-3c2b1a0f%04x,purchase,2023-01-01 09:%02d:%02d,%d.25,user-%d,dev-%d,%d,iOS,5.1.%d,"{""item"":""신발, 에어"",""price"":12.3456789}",gold`+"\n",
			i, i, i/60%60, i%60, i%1000, i, i%977, i, i%10)
	}
	benchMap(b, "in.csv", s.String(), parseConfig(b, string(cfg)))
}
