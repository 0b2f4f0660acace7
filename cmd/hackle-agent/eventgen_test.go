package main

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// The generator of the property tests: random valid events, each already
// in canonical form (lowercase trimmed unique keys, osname Android or iOS,
// a lowercase insert_id), so that what any reader gets back from the
// partition must equal what was generated; and writers of them as CSV,
// NDJSON and a JSON array, with what makes those formats hard: quotes,
// delimiters, CR, LF and CRLF in cells, multibyte text, JSON escapes, big
// cells, empty maps, extreme decimals and every form of timestamp.

// testSeed is HACKLE_TEST_SEED, or a new seed; it is logged, so that a
// failure can be reproduced.
func testSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("HACKLE_TEST_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("HACKLE_TEST_SEED=%q: %v", s, err)
		}
	}
	t.Logf("seed %d (HACKLE_TEST_SEED=%d go test -run '^%s$' ./cmd/hackle-agent reproduces this run)", seed, seed, t.Name())
	return seed
}

// mapNames are the four maps of the schema, in Event order.
var mapNames = [4]string{"identifiers", "user_properties", "event_properties", "platform_properties"}

// genEvent is one generated event: its canonical values, and how its
// source text spells them.
type genEvent struct {
	ts       int64 // ms since the epoch, UTC
	eventKey string
	insertID string
	metric   string // DECIMAL(24,6) text with 6 decimals
	maps     [4]map[string]string

	tsText     string // the source text of ts
	tsNumber   bool   // tsText is an epoch number: a JSON number in JSON
	metricText string // "" leaves metric_value out (it is then 0)
	metricNum  bool   // a JSON number rather than a string in JSON
}

// flatKeys are the keys of flattened CSV columns (map.key): a fixed set, so
// that a file has a bounded number of columns.
var flatKeys = [4][]string{
	{"id", "device_id", "user_id", "회원번호", "e-mail"},
	{"grade", "name", "이름", "note 🎉", "a,b", `q"k`, "x.y"},
	{"product_id", "price", "설명", "emoji😀", "semi;colon", "tab\tkey"},
	{"osname", "appversion", "platform", "locale"},
}

// textPieces make up generated text: plain words and everything that a
// CSV or JSON writer or reader can get wrong.
var textPieces = []string{
	"a", "b", "xyz", "Hello", "12", " ", "  ", "\t", `"`, `""`, ",", ";", "|", "\\", "/", "\n", "\r\n", "\r",
	"\n\n", "'", "{", "}", "[", "]", ":", "안녕하세요", "한글", "😀", "👍🏽", "🇰🇷", "é", "ß", "日本", "\u00a0", "\u2028",
	"\u0001", "\u007f", "<&>", "null", "true", "\ufeff",
}

// keyPieces make up generated map keys: already lowercase.
var keyPieces = []string{"a", "b", "k", "z", "0", "7", "_", "-", ".", " ", `"`, ",", "\\", "키", "값", "😀", "é", "ß", "\n"}

// numberTexts are JSON number literals a property value may hold: kept
// as written.
var numberTexts = []string{"0", "-0", "0.1", "12.50", "-3", "1e21", "1E-7", "12345678901234567890", "3.14159265358979323846"}

type generator struct{ rng *rand.Rand }

