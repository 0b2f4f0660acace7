package mapping

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hackle/hackle-agent/validate"
)

// Column is one column of a sample: its name, whether its values are JSON
// objects, and its non-empty sampled values as text.
type Column struct {
	Name   string
	JSON   bool
	Values []string
}

// Proposal is a mapping guessed from a sample's column names and values.
type Proposal struct {
	Scalars  map[string]string            // schema field → column
	Maps     map[string]map[string]string // map field → key → column
	JSONMaps map[string]string            // map field → JSON-object column
	Prefixes map[string]string            // map field → column prefix ("props_")
	// Words are the word of the column's text a field takes ({column: os,
	// word: 1}) when a column holds "iOS 17.2".
	Words map[string]int
	// Notes are comments for a mapped field ("identifiers.device_id").
	Notes map[string]string
	// SourceTimezone is the zone of naive timestamps, when the ts column's
	// name says it (event_time_kst); TimezoneTODO says why it is unknown.
	SourceTimezone, TimezoneTODO string
	// PartitionTimezone is suggested (commented out) with SourceTimezone.
	PartitionTimezone string
	// Format and Delimiter are the reader's settings given to init, repeated
	// in the config so that export reads the input the same way.
	Format, Delimiter string
	TSFormat          string // a --ts-format the values need, "" for auto
	// Derive lists the columns of a derived insert_id ({derive: […]}) when
	// no column holds one.
	Derive    []string
	Unmatched []string // columns nothing was guessed for
}

// candidates lists, per schema field, column names that usually hold it,
// most likely first. Names are compared lowercase with '-', '.' and ' ' as '_'.
var candidates = []struct {
	field string // a scalar, or "map.key"
	names []string
}{
	{"insert_id", []string{"insert_id", "event_id", "event_uuid", "uuid", "message_id", "id_event", "log_id"}},
	{"event_key", []string{"event_key", "event_name", "event", "event_type", "name", "action"}},
	{"ts", []string{"ts", "timestamp", "event_time", "event_timestamp", "event_time_utc", "event_time_kst", "event_time_jst", "client_time", "created_at", "time", "datetime", "event_ts", "occurred_at"}},
	{"metric_value", []string{"metric_value", "revenue", "value", "amount", "price", "metric", "event_value_in_usd"}},
	{"identifiers.id", []string{"identifiers.id", "hackle_id", "app_user_key", "anonymous_id", "device_key", "user_pseudo_id"}},
	{"identifiers.device_id", []string{"identifiers.device_id", "device_id", "device_uuid", "deviceid", "adid", "idfv", "device_advertising_id", "device_vendor_id"}},
	{"identifiers.user_id", []string{"identifiers.user_id", "user_id", "member_no", "member_id", "customer_id", "login_id", "userid", "uid", "user", "account_id"}},
	{"identifiers.session_id", []string{"identifiers.session_id", "session_id"}},
	{"platform_properties.osversion", []string{"platform_properties.osversion", "osversion", "os_version", "os_ver", "device_operating_system_version"}},
	{"platform_properties.osname", []string{"platform_properties.osname", "osname", "os", "os_name", "platform_os", "device_operating_system", "platform", "device_os"}},
	{"platform_properties.appversion", []string{"platform_properties.appversion", "appversion", "app_version", "app_ver", "version", "ver", "app_info_version"}},
	{"platform_properties.devicemodel", []string{"platform_properties.devicemodel", "devicemodel", "device_model", "model", "device_mobile_model_name"}},
	{"platform_properties.devicevendor", []string{"platform_properties.devicevendor", "devicevendor", "device_vendor", "manufacturer", "brand", "device_mobile_brand_name"}},
	{"platform_properties.language", []string{"platform_properties.language", "language", "locale", "lang", "device_language"}},
}

// jsonHints name the map a JSON-object column probably feeds.
var jsonHints = []struct{ field, word string }{
	{"identifiers", "identifier"},
	{"user_properties", "user"},
	{"platform_properties", "platform"},
	{"event_properties", "propert"},
	{"event_properties", "param"},
	{"event_properties", "attribute"},
}

// prefixHints name the map a family of flattened columns feeds, by the
// first words of their names (user_properties_ before props_).
var prefixHints = []struct{ field, prefix string }{
	{"user_properties", "user_properties_"},
	{"user_properties", "user_props_"},
	{"user_properties", "user_prop_"},
	{"user_properties", "up_"},
	{"event_properties", "event_params_"},
	{"event_properties", "event_properties_"},
	{"event_properties", "properties_"},
	{"event_properties", "props_"},
	{"event_properties", "prop_"},
	{"event_properties", "params_"},
	{"event_properties", "param_"},
	{"event_properties", "attr_"},
	{"event_properties", "ep_"},
}

