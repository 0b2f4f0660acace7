// Package profile is the per-partition profile that export commits beside
// each day's parts (docs/commit.md, "Sidecars"), and the guards that read
// the profiles of earlier committed days: volume, drift and cross-day
// duplicates (README, "Guards against days that look wrong").
//
// Two sidecars, both markers (their names start with "_", so
// partition.IsDataFile says they are not data, and pull and validate
// --partition never read them as rows):
//
//   - _profile.json: rows per event_key, property keys seen per map column
//     with their value types, and rows per hour of the day;
//   - _insert_ids.bin: the day's insert_ids as sorted 16-byte keys.
//
// Both are functions of the committed rows only (no clock time), so that a
// re-run over the same inputs writes the same bytes.
package profile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hackle/hackle-agent/agent/dedup"
	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/validate"
)

// Sidecar names inside a partition folder.
const (
	ProfileName = "_profile.json"
	IDsName     = "_insert_ids.bin"
	// Format versions the profile layout.
	Format = "hackle-agent/profile/v1"
)

// MaxKeys bounds the keys a profile records per map column (and the
// event_keys): past it the column is marked Truncated, and drift is not
// judged on it. It keeps _profile.json small when a property key is
// per-user (a key made of an id).
const MaxKeys = 1000

// Profile is _profile.json.
type Profile struct {
	Format    string           `json:"format"`
	Date      string           `json:"date"`
	Rows      int64            `json:"rows"`
	EventKeys map[string]int64 `json:"event_keys"` // rows per event_key
	// Properties maps each map column (identifiers, user_properties,
	// event_properties, platform_properties) to its keys and, per key, the
	// types its values had that day: "number", "bool", "string", or
	// several joined by "," in that order ("number,string").
	Properties map[string]map[string]string `json:"properties"`
	// Truncated names the columns ("event_key" for EventKeys) that had more
	// than MaxKeys keys; only the first MaxKeys are listed.
	Truncated []string `json:"truncated,omitempty"`
	// Hours counts rows per hour of the day on the partition's clock
	// (--partition-timezone); a DST day's repeated hour adds to one slot.
	Hours [24]int64 `json:"hours"`
}

// Encode renders the profile deterministically (map keys sorted).
func (p *Profile) Encode() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		panic(err) // plain data: cannot fail
	}
	return buf.Bytes()
}

// Value types, in the order a type set lists them.
const (
	TypeNumber = "number"
	TypeBool   = "bool"
	TypeString = "string"
)

// typeNames name the bits of a type set (1, 2, 4), in the order above.
var typeNames = []string{TypeNumber, TypeBool, TypeString}

// valueType classifies a property value by its text: a decimal number
// (what strconv.ParseFloat reads, without hex, infinities, NaN or
// underscores), true or false, else a string. It runs for every property
// of every row, so it scans the text itself instead of calling ParseFloat,
// whose error for a string allocates.
func valueType(v string) uint8 {
	switch v {
	case "true", "false":
		return 2
	}
	if isDecimal(v) {
		return 1
	}
	return 4
}

// isDecimal reports whether v is [+-]digits[.digits][(e|E)[+-]digits]
// with at least one digit before the exponent.
func isDecimal(v string) bool {
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		digits++
	}
	if i < len(v) && v[i] == '.' {
		for i++; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		start := i
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		}
		if i == start {
			return false
		}
	}
	return i == len(v)
}

