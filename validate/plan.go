package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/xeipuuv/gojsonschema"
	yaml "go.yaml.in/yaml/v3"
)

// Unplanned says what happens to an event_key the tracking plan does not list.
type Unplanned string

// Policies for unplanned events.
const (
	UnplannedAllow  Unplanned = "allow"  // keep the row silently (the default)
	UnplannedWarn   Unplanned = "warn"   // keep the row with the warning UnplannedWarning
	UnplannedReject Unplanned = "reject" // reject the row with UnplannedEvent
)

// Plan is a compiled tracking plan (docs/report.md): a JSON Schema per
// event_key for its event_properties and user_properties. It is read-only
// after LoadPlan, so one Plan may serve many goroutines.
//
// Map values are source text; before validation each value is presented to
// the schema coerced: text that is a valid JSON number, boolean, object or
// array is passed as that JSON value, anything else as a string. A property
// the schema types only as "string" ("type": "string" or a type list holding
// "string") is always passed as a string, so a product_id "12345" stays a
// string. The text "null" is a string (null values never reach a map).
type Plan struct {
	Name      string    // the file it was read from, for messages
	Unplanned Unplanned // policy for event keys not in the plan
	events    map[string]*planEvent
}

type planEvent struct {
	eventProps, userProps *propSchema // nil: no constraint
}

type propSchema struct {
	schema  *gojsonschema.Schema
	strings map[string]bool // top-level properties typed as strings only
}

// LoadPlan reads and compiles a tracking plan, JSON or YAML (by name's
// extension .json, .yaml or .yml; otherwise JSON is tried first):
//
//	unplanned: allow   # allow | warn | reject (default allow)
//	events:
//	  purchase:
//	    event_properties: { JSON Schema (draft-07) of an object }
//	    user_properties:  { JSON Schema }
//
// An event listed without schemas is planned and unconstrained. Property
// names in "properties" and "required" must be lowercase, as map keys are
// lowercased before validation. Only local "$ref"s (starting with #) are
// allowed: validation does no I/O. Errors name the file and the event key.
func LoadPlan(data []byte, name string) (*Plan, error) {
	doc, err := decodePlan(data, name)
	if err != nil {
		return nil, fmt.Errorf("tracking plan %s: %w", name, err)
	}
	p := &Plan{Name: name, Unplanned: UnplannedAllow, events: map[string]*planEvent{}}
	for k, v := range doc {
		switch k {
		case "unplanned":
			if err := p.setUnplanned(v); err != nil {
				return nil, fmt.Errorf("tracking plan %s: %w", name, err)
			}
		case "events":
			if err := p.addEvents(v); err != nil {
				return nil, fmt.Errorf("tracking plan %s: %w", name, err)
			}
		default:
			return nil, fmt.Errorf("tracking plan %s: unknown key %q (want unplanned and events)", name, k)
		}
	}
	return p, nil
}

// Events returns the planned event keys, sorted.
func (p *Plan) Events() []string {
	keys := make([]string, 0, len(p.events))
	for k := range p.events {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func decodePlan(data []byte, name string) (map[string]any, error) {
	var v any
	var err error
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		err = yaml.Unmarshal(data, &v)
	case ".json":
		err = decodeJSON(data, &v)
	default:
		if err = decodeJSON(data, &v); err != nil {
			err = yaml.Unmarshal(data, &v)
		}
	}
	if err != nil {
		return nil, err
	}
	v, err = plainJSON(v, "")
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a mapping with unplanned and events at the top")
	}
	return m, nil
}

func decodeJSON(data []byte, v *any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("unexpected data after the JSON document")
	}
	return nil
}

// plainJSON turns YAML's decoded values into JSON ones (string-keyed maps,
// dates as text) and refuses remote $refs, which would make validation fetch files.
func plainJSON(v any, path string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if k == "$ref" {
				if s, ok := e.(string); !ok || !strings.HasPrefix(s, "#") {
					return nil, fmt.Errorf("%s$ref %v: only local references (#/…) are allowed", path, e)
				}
			}
			var err error
			if t[k], err = plainJSON(e, path+k+"."); err != nil {
				return nil, err
			}
		}
		return t, nil
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			switch k.(type) {
			case map[any]any, map[string]any, []any:
				return nil, fmt.Errorf("%skey %v is not a string", path, k)
			}
			m[fmt.Sprint(k)] = e // YAML reads `1:` as an int key; JSON keys are text
		}
		return plainJSON(m, path)
	case time.Time:
		// YAML reads an unquoted 2023-01-01 as a time; give back its text.
		if t.Location() == time.UTC && t.Equal(t.Truncate(24*time.Hour)) {
			return t.Format(time.DateOnly), nil
		}
		return t.Format(time.RFC3339Nano), nil
	case []any:
		for i, e := range t {
			var err error
			if t[i], err = plainJSON(e, fmt.Sprintf("%s%d.", path, i)); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

func (p *Plan) setUnplanned(v any) error {
	s, _ := v.(string)
	switch u := Unplanned(s); u {
	case UnplannedAllow, UnplannedWarn, UnplannedReject:
		p.Unplanned = u
		return nil
	}
	return fmt.Errorf("unplanned: %v is not allow, warn or reject", v)
}

func (p *Plan) addEvents(v any) error {
	events, ok := v.(map[string]any)
	if !ok && v != nil {
		return fmt.Errorf("events: want a mapping of event_key to schemas")
	}
	for key, spec := range events {
		ev, err := compileEvent(spec)
		if err != nil {
			return fmt.Errorf("event %q: %w", key, err)
		}
		p.events[key] = ev
	}
	return nil
}

func compileEvent(spec any) (*planEvent, error) {
	ev := &planEvent{}
	if spec == nil {
		return ev, nil
	}
	m, ok := spec.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a mapping with event_properties and/or user_properties")
	}
	for k, schema := range m {
		ps, err := compileProps(schema)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		switch k {
		case "event_properties":
			ev.eventProps = ps
		case "user_properties":
			ev.userProps = ps
		default:
			return nil, fmt.Errorf("unknown key %q (want event_properties or user_properties)", k)
		}
	}
	return ev, nil
}