// newGenerator returns the generator of one stream of a seed: each
// subtest has its own, so that it generates the same whether or not the
// others run.
func newGenerator(seed, stream uint64) *generator {
	return &generator{rand.New(rand.NewPCG(seed, stream))}
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// text returns up to n pieces of text; a big one (tens of KB) now and then.
func (g *generator) text(n int) string {
	var b strings.Builder
	for range g.rng.IntN(n + 1) {
		b.WriteString(textPieces[g.rng.IntN(len(textPieces))])
	}
	if g.chance(0.025) { // so that an input spans several chunks of the pipeline (1 MiB)
		for b.Len() < 20_000+g.rng.IntN(40_000) {
			b.WriteString(textPieces[g.rng.IntN(len(textPieces))])
			b.WriteString(strings.Repeat("데이터", 8))
		}
	}
	return b.String()
}

// nonBlank returns text that is not empty once trimmed, with no space at
// either end (a value that is trimmed, such as event_key).
func (g *generator) nonBlank(n int) string {
	s := strings.TrimSpace(g.text(n))
	if s == "" || strings.TrimSpace(s) != s {
		s = "v" + s + "v"
	}
	return s
}

func (g *generator) key() string {
	for {
		var b strings.Builder
		for range 1 + g.rng.IntN(6) {
			b.WriteString(keyPieces[g.rng.IntN(len(keyPieces))])
		}
		k := b.String()
		if k != "" && strings.TrimSpace(k) == k && strings.ToLower(k) == k {
			return k
		}
	}
}

// value is a property value: text, or a JSON number or boolean literal.
func (g *generator) value() string {
	switch {
	case g.chance(0.1):
		return numberTexts[g.rng.IntN(len(numberTexts))]
	case g.chance(0.05):
		return []string{"true", "false"}[g.rng.IntN(2)]
	}
	return g.text(6)
}

// events generates n events with distinct insert_ids, all on day (UTC).
// flat[i] says that map i goes into flattened CSV columns: its keys come
// from flatKeys and its values are not empty (CSV cannot tell an empty
// cell from a missing one).
func (g *generator) events(n int, day time.Time, flat [4]bool) []*genEvent {
	evs := make([]*genEvent, n)
	ids := map[string]bool{}
	for i := range evs {
		ev := &genEvent{eventKey: g.nonBlank(4)}
		for ev.insertID == "" || ids[ev.insertID] {
			ev.insertID = g.uuid()
		}
		ids[ev.insertID] = true
		g.timestamp(ev, day)
		g.metric(ev)
		for m := range ev.maps {
			ev.maps[m] = g.propMap(m, flat[m])
		}
		evs[i] = ev
	}
	return evs
}

func (g *generator) uuid() string {
	b := fmt.Sprintf("%016x%016x", g.rng.Uint64(), g.rng.Uint64())
	b = b[:12] + "4" + b[13:16] + string("89ab"[g.rng.IntN(4)]) + b[17:]
	return b[:8] + "-" + b[8:12] + "-" + b[12:16] + "-" + b[16:20] + "-" + b[20:]
}

// timestamp picks an instant of day and one of the forms that spell it.
func (g *generator) timestamp(ev *genEvent, day time.Time) {
	t := day.Add(time.Duration(g.rng.Int64N(int64(24 * time.Hour))))
	t = t.Truncate(time.Microsecond)
	ev.ts = t.UnixMilli()
	zone := time.FixedZone("", (g.rng.IntN(27)-12)*3600+[]int{0, 1800}[g.rng.IntN(2)])
	switch g.rng.IntN(8) {
	case 0:
		ev.tsText = t.Format("2006-01-02T15:04:05.000Z")
	case 1:
		ev.tsText = t.In(zone).Format(time.RFC3339Nano) // sub-millisecond digits are truncated
	case 2:
		ev.tsText = t.Format("2006-01-02 15:04:05.000000") // naive: --source-timezone UTC
	case 3:
		ev.tsText = t.In(zone).Format("2006-01-02 15:04:05.000-0700")
	case 4:
		ev.tsText = t.Format("2006-01-02 15:04:05.000 UTC")
	case 5:
		ev.tsText, ev.tsNumber = strconv.FormatInt(ev.ts, 10), true
	case 6:
		ev.tsText, ev.tsNumber = strconv.FormatInt(t.UnixMicro(), 10), true
	default:
		ev.tsText, ev.tsNumber = fmt.Sprintf("%d.%03d", ev.ts/1000, ev.ts%1000), true // epoch seconds
	}
	if !ev.tsNumber && g.chance(0.1) {
		ev.tsText = " " + ev.tsText + " "
	}
}

// metric picks a DECIMAL(24,6) value: up to 18 integer digits and 6
// decimals, 0, negatives, the extremes, or none.
func (g *generator) metric(ev *genEvent) {
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + g.rng.IntN(10)))
		}
		return b.String()
	}
	var text string
	switch g.rng.IntN(7) {
	case 0:
		text = ""
	case 1:
		text = "0"
	case 2:
		text = "999999999999999999.999999"
	case 3:
		text = "0.000001"
	default:
		text = strings.TrimLeft(digits(g.rng.IntN(19)), "0")
		if text == "" {
			text = "0"
		}
		if f := digits(g.rng.IntN(7)); f != "" {
			text += "." + f
		}
	}
	if text != "" && text != "0" && g.chance(0.4) {
		text = "-" + text
	}
	ev.metricText, ev.metricNum = text, g.chance(0.6)
	ev.metric = "0.000000"
	if text != "" {
		ev.metric = canonDecimal(text)
	}
}

