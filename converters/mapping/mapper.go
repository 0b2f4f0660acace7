package mapping

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hackle/hackle-agent/converters/schema"
	"github.com/hackle/hackle-agent/converters/source"
	"github.com/hackle/hackle-agent/validate"
)

// Mapper maps the records of one input. Compile it once per input: column
// positions are resolved against that input's header. A Mapper is not safe
// for concurrent use: give each goroutine its own Clone.
type Mapper struct {
	ts, eventKey, insertID, metric getter
	maps                           [4]mapGetter   // identifiers, user, event, platform
	members                        []source.Field // scratch for the members of a JSON object
}

// Clone returns a Mapper of the same input for another goroutine.
func (m *Mapper) Clone() *Mapper {
	c := *m
	c.members = nil
	return &c
}

// mapNames are the map columns of the schema, in the order of Mapper.maps
// and of Config's map fields (TestConfigFollowsSchema checks both).
var mapNames = schema.MapNames()

// getter reads one scalar value from a record.
type getter struct {
	column string
	index  int // position in the CSV header, or -1 for a name lookup
	konst  *string
	word   int      // > 0: only this word of the text (Source.Word)
	derive []getter // insert_id derived from these columns (DeriveID)
}

type mapGetter struct {
	name   string
	keys   []keyGetter
	json   getter
	prefix string
	csv    bool // resolved against a CSV header
	// prefixed lists the header columns under prefix (CSV), resolved once.
	prefixed []keyGetter
}

type keyGetter struct {
	key string
	getter
}

// Compile resolves c against an input. columns is the CSV header, or nil for
// JSON inputs, whose fields are looked up by name in each record. A column
// named explicitly in c that is not in columns is an error naming it.
func Compile(c *Config, columns []string) (*Mapper, error) {
	if c == nil {
		c = &Config{}
	}
	index := map[string]int{}
	for i, col := range columns {
		if _, dup := index[col]; !dup {
			index[col] = i
		}
	}
	r := resolver{columns: columns, index: index}
	m := &Mapper{
		ts:       r.scalar("ts", c.TS),
		eventKey: r.scalar("event_key", c.EventKey),
		insertID: r.scalar("insert_id", c.InsertID),
		metric:   r.scalar("metric_value", c.MetricValue),
	}
	for i, spec := range []*MapSpec{c.Identifiers, c.UserProperties, c.EventProperties, c.PlatformProperties} {
		m.maps[i] = r.mapSpec(mapNames[i], spec)
	}
	if len(r.missing) > 0 {
		return nil, fmt.Errorf("mapping: %s not in the input's columns (%s)%s", strings.Join(r.missing, ", "), strings.Join(columns, ", "), headerHint(columns))
	}
	return m, nil
}

// headerHint says, when some of the input's column names look like
// values (numbers, dates, times, UUIDs), that the first row is probably
// data: a warehouse export written without a header (Redshift UNLOAD,
// Snowflake COPY INTO) whose first row was taken for the names.
func headerHint(columns []string) string {
	for _, c := range columns {
		if valueLike(strings.TrimSpace(c)) {
			return "; the first line looks like data, not column names: if the file has no header row, give --no-header --columns NAME,NAME,…"
		}
	}
	return ""
}

// valueLike reports whether s reads as a value rather than a name: a
// number, or text starting with a digit that holds '-', ':', '/' or '.'
// (a date, a time, a version), or a UUID.
func valueLike(s string) bool {
	if s == "" {
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return true
	}
	if s[0] >= '0' && s[0] <= '9' && strings.ContainsAny(s, "-:/.") {
		return true
	}
	return len(s) == 36 && strings.Count(s, "-") == 4
}

type resolver struct {
	columns []string
	index   map[string]int
	missing []string
}

// scalar resolves a field's source; nil means the column of the field's own name.
func (r *resolver) scalar(field string, s *Source) getter {
	if s == nil {
		return r.column(field, "", false)
	}
	if s.Const != nil {
		return getter{konst: s.Const, index: -1}
	}
	if s.Derive != nil {
		if field != "insert_id" {
			r.missing = append(r.missing, fmt.Sprintf("derive (only insert_id can be derived, not %s)", field))
		}
		g := getter{index: -1, derive: make([]getter, len(s.Derive))}
		for i, col := range s.Derive {
			g.derive[i] = r.column(col, field, true)
		}
		return g
	}
	g := r.column(s.Column, field, true)
	g.word = s.Word
	return g
}

// column resolves a column; explicit columns must exist in a known header.
func (r *resolver) column(name, field string, explicit bool) getter {
	g := getter{column: name, index: -1}
	if r.columns == nil {
		return g
	}
	if i, ok := r.index[name]; ok {
		g.index = i
	} else if explicit {
		r.missing = append(r.missing, fmt.Sprintf("column %q (mapped to %s)", name, field))
	} else {
		g.column = "" // absent: the field is empty and the validator says so
	}
	return g
}