// zoneSuffixes map words of a ts column's name to the zone of its naive values.
var zoneSuffixes = []struct{ word, zone string }{
	{"kst", "Asia/Seoul"}, {"jst", "Asia/Tokyo"}, {"utc", "UTC"}, {"gmt", "UTC"},
	{"pst", "America/Los_Angeles"}, {"est", "America/New_York"}, {"sgt", "Asia/Singapore"},
	// Not cst or ist: each names zones on different continents.
}

// userWords are unmatched columns that describe the user rather than the
// event: they go to user_properties.
var userWords = []string{"grade", "tier", "level", "membership", "gender", "age", "country", "city", "segment", "plan"}

// Propose guesses a mapping from column names alone; jsonColumns are those
// whose sample values are JSON objects.
func Propose(columns []string, jsonColumns map[string]bool) *Proposal {
	cols := make([]Column, len(columns))
	for i, c := range columns {
		cols[i] = Column{Name: c, JSON: jsonColumns[c]}
	}
	return ProposeColumns(cols)
}

func normName(c string) string {
	return strings.NewReplacer("-", "_", " ", "_", ".", "_").Replace(strings.ToLower(strings.TrimSpace(c)))
}

// ProposeColumns guesses a mapping by name (case-insensitively) and by
// content: a column of unique UUIDs is the insert_id; a ts column's values
// decide whether a source-timezone is needed and its name (_kst, _jst,
// _utc) which; version-like values are the appversion; os values are the
// osname; JSON-object columns and prefix_* families fill maps. Columns with
// no values known are matched by name only.
func ProposeColumns(cols []Column) *Proposal {
	p := &Proposal{Scalars: map[string]string{}, Maps: map[string]map[string]string{}, JSONMaps: map[string]string{},
		Prefixes: map[string]string{}, Notes: map[string]string{}, Words: map[string]int{}}
	byNorm := map[string]*Column{}
	for i := range cols {
		if n := normName(cols[i].Name); byNorm[n] == nil {
			byNorm[n] = &cols[i]
		}
	}
	used := map[string]bool{}
	set := func(field string, c *Column) {
		used[c.Name] = true
		if m, key, isMap := strings.Cut(field, "."); isMap {
			if p.Maps[m] == nil {
				p.Maps[m] = map[string]string{}
			}
			p.Maps[m][key] = c.Name
		} else {
			p.Scalars[field] = c.Name
		}
	}
	has := func(field string) bool {
		if m, key, isMap := strings.Cut(field, "."); isMap {
			_, ok := p.Maps[m][key]
			return ok
		}
		_, ok := p.Scalars[field]
		return ok
	}
	// An "id" column of unique UUIDs identifies the event, not the user.
	if c := byNorm["id"]; c != nil && !c.JSON && allUnique(c.Values) && all(c.Values, isUUID) {
		set("insert_id", c)
	}
	for _, cand := range candidates {
		if has(cand.field) {
			continue
		}
		for _, name := range cand.names {
			c := byNorm[name]
			if c == nil || used[c.Name] || c.JSON || !fits(cand.field, c) {
				continue
			}
			set(cand.field, c)
			break
		}
	}
	// By content alone, for what the names did not find.
	unmatched := func() []*Column {
		var out []*Column
		for i := range cols {
			if !used[cols[i].Name] && !cols[i].JSON && len(cols[i].Values) > 0 {
				out = append(out, &cols[i])
			}
		}
		return out
	}
	if !has("insert_id") {
		var uuids []*Column
		for _, c := range unmatched() {
			if allUnique(c.Values) && all(c.Values, isUUID) {
				uuids = append(uuids, c)
			}
		}
		if len(uuids) == 1 {
			set("insert_id", uuids[0])
		}
	}
	if !has("ts") {
		for _, c := range unmatched() {
			if most(c.Values, isTimestamp) {
				set("ts", c)
				break
			}
		}
	}
	if !has("platform_properties.appversion") {
		for _, c := range unmatched() {
			if strings.Contains(normName(c.Name), "ver") && !strings.Contains(normName(c.Name), "os") && most(c.Values, isVersion) {
				set("platform_properties.appversion", c)
				break
			}
		}
	}
	if !has("platform_properties.osname") {
		for _, c := range unmatched() {
			if most(c.Values, isOSName) {
				set("platform_properties.osname", c)
				break
			}
		}
	}
	// "iOS 17.2": osname is the first word, osversion the second.
	if pp := p.Maps["platform_properties"]; pp != nil {
		if c := column(cols, pp["osname"]); c != nil && !most(c.Values, isOSName) && most(c.Values, isOSWithVersion) {
			p.Words["platform_properties.osname"] = 1
			if _, ok := pp["osversion"]; !ok {
				pp["osversion"] = c.Name
				p.Words["platform_properties.osversion"] = 2
			}
		}
		if c := column(cols, pp["osversion"]); c != nil && most(c.Values, isOSWithVersion) {
			p.Words["platform_properties.osversion"] = 2
		}
	}
	// Identifiers: Hackle needs both id and device_id. One missing is
	// filled from the other, or from the user column.
	ids := p.Maps["identifiers"]
	found := maps.Clone(ids)
	stand := func(key string, from ...string) {
		if _, ok := ids[key]; ok {
			return
		}
		for _, f := range from {
			if col := found[f]; col != "" {
				ids[key] = col
				p.Notes["identifiers."+key] = fmt.Sprintf("no %s column found: %s's column stands in (check)", key, f)
				return
			}
		}
	}
	if ids != nil {
		stand("id", "device_id", "user_id")
		stand("device_id", "id", "user_id")
	}
	p.timezone(byNorm, cols)
	// JSON-object columns.
	for i := range cols {
		c := &cols[i]
		if !c.JSON || used[c.Name] {
			continue
		}
		lc := strings.ToLower(c.Name)
		for _, h := range jsonHints {
			if _, taken := p.JSONMaps[h.field]; !taken && (lc == h.field || strings.Contains(lc, h.word)) {
				p.JSONMaps[h.field] = c.Name
				used[c.Name] = true
				break
			}
		}
		if !used[c.Name] {
			if _, taken := p.JSONMaps["event_properties"]; !taken {
				p.JSONMaps["event_properties"] = c.Name
				used[c.Name] = true
			}
		}
	}
	// Columns that describe the user.
	for i := range cols {
		c := &cols[i]
		if used[c.Name] || c.JSON || !slices.Contains(userWords, normName(c.Name)) {
			continue
		}
		if p.Maps["user_properties"] == nil {
			p.Maps["user_properties"] = map[string]string{}
		}
		p.Maps["user_properties"][normName(c.Name)] = c.Name
		used[c.Name] = true
	}
	// No event id: derive one from the event's identity.
	if !has("insert_id") {
		who := ids["id"] // always set when user_id is

		if who != "" && p.Scalars["event_key"] != "" && p.Scalars["ts"] != "" {
			p.Derive = []string{who, p.Scalars["event_key"], p.Scalars["ts"]}
			for i := range cols {
				n := normName(cols[i].Name)
				if !used[cols[i].Name] && (strings.Contains(n, "seq") || strings.Contains(n, "row_num") || n == "offset") {
					p.Derive = append(p.Derive, cols[i].Name)
					used[cols[i].Name] = true
				}
			}
		}
	}
	// prefix_* families.
	for i := range cols {
		c := &cols[i]
		if used[c.Name] {
			continue
		}
		n := normName(c.Name)
		for _, h := range prefixHints {
			if strings.HasPrefix(n, h.prefix) && len(n) > len(h.prefix) {
				pre := c.Name[:len(h.prefix)]
				if old, ok := p.Prefixes[h.field]; ok && old != pre {
					continue
				}
				p.Prefixes[h.field] = pre
				used[c.Name] = true
				break
			}
		}
	}
	for i := range cols {
		if !used[cols[i].Name] {
			p.Unmatched = append(p.Unmatched, cols[i].Name)
		}
	}
	return p
}