// canonDecimal writes a decimal's text with exactly 6 decimals; "" when it
// is not a number.
func canonDecimal(s string) string {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return ""
	}
	return r.FloatString(6)
}

// propMap generates map m of an event.
func (g *generator) propMap(m int, flat bool) map[string]string {
	out := map[string]string{}
	val := func() string {
		v := g.value()
		for flat && v == "" {
			v = g.value()
		}
		return v
	}
	switch m {
	case 0:
		out["id"], out["device_id"] = g.nonBlank(3), g.nonBlank(3)
	case 3:
		out["osname"], out["appversion"] = []string{"Android", "iOS"}[g.rng.IntN(2)], g.nonBlank(2)
	}
	if g.chance(0.2) {
		return out // only what is required: empty property maps
	}
	for range g.rng.IntN(5) {
		var k string
		if flat {
			k = flatKeys[m][g.rng.IntN(len(flatKeys[m]))]
		} else {
			k = g.key()
		}
		if _, ok := out[k]; !ok {
			out[k] = val()
		}
	}
	return out
}

// shuffledKeys lists a map's keys in a random order (the same for a
// seed: map iteration order is not).
func (g *generator) shuffledKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	g.rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	return keys
}

// jsonString writes s as a JSON string, escaping what must be and, at
// random, other characters too (\u escapes, surrogate pairs, \/).
func (g *generator) jsonString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		case r == '/' && g.chance(0.5):
			b.WriteString(`\/`)
		case r > 0x7f && g.chance(0.2):
			if r > 0xffff {
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(b, `\u%04x\u%04X`, hi, lo)
			} else {
				fmt.Fprintf(b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// jsonValue writes a property value: a number or boolean literal unquoted
// at random, else a string.
func (g *generator) jsonValue(b *strings.Builder, v string) {
	if (slices.Contains(numberTexts, v) || v == "true" || v == "false") && g.chance(0.7) {
		b.WriteString(v)
		return
	}
	g.jsonString(b, v)
}

func (g *generator) space(b *strings.Builder) {
	if g.chance(0.2) {
		b.WriteString([]string{" ", "\t", "  "}[g.rng.IntN(3)])
	}
}

// jsonObject writes one map as a JSON object.
func (g *generator) jsonObject(b *strings.Builder, m map[string]string) {
	b.WriteByte('{')
	for i, k := range g.shuffledKeys(m) {
		if i > 0 {
			b.WriteByte(',')
		}
		g.space(b)
		g.jsonString(b, k)
		b.WriteByte(':')
		g.space(b)
		g.jsonValue(b, m[k])
	}
	b.WriteByte('}')
}

// jsonEvent writes an event as a JSON object on one line, its fields in a
// random order; a map is an object, left out when empty, or at random
// flattened into "map.key" fields.
func (g *generator) jsonEvent(ev *genEvent) string {
	var fields []func(*strings.Builder)
	field := func(name string, write func(*strings.Builder)) {
		fields = append(fields, func(b *strings.Builder) {
			g.jsonString(b, name)
			b.WriteByte(':')
			g.space(b)
			write(b)
		})
	}
	field("insert_id", func(b *strings.Builder) { g.jsonString(b, ev.insertID) })
	field("event_key", func(b *strings.Builder) { g.jsonString(b, ev.eventKey) })
	if ev.tsNumber && g.chance(0.7) {
		field("ts", func(b *strings.Builder) { b.WriteString(ev.tsText) })
	} else {
		field("ts", func(b *strings.Builder) { g.jsonString(b, ev.tsText) })
	}
	switch {
	case ev.metricText == "":
	case ev.metricNum:
		field("metric_value", func(b *strings.Builder) { b.WriteString(ev.metricText) })
	default:
		field("metric_value", func(b *strings.Builder) { g.jsonString(b, ev.metricText) })
	}
	for i, m := range ev.maps {
		switch {
		case len(m) == 0 && g.chance(0.5):
		case g.chance(0.15):
			for _, k := range g.shuffledKeys(m) {
				field(mapNames[i]+"."+k, func(b *strings.Builder) { g.jsonValue(b, m[k]) })
			}
		default:
			field(mapNames[i], func(b *strings.Builder) { g.jsonObject(b, m) })
		}
	}
	g.rng.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		g.space(&b)
		f(&b)
	}
	b.WriteByte('}')
	return b.String()
}

// ndjsonRecords writes each event as a line, ending in LF or CRLF.
func (g *generator) ndjsonRecords(evs []*genEvent) []string {
	recs := make([]string, len(evs))
	for i, ev := range evs {
		recs[i] = g.jsonEvent(ev) + []string{"\n", "\r\n"}[g.rng.IntN(2)]
	}
	return recs
}

// jsonArray writes the events as a JSON array, with white space and
// newlines between elements.
func (g *generator) jsonArray(evs []*genEvent) string {
	var b strings.Builder
	b.WriteString("[\n")
	for i, ev := range evs {
		if i > 0 {
			b.WriteString([]string{",", ",\n", " ,\r\n  ", ",\n\n"}[g.rng.IntN(4)])
		}
		b.WriteString(g.jsonEvent(ev))
	}
	b.WriteString("\n]\n")
	return b.String()
}

// csvLayout is how a CSV file holds the events.
type csvLayout struct {
	delim   string
	flat    [4]bool  // map i is in flattened columns, else in a JSON-object cell
	columns []string // the header, in a random order
}

// flatMaps picks which maps a CSV file flattens.
func (g *generator) flatMaps() (flat [4]bool) {
	for i := range flat {
		flat[i] = g.chance(0.5)
	}
	return flat
}

// csvLayout picks a delimiter and the column order of a CSV file that
// flattens the maps flat says; flattened maps get a column for each of
// their flatKeys.
func (g *generator) csvLayout(flat [4]bool) *csvLayout {
	l := &csvLayout{delim: []string{",", ";", "\t", "|"}[g.rng.IntN(4)], flat: flat}
	l.columns = []string{"insert_id", "event_key", "ts", "metric_value"}
	for i := range l.flat {
		if !l.flat[i] {
			l.columns = append(l.columns, mapNames[i])
			continue
		}
		for _, k := range flatKeys[i] {
			l.columns = append(l.columns, mapNames[i]+"."+k)
		}
	}
	g.rng.Shuffle(len(l.columns), func(i, j int) { l.columns[i], l.columns[j] = l.columns[j], l.columns[i] })
	return l
}

// csvCell quotes a cell when it must be, and at random when it need not.
func (g *generator) csvCell(b *strings.Builder, s, delim string) {
	if !strings.ContainsAny(s, "\"\r\n"+delim) && !strings.HasPrefix(s, " ") && !g.chance(0.2) {
		b.WriteString(s)
		return
	}
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(s, `"`, `""`))
	b.WriteByte('"')
}

