// Package option describes a backend's options as a tagged struct, so that
// the backend owns them and the command line is built from them: the CLI
// makes one flag per option, and the backend gets its own struct back,
// filled. It plays the part of restic's backend options.
//
// A backend's options struct tags each field it takes from the user:
//
//	type Options struct {
//		Region    string `option:"region" help:"S3: bucket region"`
//		PathStyle bool   `option:"path-style" help:"S3: path-style addressing"`
//	}
//
// Fields without an option tag are left alone. Supported field kinds are
// string, bool and the signed integers. Other tags:
//
//	alias:"endpoint-url"  more names for the flag, comma-separated
//	default:"hot"         the value when none is given
//	value:"url"           a string that must be an absolute URL with a scheme
//	                      (http://host:port): Check refuses "host:port"
package option

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Spec describes one option, from the tags of its field.
type Spec struct {
	Name    string   // the option tag: the flag's name, e.g. "role-arn"
	Help    string   // the help tag: one line
	Aliases []string // the alias tag, comma-separated short names
	Default string   // the default tag, as text
	Bool    bool     // a bool field: a flag without a value
	Int     bool     // an integer field
	URL     bool     // value:"url": an absolute URL, scheme included
}

// Check reports whether text is a valid value of the option, with an
// error fit to show after the flag's name. Only URL options are checked
// beyond their kind (Fill checks the kind): a URL without a scheme
// ("127.0.0.1:9000", "minio:9000") would be guessed at, so it is refused.
func (s Spec) Check(text string) error {
	if !s.URL || text == "" {
		return nil
	}
	i := strings.Index(text, "://")
	if i <= 0 || strings.ContainsAny(text[:i], "/.:@") {
		return fmt.Errorf("%q has no scheme: add http:// or https://, e.g. https://%s", text, strings.TrimLeft(text, "/"))
	}
	return nil
}

// Values are option values by name, as text ("true" for a bool). A
// backend takes the ones it declares and ignores the rest.
type Values map[string]string

// Specs lists the options of the struct v points to, in field order. A
// bad tag or field kind is a programming error and panics.
func Specs(v any) []Spec {
	t := structType(v)
	var out []Spec
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, ok := f.Tag.Lookup("option")
		if !ok {
			continue
		}
		s := Spec{Name: name, Help: f.Tag.Get("help"), Default: f.Tag.Get("default")}
		if a := f.Tag.Get("alias"); a != "" {
			s.Aliases = strings.Split(a, ",")
		}
		switch v := f.Tag.Get("value"); v {
		case "":
		case "url":
			s.URL = true
		default:
			panic(fmt.Sprintf("option %s: unknown value tag %q", name, v))
		}
		switch f.Type.Kind() {
		case reflect.String:
		case reflect.Bool:
			s.Bool = true
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			s.Int = true
		default:
			panic(fmt.Sprintf("option %s: field %s has unsupported kind %s", name, f.Name, f.Type.Kind()))
		}
		if name == "" {
			panic("option: empty option tag on field " + f.Name)
		}
		if s.URL && (s.Bool || s.Int) {
			panic("option " + name + `: value:"url" on a field that is not a string`)
		}
		out = append(out, s)
	}
	return out
}

// Fill sets the tagged fields of the struct v points to: from vals where
// it holds the option's name, else from the default tag. Names in vals
// that v does not declare are ignored (they belong to other backends). A
// value Spec.Check refuses is an error.
func Fill(v any, vals Values) error {
	rv := reflect.ValueOf(v).Elem()
	t := structType(v)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, ok := f.Tag.Lookup("option")
		if !ok {
			continue
		}
		text, given := vals[name]
		if !given {
			if text, given = f.Tag.Lookup("default"); !given {
				continue
			}
		}
		if f.Tag.Get("value") == "url" {
			if err := (Spec{URL: true}).Check(text); err != nil {
				return fmt.Errorf("option %s: %w", name, err)
			}
		}
		if err := set(rv.Field(i), text); err != nil {
			return fmt.Errorf("option %s: %w", name, err)
		}
	}
	return nil
}

func set(fv reflect.Value, text string) error {
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(text)
	case reflect.Bool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return fmt.Errorf("%q is not true or false", text)
		}
		fv.SetBool(b)
	default:
		n, err := strconv.ParseInt(text, 10, fv.Type().Bits())
		if err != nil {
			return fmt.Errorf("%q is not a whole number", text)
		}
		fv.SetInt(n)
	}
	return nil
}

func structType(v any) reflect.Type {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("option: want a pointer to a struct, got %T", v))
	}
	return t.Elem()
}

// Merge makes one list of the options of several backends, sorted by
// name: an option two backends declare (an endpoint, say) is listed once,
// with their help texts joined when they differ. Two backends declaring
// the same name with different kinds, aliases or defaults is a
// programming error and panics.
func Merge(lists ...[]Spec) []Spec {
	byName := map[string]*Spec{}
	for _, l := range lists {
		for _, s := range l {
			have, ok := byName[s.Name]
			if !ok {
				c := s
				byName[s.Name] = &c
				continue
			}
			if have.Bool != s.Bool || have.Int != s.Int || have.URL != s.URL || have.Default != s.Default || strings.Join(have.Aliases, ",") != strings.Join(s.Aliases, ",") {
				panic("option: " + s.Name + " declared twice, differently")
			}
			if s.Help != "" && !strings.Contains(have.Help, s.Help) {
				have.Help = strings.TrimPrefix(have.Help+"; "+s.Help, "; ")
			}
		}
	}
	out := make([]Spec, 0, len(byName))
	for _, s := range byName {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
