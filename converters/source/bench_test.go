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

// benchEvents are lines of the shape of bench/data/events-*.ndjson.
var benchEvents = []string{
	`{"event_key":"search","event_properties":{},"identifiers":{"device_id":"0000EC37-ABCD-0477","id":"dev-00060471"},"insert_id":"168a4339-6334-428f-aadf-24d2261a23c4","metric_value":0,"platform_properties":{"appversion":"6.9.3","devicemodel":"iPhone14,2","devicevendor":"Apple","language":"ko-KR","osname":"iOS","osversion":"16.0.2"},"ts":"2023-01-01T12:27:37.202Z","user_properties":{"date_signed":"2022-07-01","grade":"VIP"}}`,
	`{"event_key":"login","event_properties":{},"identifiers":{"device_id":"00011868-ABCD-1791","id":"dev-00071784","session_id":"1672591321.7","user_id":"71784"},"insert_id":"4ea4cb4a-db09-420c-97e1-c392dc82b985","metric_value":0,"platform_properties":{"appversion":"6.9.0","devicemodel":"SM-S908N","devicevendor":"samsung","language":"ko","osname":"Android","osversion":"12"},"ts":"2023-01-01T16:42:01.365Z","user_properties":{"date_signed":"2022-07-01","grade":"GOLD"}}`,
	`{"event_key":"purchase","event_properties":{"product_category":"LEISURE","product_id":38045,"product_name":"등산화 겨울용"},"identifiers":{"device_id":"000266AD-ABCD-7372","id":"dev-00157357","session_id":"1672591535.8","user_id":"157357"},"insert_id":"26bd9ed4-b94e-4618-bee3-185681554100","metric_value":72995.89,"platform_properties":{"appversion":"6.9.3","devicemodel":"iPhone14,2","devicevendor":"Apple","language":"ko-KR","osname":"iOS","osversion":"16.0.2"},"ts":"2023-01-01T16:45:35.965Z","user_properties":{"date_signed":"2022-07-01","grade":"SILVER"}}`,
}

// BenchmarkParseRecord parses event lines alone, without the reader.
func BenchmarkParseRecord(b *testing.B) {
	var fields, nested []Field
	var err error
	n := 0
	for _, e := range benchEvents {
		n += len(e)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range benchEvents {
			fields, nested, err = parseRecord(e, fields[:0], nested)
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
