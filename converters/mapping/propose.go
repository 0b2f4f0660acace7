package mapping

import (
	"fmt"
	"sort"
	"strings"
)

// Proposal is a mapping guessed from a sample's column names.
type Proposal struct {
	Scalars   map[string]string            // schema field → column
	Maps      map[string]map[string]string // map field → key → column
	JSONMaps  map[string]string            // map field → JSON-object column
	Unmatched []string                     // columns nothing was guessed for
}

// candidates lists, per schema field, column names that usually hold it,
// most likely first. Names are compared lowercase with '-' and ' ' as '_'.
var candidates = []struct {
	field string // a scalar, or "map.key"
	names []string
}{
	{"insert_id", []string{"insert_id", "event_id", "event_uuid", "uuid", "message_id", "id_event", "log_id"}},
	{"event_key", []string{"event_key", "event_name", "event", "event_type", "name", "action"}},
	{"ts", []string{"ts", "timestamp", "event_time", "event_timestamp", "event_time_utc", "event_time_kst", "client_time", "created_at", "time", "datetime"}},
	{"metric_value", []string{"metric_value", "revenue", "value", "amount", "price", "metric"}},
	{"identifiers.id", []string{"identifiers.id", "hackle_id", "app_user_key", "anonymous_id", "device_key", "user_pseudo_id"}},
	{"identifiers.device_id", []string{"identifiers.device_id", "device_id", "device_uuid", "deviceid", "adid", "idfv"}},
	{"identifiers.user_id", []string{"identifiers.user_id", "user_id", "member_no", "member_id", "customer_id", "login_id", "userid"}},
	{"identifiers.session_id", []string{"identifiers.session_id", "session_id"}},
	{"platform_properties.osname", []string{"platform_properties.osname", "osname", "os", "os_name", "platform_os"}},
	{"platform_properties.appversion", []string{"platform_properties.appversion", "appversion", "app_version", "app_ver", "version"}},
	{"platform_properties.osversion", []string{"platform_properties.osversion", "osversion", "os_version"}},
	{"platform_properties.devicemodel", []string{"platform_properties.devicemodel", "devicemodel", "device_model", "model"}},
	{"platform_properties.devicevendor", []string{"platform_properties.devicevendor", "devicevendor", "device_vendor", "manufacturer", "brand"}},
	{"platform_properties.language", []string{"platform_properties.language", "language", "locale", "lang"}},
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

// Propose guesses a mapping for columns; jsonColumns are those whose sample
// values are JSON objects.
func Propose(columns []string, jsonColumns map[string]bool) *Proposal {
	p := &Proposal{Scalars: map[string]string{}, Maps: map[string]map[string]string{}, JSONMaps: map[string]string{}}
	norm := map[string]string{}
	for _, c := range columns {
		n := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(c)))
		if _, dup := norm[n]; !dup {
			norm[n] = c
		}
	}
	used := map[string]bool{}
	for _, cand := range candidates {
		for _, name := range cand.names {
			col, ok := norm[name]
			if !ok || used[col] || jsonColumns[col] {
				continue
			}
			used[col] = true
			if m, key, isMap := strings.Cut(cand.field, "."); isMap {
				if p.Maps[m] == nil {
					p.Maps[m] = map[string]string{}
				}
				p.Maps[m][key] = col
			} else {
				p.Scalars[cand.field] = col
			}
			break
		}
	}
	for _, c := range columns {
		if !jsonColumns[c] || used[c] {
			continue
		}
		lc := strings.ToLower(c)
		for _, h := range jsonHints {
			if _, taken := p.JSONMaps[h.field]; !taken && (lc == h.field || strings.Contains(lc, h.word)) {
				p.JSONMaps[h.field] = c
				used[c] = true
				break
			}
		}
	}
	for _, c := range columns {
		if !used[c] {
			p.Unmatched = append(p.Unmatched, c)
		}
	}
	return p
}

// YAML renders the proposal as a config file a person finishes by hand.
func (p *Proposal) YAML(source string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Proposed by `hackle-agent init --sample %s`: check every line.\n", source)
	b.WriteString("# Fields not found are marked TODO; unmatched columns are listed at the end.\n")
	b.WriteString("# source-timezone: Asia/Seoul     # when timestamps carry no offset\n")
	b.WriteString("mapping:\n")
	for _, f := range []string{"insert_id", "event_key", "ts", "metric_value"} {
		if col, ok := p.Scalars[f]; ok {
			fmt.Fprintf(&b, "  %s: %s\n", f, quoteYAML(col))
		} else if f == "metric_value" {
			b.WriteString("  # metric_value: COLUMN          # none found: every event gets 0\n")
		} else {
			fmt.Fprintf(&b, "  %s: TODO                      # required: no column found\n", f)
		}
	}
	for _, m := range mapNames {
		keys, js := p.Maps[m], p.JSONMaps[m]
		if len(keys) == 0 && js == "" {
			if m == "identifiers" || m == "platform_properties" {
				fmt.Fprintf(&b, "  %s:                        # TODO: required keys not found\n    keys: {}\n", m)
			}
			continue
		}
		fmt.Fprintf(&b, "  %s:\n", m)
		if js != "" {
			fmt.Fprintf(&b, "    json: %s\n", quoteYAML(js))
		}
		if len(keys) > 0 {
			b.WriteString("    keys:\n")
			names := make([]string, 0, len(keys))
			for k := range keys {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				fmt.Fprintf(&b, "      %s: %s\n", k, quoteYAML(keys[k]))
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