// timezone sets SourceTimezone or TimezoneTODO and TSFormat from the ts column.
func (p *Proposal) timezone(byNorm map[string]*Column, cols []Column) {
	col := p.Scalars["ts"]
	if col == "" {
		return
	}
	var c *Column
	for i := range cols {
		if cols[i].Name == col {
			c = &cols[i]
		}
	}
	zone := ""
	words := strings.Split(normName(col), "_")
	for _, w := range words {
		for _, z := range zoneSuffixes {
			if w == z.word && len(words) > 1 {
				zone = z.zone
			}
		}
		if w == "local" {
			zone = "local"
		}
	}
	if len(c.Values) == 0 {
		if zone != "" && zone != "local" {
			p.SourceTimezone = zone
		}
		return
	}
	if !all(c.Values, isTimestamp) {
		for _, layout := range []string{"2006/01/02 15:04:05", "2006/01/02 15:04", "01/02/2006 15:04:05", "02.01.2006 15:04:05", "2006-01-02 15:04", "20060102150405"} {
			if all(c.Values, func(s string) bool { _, err := time.Parse(layout, s); return err == nil }) {
				p.TSFormat = layout
				break
			}
		}
	}
	naive := false
	for _, v := range c.Values {
		if isNaive(v, p.TSFormat) {
			naive = true
			break
		}
	}
	switch {
	case !naive:
	case zone == "local":
		p.TimezoneTODO = fmt.Sprintf("%s holds local times without an offset: set the zone they were written in", col)
	case zone != "":
		p.SourceTimezone = zone
		p.PartitionTimezone = zone
	default:
		p.TimezoneTODO = fmt.Sprintf("%s holds times without an offset: they are read in UTC unless you set their zone", col)
	}
}

