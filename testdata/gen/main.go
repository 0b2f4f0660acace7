// Command gen writes a deterministic day of synthetic events for tests and
// benchmarks: the same flags always give the same bytes.
//
//	go run ./testdata/gen -rows 1000000 -format ndjson -o events.ndjson
//	go run ./testdata/gen -rows 1000000 -format csv -bad 0.01 -o events.csv
//
// About 1 row in 1/bad is broken in one of the ways the validator rejects
// (missing or malformed insert_id, empty event_key, bad or out-of-day ts,
// non-numeric metric, missing identifier, unknown osname, missing
// appversion), and a few rows repeat an earlier insert_id.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	rows := flag.Int("rows", 100000, "rows to write")
	format := flag.String("format", "ndjson", "ndjson or csv (CSV with JSON-object cells for the maps)")
	date := flag.String("date", "2023-01-01", "the UTC day of the events")
	bad := flag.Float64("bad", 0.01, "share of rows that are broken")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()

	day, err := time.Parse("2006-01-02", *date)
	if err != nil {
		fail(err)
	}
	f := os.Stdout
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			fail(err)
		}
	}
	w := bufio.NewWriterSize(f, 1<<20)
	g := &gen{rnd: rand.New(rand.NewPCG(*seed, 42)), day: day, bad: *bad, csv: *format == "csv"}
	switch *format {
	case "csv":
		w.WriteString("insert_id,event_key,ts,metric_value,identifiers,user_properties,event_properties,platform_properties\n")
	case "ndjson":
	default:
		fail(fmt.Errorf("unknown -format %q", *format))
	}
	for i := 0; i < *rows; i++ {
		g.row(w, i)
	}
	if err := w.Flush(); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}

type gen struct {
	rnd *rand.Rand
	day time.Time
	bad float64
	csv bool
	buf []byte
}

var (
	events   = []string{"purchase", "view_item", "add_to_cart", "login", "search", "add_to_wishlist", "begin_checkout", "page_view"}
	products = []string{"캠핑 의자", "무선 이어폰", "등산화 겨울용", "\"프리미엄\" 텀블러", "여행용 가방", "coffee beans 1kg", "러닝화, 270mm"}
	grades   = []string{"GOLD", "SILVER", "BRONZE", "VIP"}
)

func (g *gen) uuid(n uint64) string {
	a, b := g.rnd.Uint64()^n, g.rnd.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0xfff, uint16(b>>48)&0x3fff|0x8000, b&0xffffffffffff)
}

func (g *gen) row(w *bufio.Writer, i int) {
	r := g.rnd
	ev := events[r.IntN(len(events))]
	ts := g.day.Add(time.Duration(r.Int64N(int64(24 * time.Hour))))
	rec := map[string]any{
		"insert_id": g.uuid(uint64(i)),
		"event_key": ev,
		"ts":        ts.Format("2006-01-02T15:04:05.000Z"),
	}
	metric := "0"
	if ev == "purchase" {
		metric = strconv.FormatFloat(float64(r.IntN(50000000))/100, 'f', 2, 64)
	}
	rec["metric_value"] = json.Number(metric)
	user := r.IntN(200000)
	ids := map[string]string{"id": fmt.Sprintf("dev-%08d", user), "device_id": fmt.Sprintf("%08X-ABCD-%04d", user, user%9999)}
	if r.IntN(3) > 0 {
		ids["user_id"] = strconv.Itoa(user)
		ids["session_id"] = fmt.Sprintf("%d.%d", ts.Unix(), r.IntN(9))
	}
	rec["identifiers"] = ids
	rec["user_properties"] = map[string]string{"grade": grades[user%len(grades)], "date_signed": "2022-07-01"}
	props := map[string]any{}
	if ev == "purchase" || ev == "view_item" || ev == "add_to_cart" {
		props["product_id"] = json.Number(strconv.Itoa(30000 + r.IntN(9000)))
		props["product_name"] = products[r.IntN(len(products))]
		props["product_category"] = "LEISURE"
	}
	rec["event_properties"] = props
	plat := map[string]string{"osname": "Android", "appversion": "6.9.0", "osversion": "12", "devicevendor": "samsung", "devicemodel": "SM-S908N", "language": "ko"}
	if user%2 == 1 {
		plat = map[string]string{"osname": "iOS", "appversion": "6.9.3", "osversion": "16.0.2", "devicevendor": "Apple", "devicemodel": "iPhone14,2", "language": "ko-KR"}
	}
	rec["platform_properties"] = plat
	if i > 10 && r.IntN(500) == 0 { // a repeated insert_id
		rec["insert_id"] = g.uuidAt(i)
	}
	if r.Float64() < g.bad {
		g.breakRow(rec, ids, plat)
	}
	g.write(w, rec)
}

// uuidAt is not a real earlier id (ids are random), so it repeats a fixed
// one: every call after the first is a duplicate.
func (g *gen) uuidAt(int) string { return "00000000-0000-4000-8000-000000000001" }

func (g *gen) breakRow(rec map[string]any, ids, plat map[string]string) {
	switch g.rnd.IntN(9) {
	case 0:
		delete(rec, "insert_id")
	case 1:
		rec["insert_id"] = "not-a-uuid"
	case 2:
		rec["event_key"] = " "
	case 3:
		rec["ts"] = "garbage"
	case 4:
		rec["ts"] = g.day.Add(-time.Hour).Format(time.RFC3339)
	case 5:
		rec["metric_value"] = "N/A"
	case 6:
		delete(ids, "device_id")
	case 7:
		plat["osname"] = "Windows"
	case 8:
		delete(plat, "appversion")
	}
}

var columns = []string{"insert_id", "event_key", "ts", "metric_value", "identifiers", "user_properties", "event_properties", "platform_properties"}

func (g *gen) write(w *bufio.Writer, rec map[string]any) {
	if !g.csv {
		b, _ := json.Marshal(rec) // map keys are sorted: deterministic
		w.Write(b)
		w.WriteByte('\n')
		return
	}
	for i, c := range columns {
		if i > 0 {
			w.WriteByte(',')
		}
		var cell string
		switch v := rec[c].(type) {
		case nil:
		case string:
			cell = v
		case json.Number:
			cell = string(v)
		default:
			b, _ := json.Marshal(v)
			cell = string(b)
		}
		if strings.ContainsAny(cell, ",\"\n") {
			cell = `"` + strings.ReplaceAll(cell, `"`, `""`) + `"`
		}
		w.WriteString(cell)
	}
	w.WriteByte('\n')
}
