// Package mapping turns source records into rows of the import schema:
// each schema field comes from a source column or a constant, and each map
// from a JSON-object column, listed columns and flattened "map.key" columns.
package mapping

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Config is the `mapping:` section of a config file. A field left out maps
// from the column of its own name, so an export whose columns already match
// the schema needs no mapping at all.
//
//	mapping:
//	  insert_id: event_id           # or {derive: [user_id, event_name, event_time, seq]}
//	  event_key: event_name
//	  ts: event_time_kst
//	  metric_value: revenue
//	  identifiers:
//	    keys: {id: device_uuid, device_id: device_uuid, user_id: member_no}
//	  platform_properties:
//	    keys: {osname: os, appversion: app_ver, platform: {const: Mobile}}
//	  event_properties:
//	    json: properties_json
//	  user_properties:
//	    keys: {grade: grade}
type Config struct {
	TS          *Source `yaml:"ts"`
	EventKey    *Source `yaml:"event_key"`
	InsertID    *Source `yaml:"insert_id"`
	MetricValue *Source `yaml:"metric_value"`

	Identifiers        *MapSpec `yaml:"identifiers"`
	UserProperties     *MapSpec `yaml:"user_properties"`
	EventProperties    *MapSpec `yaml:"event_properties"`
	PlatformProperties *MapSpec `yaml:"platform_properties"`
}

// Source is where one value comes from: a column, a constant, or (for
// insert_id) a UUID derived from columns. In YAML a plain string is a
// column name; {const: "x"} is a constant; {derive: [a, b]} is DeriveID
// of the columns' values. {column: os, word: 2} takes the second word
// (separated by white space) of the column's text: "iOS 17.2" gives
// "17.2", and word 1 gives "iOS"; a value without that word is empty.
type Source struct {
	Column string   `yaml:"column"`
	Word   int      `yaml:"word"`
	Const  *string  `yaml:"const"`
	Derive []string `yaml:"derive"`
}

// UnmarshalYAML accepts "column" or {column: …} or {const: …} or {derive: […]}.
func (s *Source) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Value == "" {
			return fmt.Errorf("line %d: empty column name", n.Line)
		}
		s.Column = n.Value
		return nil
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Value != "column" && k.Value != "const" && k.Value != "derive" && k.Value != "word" {
				return fmt.Errorf("line %d: unknown key %q: give one of column, const or derive", k.Line, k.Value)
			}
		}
	}
	type plain Source
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*s = Source(p)
	given := 0
	for _, set := range []bool{s.Column != "", s.Const != nil, s.Derive != nil} {
		if set {
			given++
		}
	}
	if given != 1 {
		return fmt.Errorf("line %d: give one of column, const or derive", n.Line)
	}
	if s.Word < 0 || (s.Word > 0 && s.Column == "") {
		return fmt.Errorf("line %d: word needs a column and a number from 1", n.Line)
	}
	if s.Derive != nil && len(s.Derive) == 0 {
		return fmt.Errorf("line %d: derive needs at least one column", n.Line)
	}
	for _, c := range s.Derive {
		if c == "" {
			return fmt.Errorf("line %d: derive: empty column name", n.Line)
		}
	}
	return nil
}

func (s *Source) String() string {
	if s.Const != nil {
		return fmt.Sprintf("const %q", *s.Const)
	}
	if s.Derive != nil {
		return fmt.Sprintf("derived from %q", s.Derive)
	}
	if s.Word > 0 {
		return fmt.Sprintf("word %d of column %q", s.Word, s.Column)
	}
	return fmt.Sprintf("column %q", s.Column)
}

// MapSpec fills one map field. Entries come from, in this order: Keys
// (explicit columns or constants), the JSON object in column JSON, and the
// flattened columns named Prefix+key. A key given in Keys is not taken again
// from JSON or Prefix.
type MapSpec struct {
	JSON   string             `yaml:"json"`
	Prefix *string            `yaml:"prefix"`
	Keys   map[string]*Source `yaml:"keys"`
}