var versionRE = regexp.MustCompile(`^v?\d+(\.\d+){1,3}([-+][0-9A-Za-z.\-]+)?$`)

func isVersion(s string) bool { return versionRE.MatchString(s) }

func isUUID(s string) bool {
	_, ok := validate.ParseUUID(s)
	return ok && len(strings.TrimSpace(s)) >= 32
}

var osVersionRE = regexp.MustCompile(`(?i)^(android|ios)\s+\S+$`)

// isOSWithVersion: "iOS 17.2", "Android 14".
func isOSWithVersion(s string) bool { return osVersionRE.MatchString(s) }

func column(cols []Column, name string) *Column {
	for i := range cols {
		if name != "" && cols[i].Name == name {
			return &cols[i]
		}
	}
	return nil
}

func isOSName(s string) bool {
	l := strings.ToLower(s)
	return l == "android" || l == "ios"
}

// isTimestamp: s reads as a time between 2000 and 2100 in auto mode.
func isTimestamp(s string) bool {
	ms, err := validate.ParseTimestamp(s, validate.TimeFormat{})
	return err == nil && ms >= 946684800000 && ms < 4102444800000
}

// isNaive: s has no offset (its instant depends on the zone it is read in).
func isNaive(s, layout string) bool {
	a, errA := validate.ParseTimestamp(s, validate.TimeFormat{Layout: layout})
	b, errB := validate.ParseTimestamp(s, validate.TimeFormat{Layout: layout, Location: time.FixedZone("", 3600)})
	return errA == nil && errB == nil && a != b
}

// fits checks a name match against the values, when known.
func fits(field string, c *Column) bool {
	if len(c.Values) == 0 {
		return true
	}
	switch field {
	case "platform_properties.osname":
		return most(c.Values, isOSName) || most(c.Values, isOSWithVersion)
	case "platform_properties.appversion":
		return !most(c.Values, isOSName)
	case "metric_value":
		return most(c.Values, isNumber)
	}
	return true
}

var numberRE = regexp.MustCompile(`^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$`)

func isNumber(s string) bool { return numberRE.MatchString(s) }

func all(vals []string, f func(string) bool) bool {
	for _, v := range vals {
		if !f(v) {
			return false
		}
	}
	return len(vals) > 0
}

// most: at least 80% of vals (a sample may hold a few bad rows).
func most(vals []string, f func(string) bool) bool {
	n := 0
	for _, v := range vals {
		if f(v) {
			n++
		}
	}
	return len(vals) > 0 && n*5 >= len(vals)*4
}

func allUnique(vals []string) bool {
	seen := make(map[string]bool, len(vals))
	for _, v := range vals {
		if seen[v] {
			return false
		}
		seen[v] = true
	}
	return len(vals) > 0
}

// required says what each required field is for, as the proposal marks it.
var required = map[string]string{
	"insert_id":                      "a UUID per event, for Hackle's dedup; or derive one: {derive: [user, event, ts, …]}",
	"event_key":                      "the event's name",
	"ts":                             "when the event happened",
	"identifiers.id":                 "Hackle's identifier of the user or device",
	"identifiers.device_id":          "the device's identifier",
	"platform_properties.osname":     "Android or iOS; rows without it are rejected as osname_invalid",
	"platform_properties.appversion": "the app's version; rows without it are rejected as appversion_missing",
}