// csvRow writes cells as a row ending with LF or CRLF.
func (g *generator) csvRow(cells []string, delim string) string {
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			b.WriteString(delim)
		}
		g.csvCell(&b, c, delim)
	}
	b.WriteString([]string{"\n", "\r\n"}[g.rng.IntN(2)])
	return b.String()
}

// csvHeader writes the header row, after a UTF-8 BOM at random.
func (g *generator) csvHeader(l *csvLayout) string {
	bom := ""
	if g.chance(0.3) {
		bom = "\ufeff"
	}
	return bom + g.csvRow(l.columns, l.delim)
}

// csvRecords writes each event as a row of l.
func (g *generator) csvRecords(l *csvLayout, evs []*genEvent) []string {
	recs := make([]string, len(evs))
	for i, ev := range evs {
		cells := make([]string, len(l.columns))
		for c, col := range l.columns {
			cells[c] = g.csvValue(ev, col)
		}
		recs[i] = g.csvRow(cells, l.delim)
	}
	return recs
}

// csvValue is the cell of column col for ev.
func (g *generator) csvValue(ev *genEvent, col string) string {
	switch col {
	case "insert_id":
		return ev.insertID
	case "event_key":
		return ev.eventKey
	case "ts":
		return ev.tsText
	case "metric_value":
		return ev.metricText
	}
	for i, name := range mapNames {
		if col == name {
			if len(ev.maps[i]) == 0 && g.chance(0.5) {
				return ""
			}
			var b strings.Builder
			g.jsonObject(&b, ev.maps[i])
			return b.String()
		}
		if key, ok := strings.CutPrefix(col, name+"."); ok {
			return ev.maps[i][key]
		}
	}
	panic("no column " + col)
}
