package source

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

const benchRows = 10000

// benchNDJSON is a generated export of realistic event lines.
func benchNDJSON() string {
	var b strings.Builder
	for i := range benchRows {
		fmt.Fprintf(&b, `{"insert_id":"6f1c2a7e-%04x-4b8e-9a5d-3c2b1a0f%04x","event_key":"purchase","ts":"2023-01-01T09:%02d:%02d.123456Z",`+
			`"metric_value":%d.25,"identifiers":{"id":"user-%d","device_id":"dev-%d","session_id":null},`+
			`"user_properties":{"grade":"gold","age":%d,"이름":"김철수"},"event_properties":{"item":"신발 \"에어\"","price":12.3456789,"tags":["a","b"]},`+
			`"platform_properties":{"osname":"iOS","appversion":"5.1.%d"}}`+"\n",
			i, i, i/60%60, i%60, i%1000, i, i%977, 20+i%50, i%10)
	}
	return b.String()
}

// benchCSV is the warehouse shape of issue 3, with a JSON cell.
func benchCSV() string {
	var b strings.Builder
	b.WriteString("event_id,event_name,event_time_kst,revenue,app_user_key,device_uuid,member_no,os,app_ver,properties_json,grade\n")
	for i := range benchRows {
		fmt.Fprintf(&b, `6f1c2a7e-%04x-4b8e-9a5d-3c2b1a0f%04x,purchase,2023-01-01 09:%02d:%02d,%d.25,user-%d,dev-%d,%d,iOS,5.1.%d,"{""item"":""신발, 에어"",""price"":12.3456789}",gold`+"\n",
			i, i, i/60%60, i%60, i%1000, i, i%977, i, i%10)
	}
	return b.String()
}

// benchCSVUnquoted is benchCSV without quotes: no cell needs them.
func benchCSVUnquoted() string {
	return strings.ReplaceAll(benchCSV(), `"{""item"":""신발, 에어"",""price"":12.3456789}"`, "신발 에어")
}

func benchRead(b *testing.B, name, data string) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		in, err := Open(name, strings.NewReader(data), Options{})
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
			n++
		}
		if n != benchRows {
			b.Fatalf("%d rows", n)
		}
	}
}

// BenchmarkNDJSON reads and parses 10k NDJSON events.
func BenchmarkNDJSON(b *testing.B) { benchRead(b, "in.ndjson", benchNDJSON()) }

// BenchmarkCSV reads 10k CSV rows.
func BenchmarkCSV(b *testing.B) { benchRead(b, "in.csv", benchCSV()) }

// BenchmarkCSVUnquoted reads 10k CSV rows without quotes.
func BenchmarkCSVUnquoted(b *testing.B) { benchRead(b, "in.csv", benchCSVUnquoted()) }

// BenchmarkJSONArray reads and parses the NDJSON events as one JSON array.
func BenchmarkJSONArray(b *testing.B) {
	data := "[" + strings.ReplaceAll(strings.TrimSuffix(benchNDJSON(), "\n"), "\n", ",\n") + "]"
	benchRead(b, "in.json", data)
}