func todo(field string) string {
	return fmt.Sprintf("TODO (required: %s)", required[field])
}

// YAML renders the proposal as a config file to check: every field it
// could not find that Hackle requires is a TODO comment saying what the
// field is for.
func (p *Proposal) YAML(source string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Proposed by `hackle-agent init --sample %s`: check every line.\n", source)
	b.WriteString("# Required fields not found are marked TODO (required: …); unmatched columns are listed at the end.\n")
	switch {
	case p.SourceTimezone != "":
		fmt.Fprintf(&b, "source-timezone: %s     # %s holds times without an offset\n", p.SourceTimezone, p.Scalars["ts"])
	case p.TimezoneTODO != "":
		fmt.Fprintf(&b, "# source-timezone: UTC     # TODO: %s\n", p.TimezoneTODO)
	}
	if p.PartitionTimezone != "" && p.PartitionTimezone != "UTC" {
		fmt.Fprintf(&b, "# partition-timezone: %s     # for days that start at midnight there (default: UTC days)\n", p.PartitionTimezone)
	}
	if p.Format != "" {
		fmt.Fprintf(&b, "format: %s\n", p.Format)
	}
	if p.Delimiter != "" {
		fmt.Fprintf(&b, "delimiter: %q\n", p.Delimiter)
	}
	if p.TSFormat != "" {
		fmt.Fprintf(&b, "ts-format: %q\n", p.TSFormat)
	}
	b.WriteString("mapping:\n")
	for _, f := range []string{"insert_id", "event_key", "ts", "metric_value"} {
		if f == "insert_id" && len(p.Derive) > 0 {
			quoted := make([]string, len(p.Derive))
			for i, c := range p.Derive {
				quoted[i] = quoteYAML(c)
			}
			fmt.Fprintf(&b, "  insert_id: {derive: [%s]}     # no event id found: a UUIDv5 of these; check they tell two events apart (docs/schema.md)\n", strings.Join(quoted, ", "))
			continue
		}
		if col, ok := p.Scalars[f]; ok {
			fmt.Fprintf(&b, "  %s: %s\n", f, quoteYAML(col))
		} else if f == "metric_value" {
			b.WriteString("  # metric_value: COLUMN          # none found: every event gets 0\n")
		} else {
			fmt.Fprintf(&b, "  # %s: COLUMN          # %s\n", f, todo(f))
		}
	}
	for _, m := range mapNames {
		keys, js, pre := p.Maps[m], p.JSONMaps[m], p.Prefixes[m]
		var missing []string
		for _, k := range []string{"id", "device_id", "osname", "appversion"} {
			if _, req := required[m+"."+k]; req && keys[k] == "" {
				missing = append(missing, k)
			}
		}
		if len(keys) == 0 && js == "" && pre == "" && len(missing) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s:\n", m)
		if js != "" {
			fmt.Fprintf(&b, "    json: %s\n", quoteYAML(js))
		}
		if pre != "" {
			fmt.Fprintf(&b, "    prefix: %s\n", quoteYAML(pre))
		}
		if len(keys) > 0 || len(missing) > 0 {
			b.WriteString("    keys:\n")
			names := make([]string, 0, len(keys))
			for k := range keys {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if w := p.Words[m+"."+k]; w > 0 {
					fmt.Fprintf(&b, "      %s: {column: %s, word: %d}", k, quoteYAML(keys[k]), w)
				} else {
					fmt.Fprintf(&b, "      %s: %s", k, quoteYAML(keys[k]))
				}
				if n := p.Notes[m+"."+k]; n != "" {
					fmt.Fprintf(&b, "     # %s", n)
				}
				b.WriteString("\n")
			}
			for _, k := range missing {
				fmt.Fprintf(&b, "      # %s: COLUMN     # %s\n", k, todo(m+"."+k))
			}
		}
	}
	if len(p.Unmatched) > 0 {
		b.WriteString("# Unmatched columns (map them into user_properties or event_properties keys, or leave them out):\n")
		for _, c := range p.Unmatched {
			fmt.Fprintf(&b, "#   %s\n", c)
		}
	}
	return b.String()
}

// quoteYAML quotes a column name when YAML would misread it.
func quoteYAML(s string) string {
	if s == "" || strings.ContainsAny(s, ":#{}[],&*!|>'\"%@` ") || strings.ToLower(s) == "null" || strings.ToLower(s) == "true" || strings.ToLower(s) == "false" {
		return fmt.Sprintf("%q", s)
	}
	return s
}