func typeText(bits uint8) string {
	var out []string
	for i, n := range typeNames {
		if bits&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return strings.Join(out, ",")
}

// Types splits a type set ("number,string") into its types.
func Types(set string) []string { return strings.Split(set, ",") }

// Builder builds one day's profile and insert_id sidecar as its rows are
// written. Memory: the profile's keys (bounded by MaxKeys) and a buffer;
// the insert_ids go to a dedup.KeyWriter, which sorts them with bounded
// memory (spilling sorted runs into dir) and writes them on Finish.
type Builder struct {
	date  string
	loc   *time.Location
	p     Profile
	types map[string]map[string]*uint8
	cols  [4]struct {
		types map[string]*uint8 // types[col], without the lookup by name
		last  []seenKey         // the previous row's keys
	}
	events map[string]*int64
	ids    *dedup.KeyWriter
	// the offset of loc in force from zoneStart to zoneEnd (Unix seconds;
	// both 0 until the first row)
	zoneOffset         int
	zoneStart, zoneEnd int64
	err                error
}

// NewBuilder starts the profile of day date, whose hours are counted on
// loc's clock. Its insert_ids spill, sorted, into a folder under dir.
func NewBuilder(dir, date string, loc *time.Location) (*Builder, error) {
	if loc == nil {
		loc = time.UTC
	}
	return &Builder{
		date: date, loc: loc, ids: dedup.NewKeyWriter(dir),
		p:     Profile{Format: Format, Date: date, EventKeys: map[string]int64{}, Properties: map[string]map[string]string{}},
		types: map[string]map[string]*uint8{}, events: map[string]*int64{},
	}, nil
}

// Add counts one committed row.
func (b *Builder) Add(ev *validate.Event) {
	b.p.Rows++
	// The row's strings are recycled, and a map assignment replaces the
	// stored key with the one given: the maps hold pointers, assigned only
	// with a cloned key.
	if n, ok := b.events[ev.EventKey]; ok {
		*n++
	} else if len(b.events) < MaxKeys {
		b.events[strings.Clone(ev.EventKey)] = new(int64(1))
	} else {
		b.truncate("event_key")
	}
	b.p.Hours[b.hour(ev.TS)]++
	b.props(0, "identifiers", ev.Identifiers)
	b.props(1, "user_properties", ev.UserProps)
	b.props(2, "event_properties", ev.EventProps)
	b.props(3, "platform_properties", ev.PlatformProps)
	if b.err == nil {
		k := validate.UUIDKey(ev.InsertID)
		b.err = b.ids.Add(k)
	}
}

// hour is the hour of ts (ms) on loc's clock. The zone's offset is looked
// up once per stretch of time it holds (until the next DST change), not
// for every row.
func (b *Builder) hour(ts int64) int {
	sec := floorDiv(ts, 1000)
	if sec < b.zoneStart || sec >= b.zoneEnd {
		t := time.Unix(sec, 0).In(b.loc)
		_, b.zoneOffset = t.Zone()
		start, end := t.ZoneBounds()
		b.zoneStart, b.zoneEnd = math.MinInt64, math.MaxInt64
		if !start.IsZero() {
			b.zoneStart = start.Unix()
		}
		if !end.IsZero() {
			b.zoneEnd = end.Unix()
		}
	}
	h := floorDiv(sec+int64(b.zoneOffset), 3600) % 24
	if h < 0 {
		h += 24
	}
	return int(h)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// props records the keys of map column col (the c-th of the four).
func (b *Builder) props(c int, col string, kvs []validate.KV) {
	if len(kvs) == 0 {
		return
	}
	m := b.cols[c].types
	if m == nil {
		m = map[string]*uint8{}
		b.cols[c].types = m
		b.types[col] = m
	}
	// Rows of one export mostly carry the same keys in the same order: the
	// previous row's key at the same place is tried before the map.
	last := b.cols[c].last
	for i, kv := range kvs {
		if i < len(last) && last[i].key == kv.Key {
			*last[i].t |= valueType(kv.Value)
			continue
		}
		t, ok := m[kv.Key]
		switch {
		case ok:
			*t |= valueType(kv.Value)
		case len(m) >= MaxKeys:
			b.truncate(col)
			continue
		default:
			t = new(valueType(kv.Value))
			m[strings.Clone(kv.Key)] = t
		}
		if i < len(last) {
			last[i] = seenKey{strings.Clone(kv.Key), t}
		} else if i == len(last) && i < 64 {
			last = append(last, seenKey{strings.Clone(kv.Key), t})
		}
	}
	b.cols[c].last = last
}

// seenKey is a property key of the previous row and its type set.
type seenKey struct {
	key string // a copy: the row's strings are recycled
	t   *uint8
}

func (b *Builder) truncate(col string) {
	if !slices.Contains(b.p.Truncated, col) {
		b.p.Truncated = append(b.p.Truncated, col)
		slices.Sort(b.p.Truncated)
	}
}

// Finish writes _profile.json and _insert_ids.bin into dir and returns the
// profile. It removes the staging file, also on error.
func (b *Builder) Finish(dir string) (*Profile, error) {
	defer b.ids.Discard()
	if b.err != nil {
		return nil, fmt.Errorf("profile of %s: %w", b.date, b.err)
	}
	for k, n := range b.events {
		b.p.EventKeys[k] = *n
	}
	for col, m := range b.types {
		out := make(map[string]string, len(m))
		for k, t := range m {
			out[k] = typeText(*t)
		}
		b.p.Properties[col] = out
	}
	if err := os.WriteFile(filepath.Join(dir, ProfileName), b.p.Encode(), 0o644); err != nil {
		return nil, fmt.Errorf("profile of %s: %w", b.date, err)
	}
	if err := b.ids.Finish(filepath.Join(dir, IDsName)); err != nil {
		return nil, fmt.Errorf("insert_ids of %s: %w", b.date, err)
	}
	return &b.p, nil
}

// Close drops a builder that will not finish.
func (b *Builder) Close() {
	if b != nil && b.ids != nil {
		b.ids.Discard()
	}
}

// ErrInvalid marks a sidecar that is not in the layout this agent writes.
var ErrInvalid = errors.New("not a valid profile")

// ReadProfile fetches day date's _profile.json. A missing one is
// store.ErrNotExist, one not in this layout ErrInvalid (wrapped).
func ReadProfile(ctx context.Context, st store.Store, date string) (*Profile, error) {
	key := partition.Prefix(date) + ProfileName
	rc, err := st.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var p Profile
	b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", key, ErrInvalid, err)
	}
	if p.Format != Format {
		return nil, fmt.Errorf("%s: %w: format %q, not %q", key, ErrInvalid, p.Format, Format)
	}
	return &p, nil
}