func compileProps(schema any) (*propSchema, error) {
	m, ok := schema.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a JSON Schema object, got %T", schema)
	}
	ps := &propSchema{strings: map[string]bool{}}
	if err := ps.readProperties(m); err != nil {
		return nil, err
	}
	sl := gojsonschema.NewSchemaLoader()
	sl.Draft = gojsonschema.Draft7
	s, err := sl.Compile(gojsonschema.NewGoLoader(m))
	if err != nil {
		return nil, err
	}
	ps.schema = s
	return ps, nil
}

// readProperties checks that property names are lowercase and notes those typed as strings only.
func (ps *propSchema) readProperties(m map[string]any) error {
	req, _ := m["required"].([]any)
	for _, r := range req {
		if s, ok := r.(string); ok && s != normKey(s) {
			return fmt.Errorf("required property %q is not lowercase: keys are lowercased before validation, so it never matches", s)
		}
	}
	props, _ := m["properties"].(map[string]any)
	for k, v := range props {
		if k != normKey(k) {
			return fmt.Errorf("property %q is not lowercase: keys are lowercased before validation, so it never matches", k)
		}
		if def, ok := v.(map[string]any); ok && onlyString(def["type"]) {
			ps.strings[k] = true
		}
	}
	return nil
}

func normKey(k string) string { return strings.ToLower(trimSpace(k)) }

// onlyString reports whether a schema "type" admits strings and no number,
// boolean, object or array, so that coercing the text could only hurt.
func onlyString(t any) bool {
	switch v := t.(type) {
	case string:
		return v == "string"
	case []any:
		str := false
		for _, e := range v {
			switch e {
			case "string":
				str = true
			case "null":
			default:
				return false
			}
		}
		return str
	}
	return false
}

// checkPlanned applies the unplanned policy to an event key.
func (p *Plan) checkPlanned(key string, errs, warns []Issue) ([]Issue, []Issue) {
	if p == nil {
		return errs, warns
	}
	if _, ok := p.events[key]; ok {
		return errs, warns
	}
	switch p.Unplanned {
	case UnplannedWarn:
		warns = append(warns, issue(UnplannedWarning, "event_key", key,
			"event_key "+quote(key)+" is not in the tracking plan "+p.Name+"."))
	case UnplannedReject:
		errs = append(errs, issue(UnplannedEvent, "event_key", key,
			"event_key "+quote(key)+" is not in the tracking plan "+p.Name+", which rejects unplanned events."))
	}
	return errs, warns
}

// check validates one normalised map (field "event_properties" or
// "user_properties") against the plan's schema for eventKey, if any.
func (p *Plan) check(eventKey, field string, m []KV, errs []Issue) []Issue {
	if p == nil {
		return errs
	}
	ev := p.events[eventKey]
	if ev == nil {
		return errs
	}
	ps := ev.eventProps
	if field == "user_properties" {
		ps = ev.userProps
	}
	if ps == nil {
		return errs
	}
	res, err := ps.schema.Validate(gojsonschema.NewBytesLoader(ps.document(m)))
	if err != nil {
		return append(errs, issue(PlanViolation, field, "", field+" could not be checked against the tracking plan: "+err.Error()+"."))
	}
	for _, e := range res.Errors() {
		errs = append(errs, violation(eventKey, field, m, e))
	}
	return errs
}

func violation(eventKey, field string, m []KV, e gojsonschema.ResultError) Issue {
	path := e.Field()
	if prop, ok := e.Details()["property"].(string); ok && path == gojsonschema.STRING_CONTEXT_ROOT {
		path = prop // required, additionalProperties: the property in question
	}
	name := field
	if path != gojsonschema.STRING_CONTEXT_ROOT {
		name = field + "." + path
	}
	top, _, _ := strings.Cut(path, ".")
	value, _ := lookup(m, top)
	return issue(PlanViolation, name, value, name+" breaks the tracking plan for "+quote(eventKey)+": "+
		strings.TrimSuffix(e.Description(), ".")+".")
}

// document renders m as the JSON object the schema sees (see Plan).
func (ps *propSchema) document(m []KV) []byte {
	b := make([]byte, 0, 64)
	b = append(b, '{')
	for i, kv := range m {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, kv.Key)
		b = append(b, ':')
		if !ps.strings[kv.Key] && isJSONValue(kv.Value) {
			b = append(b, trimSpace(kv.Value)...)
		} else {
			b = appendJSONString(b, kv.Value)
		}
	}
	return append(b, '}')
}

// isJSONValue reports whether text is a JSON number, boolean, object or array.
func isJSONValue(text string) bool {
	t := trimSpace(text)
	if t == "" {
		return false
	}
	switch c := t[0]; {
	case c == '{', c == '[', c == '-', isDigit(c):
		return json.Valid([]byte(t))
	}
	return t == "true" || t == "false"
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // strings always marshal
	return append(b, q...)
}