func (r *resolver) mapSpec(name string, s *MapSpec) mapGetter {
	if s == nil {
		s = &MapSpec{}
	}
	mg := mapGetter{name: name, prefix: name + ".", csv: r.columns != nil}
	if s.Prefix != nil {
		mg.prefix = *s.Prefix
	}
	for _, k := range slices.Sorted(maps.Keys(s.Keys)) {
		mg.keys = append(mg.keys, keyGetter{key: k, getter: r.scalar(name+"."+k, s.Keys[k])})
	}
	if s.JSON != "" {
		mg.json = r.column(s.JSON, name, true)
	} else {
		mg.json = r.column(name, name, false)
	}
	if r.columns != nil && mg.prefix != "" {
		for i, col := range r.columns {
			if key, ok := strings.CutPrefix(col, mg.prefix); ok && key != "" && r.index[col] == i {
				mg.prefixed = append(mg.prefixed, keyGetter{key: key, getter: getter{column: col, index: i}})
			}
		}
	}
	return mg
}

// get returns the field a getter names.
func (g *getter) get(rec *source.Record) (source.Field, bool) {
	f, ok := g.field(rec)
	if ok && g.word > 0 && f.Kind != source.Null {
		words := strings.Fields(f.Text)
		f = source.Field{Name: f.Name, Kind: source.String}
		if g.word <= len(words) {
			f.Text = words[g.word-1]
		}
	}
	return f, ok
}

func (g *getter) field(rec *source.Record) (source.Field, bool) {
	switch {
	case g.konst != nil:
		return source.Field{Text: *g.konst}, true
	case g.column == "":
		return source.Field{}, false
	case g.index >= 0:
		if g.index < len(rec.Fields) {
			return rec.Fields[g.index], true
		}
		return source.Field{}, false
	default:
		return rec.Get(g.column)
	}
}

// text is a scalar's text; null and absent are "".
func (g *getter) text(rec *source.Record) string {
	if g.derive != nil {
		vals := make([]string, len(g.derive))
		for i := range g.derive {
			vals[i] = g.derive[i].text(rec)
		}
		return DeriveID(vals...)
	}
	f, ok := g.get(rec)
	if !ok || f.Kind == source.Null {
		return ""
	}
	return f.Text
}

// Map fills raw from rec. It returns issues for map columns that are not
// JSON objects; the row is then to be rejected.
func (m *Mapper) Map(rec *source.Record, raw *validate.Raw) []validate.Issue {
	raw.TS = m.ts.text(rec)
	raw.EventKey = m.eventKey.text(rec)
	raw.InsertID = m.insertID.text(rec)
	raw.MetricValue = m.metric.text(rec)
	var issues []validate.Issue
	dst := [4]*[]validate.KV{&raw.Identifiers, &raw.UserProps, &raw.EventProps, &raw.PlatformProps}
	for i := range m.maps {
		kv, issue := m.fill(&m.maps[i], rec, (*dst[i])[:0])
		*dst[i] = kv
		if issue != nil {
			issues = append(issues, *issue)
		}
	}
	return issues
}

// fill appends the entries of one map. Their strings share the record's
// memory: a JSON object is read without copying.
func (m *Mapper) fill(mg *mapGetter, rec *source.Record, kv []validate.KV) ([]validate.KV, *validate.Issue) {
	explicit := func(key string) bool {
		for _, k := range mg.keys {
			if strings.EqualFold(k.key, key) {
				return true
			}
		}
		return false
	}
	for _, k := range mg.keys {
		if f, ok := k.get(rec); ok && mg.keep(f) {
			kv = append(kv, validate.KV{Key: k.key, Value: f.Text})
		}
	}
	var issue *validate.Issue
	if f, ok := mg.json.get(rec); ok && f.Kind != source.Null && !(f.Kind == source.String && strings.TrimSpace(f.Text) == "") {
		members, err := m.objectMembers(f)
		if err != nil {
			issue = &validate.Issue{Reason: validate.MapInvalid, Field: mg.name, Value: f.Text,
				Message: fmt.Sprintf("%s: column %q is not a JSON object: %v", mg.name, mg.json.column, err)}
		}
		for _, e := range members {
			if e.Kind != source.Null && !explicit(e.Name) {
				kv = append(kv, validate.KV{Key: e.Name, Value: e.Text})
			}
		}
	}
	if mg.csv {
		for _, p := range mg.prefixed {
			if f, ok := p.get(rec); ok && mg.keep(f) && !explicit(p.key) {
				kv = append(kv, validate.KV{Key: p.key, Value: f.Text})
			}
		}
	} else if mg.prefix != "" {
		for _, f := range rec.Fields {
			if key, ok := strings.CutPrefix(f.Name, mg.prefix); ok && key != "" && mg.keep(f) && !explicit(key) {
				kv = append(kv, validate.KV{Key: key, Value: f.Text})
			}
		}
	}
	return kv, issue
}

// keep drops nulls, and empty CSV cells: CSV cannot tell empty from missing.
func (mg *mapGetter) keep(f source.Field) bool {
	return f.Kind != source.Null && !(mg.csv && f.Text == "")
}

// objectMembers reads a map column: a JSON object value, or a string cell
// holding one. The members are valid until the next call.
func (m *Mapper) objectMembers(f source.Field) ([]source.Field, error) {
	if members, ok := f.Members(); ok {
		return members, nil // parsed with the record
	}
	switch f.Kind {
	case source.Object, source.String:
		var err error
		m.members, err = source.AppendObject(m.members[:0], f.Text)
		return m.members, err
	}
	return nil, fmt.Errorf("found a JSON %s", kindName(f.Kind))
}

func kindName(k source.Kind) string {
	return [...]string{"string", "number", "boolean", "null", "object", "array"}[k]
}
