package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func fieldsString(fs []Field) string {
	return strings.TrimPrefix(strings.TrimPrefix(got{Fields: fs}.String(), "L0 R0"), " ")
}

func TestParseObject(t *testing.T) {
	deep := func(n int) string { return `{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}` }
	tests := []struct{ in, want string }{
		{`{}`, ``},
		{" \t\r\n{ } \r\n", ``},
		// numbers keep their text
		{`{"n":0.1}`, `n="0.1"/num`},
		{`{"n":1e21}`, `n="1e21"/num`},
		{`{"n":12345678901234567890}`, `n="12345678901234567890"/num`},
		{`{"n":-0}`, `n="-0"/num`},
		{`{"n":1E+2}`, `n="1E+2"/num`},
		{`{"n":-1.50e-07}`, `n="-1.50e-07"/num`},
		{`{"n":0,"m":10}`, `n="0"/num m="10"/num`},
		// literals
		{`{"t":true,"f":false,"z":null}`, `t="true"/bool f="false"/bool z=""/null`},
		// strings
		{`{"s":""}`, `s=""`},
		{`{"s":"caf\u00e9"}`, `s="café"`},
		{`{"s":"caf\u00E9"}`, `s="café"`},
		{`{"s":"\ud83d\ude00!"}`, `s="😀!"`},
		// a lone surrogate is kept in its 3-byte form, for the validator
		{`{"s":"\ud83d"}`, `s="\xed\xa0\xbd"`},
		{`{"s":"\ude00x"}`, `s="\xed\xb8\x80x"`},
		{`{"s":"\ud83d\u0041"}`, `s="\xed\xa0\xbdA"`},
		{`{"s":"\ud83d\ud83d\ude00"}`, `s="\xed\xa0\xbd😀"`},
		{`{"\udfff":"\ud800\udbff"}`, "\xed\xbf\xbf" + `="\xed\xa0\x80\xed\xaf\xbf"`},
		{`{"s":"\"\\\/\b\f\n\r\t"}`, `s="\"\\/\b\f\n\r\t"`},
		{`{"s":"\u0000"}`, `s="\x00"`},
		{`{"s":"서울"}`, `s="서울"`},
		{"{\"s\":\"\x7f\"}", `s="\x7f"`},
		// invalid UTF-8 is kept, with or without escapes, for the validator to reject
		{"{\"s\":\"\xff\"}", `s="\xff"`},
		{"{\"s\":\"\xff\\u0041\"}", `s="\xffA"`},
		// names
		{`{"k\u0041":1}`, `kA="1"/num`},
		{`{"":1}`, `="1"/num`},
		// nested values compacted, strings inside untouched
		{`{"o": { "a" : [ 1 , 2 ] , "b" : "x  y" } }`, `o="{\"a\":[1,2],\"b\":\"x  y\"}"/obj`},
		{"{\"o\":{\n\t\"a\":\r\n\"\\u00e9\"}}", `o="{\"a\":\"\\u00e9\"}"/obj`},
		{`{"a":[],"b":{},"c":[{}, [ ], [[1]]]}`, `a="[]"/arr b="{}"/obj c="[{},[],[[1]]]"/arr`},
		{`{"a":[1e21,-0.0,"x",true,null]}`, `a="[1e21,-0.0,\"x\",true,null]"/arr`},
		// duplicates kept in order
		{`{"a":1,"b":2,"a":3}`, `a="1"/num b="2"/num a="3"/num`},
		// deepest nesting accepted: the object and maxDepth-1 arrays
		{deep(maxDepth - 1), `a="` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `"/arr`},
	}
	for _, tt := range tests {
		fs, err := ParseObject(tt.in)
		if err != nil {
			t.Errorf("ParseObject(%.60q): %v", tt.in, err)
			continue
		}
		if got := fieldsString(fs); got != tt.want {
			t.Errorf("ParseObject(%.60q)\n got %.200s\nwant %.200s", tt.in, got, tt.want)
		}
		if !json.Valid([]byte(tt.in)) {
			t.Errorf("test case %.60q is not valid JSON", tt.in)
		}
	}
}

func TestParseObjectRejects(t *testing.T) {
	for _, in := range []string{
		``, ` `, `null`, `[1]`, `"x"`, `1`, `{`, `}`, `{"a"`, `{"a":`, `{"a":1`, `{"a":1,`,
		// numbers
		`{"n":01}`, `{"n":-01}`, `{"n":00}`, `{"n":1.}`, `{"n":.5}`, `{"n":+1}`, `{"n":-}`, `{"n":1e}`,
		`{"n":1e+}`, `{"n":1.e5}`, `{"n":0x1}`, `{"n":NaN}`, `{"n":Infinity}`, `{"n":-Infinity}`, `{"n":1_000}`,
		// literals
		`{"a":tru}`, `{"a":nul}`, `{"a":True}`, `{"a":nulls}`, `{"a":falsey}`,
		// structure
		`{"a":1,}`, `{,"a":1}`, `{"a" 1}`, `{"a"::1}`, `{a:1}`, `{'a':1}`, `{"a":[1,]}`, `{"a":[1 2]}`,
		`{"a":{"b"}}`, `{"a":{"b":1,}}`, `{"a":[}`, `{"a":{]}`, `{"a":[1}`, `{"a":1 "b":2}`,
		// trailing garbage
		`{"a":1} x`, `{"a":1}{}`, `{"a":1}]`, "{\"a\":1}\x00", `{} {}`,
		// strings
		"{\"a\":\"x\x01\"}", "{\"a\":\"\t\"}", "{\"a\":\"\n\"}", "{\"a\x1f\":1}", `{"a":"x`, `{"a":"\`, `{"a":"\"}`,
		`{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12g4"}`, `{"a":"\U00e9"}`, `{"a":"\'"}`, "{\"a\":[\"\x00\"]}",
		`{"a":{"\q":1}}`,
		// NUL and other bytes outside strings
		"{\"a\":\x00}", "\x00{}", "{\"a\":\xff}",
	} {
		if fs, err := ParseObject(in); err == nil {
			t.Errorf("ParseObject(%.60q) = %v, want an error", in, fs)
		} else if fs != nil {
			t.Errorf("ParseObject(%.60q) returned fields %v with its error", in, fs)
		}
		if isObject([]byte(in)) {
			t.Errorf("test case %.60q is a valid JSON object", in)
		}
	}
}

// A record nested deeper than maxDepth levels is an error saying so, in
// ParseObject and parseRecord (which parses objects of members on its own),
// not a deep recursion: 10,000 levels are as quick to refuse as 513.
func TestParseObjectDepth(t *testing.T) {
	nest := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{`{"a":` + nest("[", "]", maxDepth-1) + `}`, true},
		{`{"a":` + nest("[", "]", maxDepth) + `}`, false},
		{`{"a":{"b":` + nest("[", "]", maxDepth-2) + `}}`, true},
		{`{"a":{"b":` + nest("[", "]", maxDepth-1) + `}}`, false},
		{`{"a":` + strings.Repeat(`{"b":`, maxDepth-1) + "1" + strings.Repeat("}", maxDepth), true},
		{`{"a":` + strings.Repeat(`{"b":`, maxDepth) + "1" + strings.Repeat("}", maxDepth+1), false},
		{`{"a":` + nest("[", "]", 10000) + `}`, false},
		{`{"a":` + strings.Repeat("[", 100000), false},
	} {
		for _, parse := range []func(string) error{
			func(in string) error { _, err := ParseObject(in); return err },
			func(in string) error { _, _, err := parseRecord(in, nil, nil); return err },
		} {
			err := parse(tt.in)
			switch {
			case tt.ok && err != nil:
				t.Errorf("%.40q…: %v", tt.in, err)
			case !tt.ok && (err == nil || !strings.Contains(err.Error(), "nested deeper than 512 levels")):
				t.Errorf("%.40q…: error %v, want one about the depth", tt.in, err)
			}
		}
	}
}

// The messages name the byte where the scanner stopped; parseObject and
// parseRecord give the same ones.
func TestParseObjectErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "invalid JSON at byte 1: expected a JSON object"},
		{" ", "invalid JSON at byte 2: expected a JSON object"},
		{"[1]", "invalid JSON at byte 1: expected a JSON object"},
		{"{", "invalid JSON at byte 2: expected a member name"},
		{"{\"a\"", "invalid JSON at byte 5: expected ':' after \"a\""},
		{"{\"a\":", "invalid JSON at byte 6: unexpected end of input"},
		{"{\"a\":1", "invalid JSON at byte 7: expected ',' or '}'"},
		{"{\"a\" 1}", "invalid JSON at byte 6: expected ':' after \"a\""},
		{" { \"a\" : 1 , \"b\" x", "invalid JSON at byte 18: expected ':' after \"b\""},
		{"{\"a\":1,}", "invalid JSON at byte 8: expected a member name"},
		{"{,\"a\":1}", "invalid JSON at byte 2: expected a member name"},
		{"{\"n\":-01}", "invalid JSON at byte 8: expected ',' or '}'"},
		{"{\"n\":1.}", "invalid JSON at byte 8: bad number"},
		{"{\"n\":1e+}", "invalid JSON at byte 9: bad number"},
		{"{\"n\":-}", "invalid JSON at byte 7: bad number"},
		{"{\"a\":nul}", "invalid JSON at byte 6: expected null"},
		{"{\"a\":True}", "invalid JSON at byte 6: unexpected character 'T'"},
		{"{\"a\":1} x", "invalid JSON at byte 9: unexpected text after the object"},
		{"{\"a\":[1 2]}", "invalid JSON at byte 9: expected ',' or ']'"},
		{"{\"a\":{\"b\"}}", "invalid JSON at byte 10: expected ':'"},
		{"{\"a\":{\"b\" 1}}", "invalid JSON at byte 11: expected ':'"},
		{"{\"a\":{\"b\":1,}}", "invalid JSON at byte 13: expected a member name"},
		{"{\"a\":{]}", "invalid JSON at byte 7: expected a member name"},
		{"{\"a\":[}", "invalid JSON at byte 7: unexpected character '}'"},
		{"{\"a\":{\"b\":[1,{\"c\" 2}]}}", "invalid JSON at byte 19: expected ':'"},
		{"{\"a\":\"x\x01\"}", "invalid JSON at byte 8: control character in string"},
		{"{\"a\":\"x", "invalid JSON at byte 8: unterminated string"},
		{"{\"a\":\"0123456789abcdef", "invalid JSON at byte 23: unterminated string"},
		{"{\"a\":\"\\", "invalid JSON at byte 8: bad string escape"},
		{"{\"a\":\"\\x\"}", "invalid JSON at byte 8: bad string escape"},
		{"{\"a\":\"\\u12g4\"}", "invalid JSON at byte 8: bad string escape"},
		{"{\"a\":{\"\\q\":1}}", "invalid JSON at byte 9: bad string escape"},
		{"{\"a\":\x00}", "invalid JSON at byte 6: unexpected character '\\x00'"},
		{"{\"a\":\xff}", "invalid JSON at byte 6: unexpected character 'ÿ'"},
		{"{\"abcdefghijkl\":\"x\\\"y\\ud83d\",\"b\":\"0123456789abcdef\\u", "invalid JSON at byte 52: bad string escape"},
		{"{\"a\":{\"b\":\"0123456789\x1f\"}}", "invalid JSON at byte 22: control character in string"},
		{"{\"a\":[ \"x\" , 1 }", "invalid JSON at byte 16: expected ',' or ']'"},
		{"{\"a\":{\"b\":{\"c\":1}", "invalid JSON at byte 18: expected ',' or '}'"},
	}
	for _, tt := range tests {
		_, err := parseObject(tt.in, nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("parseObject(%q) = %v, want %q", tt.in, err, tt.want)
		}
		_, _, err = parseRecord(tt.in, nil, nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("parseRecord(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

// Reading a record whose strings have no escapes allocates nothing once the
// slices have grown.
func TestParseRecordAllocs(t *testing.T) {
	var fields, nested []Field
	allocs := testing.AllocsPerRun(100, func() {
		for _, e := range benchEvents {
			var err error
			fields, nested, err = parseRecord(e, fields[:0], nested)
			if err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run, want 0", allocs)
	}
}

// parseObject appends to the given fields, and on error leaves them as they were.
func TestParseObjectAppends(t *testing.T) {
	fs := []Field{{Name: "x", Text: "1"}}
	fs, err := parseObject(`{"a":1,"b":2`, fs)
	if err == nil || len(fs) != 1 {
		t.Fatalf("got %v, %v; want the one field and an error", fs, err)
	}
	fs, err = parseObject(`{"a":1}`, fs)
	if err != nil || fieldsString(fs) != `x="1" a="1"/num` {
		t.Fatalf("got %v, %v", fs, err)
	}
}

func TestParseObjectErrorPosition(t *testing.T) {
	_, err := ParseObject(`{"a":1,"b":01}`)
	if err == nil || !strings.Contains(err.Error(), "at byte 13") {
		t.Errorf("got %v, want the position of the extra digit, byte 13", err)
	}
}

// isObject is what encoding/json says: b is one valid JSON object.
func isObject(b []byte) bool {
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	return json.Valid(b) && len(trimmed) > 0 && trimmed[0] == '{'
}

// FuzzParseObject checks that the scanner accepts exactly the objects that
// encoding/json accepts, and that it reads them the same way.
func FuzzParseObject(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"n":0.1,"m":1e21,"b":12345678901234567890,"z":-0,"e":1E+2}`, `{"s":"caf\u00e9\ud83d\ude00"}`,
		`{"o":{ "a" : [1, 2, {"b": null}] }, "t": true, "f": false}`, `{"a":1,"a":2}`, `{"a":"\ud800"}`,
		`{"n":01}`, `{"n":1.}`, `{"n":.5}`, `{"n":+1}`, `{"a":1} x`, "{\"a\":\"\x01\"}", `{"a":"\u12"}`,
		"{\"s\":\"\xff\"}", `[1]`, ` {"a" : "b" } `, `{"a":[[[[]]]]}`, `{"a":"\"\\\/\b\f\n\r\t"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, err := parseObject(string(b), nil)
		want := isObject(b)
		if (err == nil) != want {
			t.Fatalf("parseObject(%q): err %v, but json.Valid says %v", b, err, want)
		}
		if err != nil {
			if len(fs) != 0 {
				t.Fatalf("parseObject(%q): fields %v with error %v", b, fs, err)
			}
			return
		}
		compareWithDecoder(t, b, fs)
		checkMembers(t, string(b), fs)
	})
}

// compareWithDecoder reads the object in b with encoding/json and compares
// each member with the scanner's field.
func compareWithDecoder(t *testing.T, b []byte, fs []Field) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.Token() // '{'
	for i := 0; ; i++ {
		tok, err := dec.Token()
		if d, ok := tok.(json.Delim); ok && d == '}' {
			if i != len(fs) {
				t.Fatalf("%q: %d fields, encoding/json reads %d", b, len(fs), i)
			}
			return
		}
		if err != nil || i >= len(fs) {
			t.Fatalf("%q: member %d: %v (have %d fields)", b, i, err, len(fs))
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatal(err)
		}
		f := fs[i]
		// encoding/json replaces invalid UTF-8 and lone surrogates by
		// U+FFFD; the scanner keeps the first and writes the second in
		// 3 bytes, for the validator to do it with a warning.
		utf8OK := utf8.Valid(b)
		f.Name, f.Text = mendSurrogates(f.Name), mendSurrogates(f.Text)
		if name := tok.(string); utf8OK && name != f.Name {
			t.Fatalf("%q: member %d name %q, encoding/json %q", b, i, f.Name, name)
		}
		var want string
		var kind Kind
		switch c := raw[0]; {
		case c == '"':
			kind = String
			json.Unmarshal(raw, &want)
			if !utf8OK {
				want = f.Text
			}
		case c == 'n':
			kind = Null
		case c == 't' || c == 'f':
			kind, want = Bool, string(raw)
		case c == '{' || c == '[':
			kind = Object
			if c == '[' {
				kind = Array
			}
			var buf bytes.Buffer
			json.Compact(&buf, raw)
			want = buf.String()
		default:
			kind, want = Number, string(raw)
		}
		if f.Kind != kind || f.Text != want {
			t.Fatalf("%q: member %d = %q/%s, encoding/json %q/%s", b, i, f.Text, kindNames[f.Kind], want, kindNames[kind])
		}
	}
}

// checkMembers checks that parseRecord reads the same fields as
// parseObject, and the members of each object as ParseObject of its text.
func checkMembers(t *testing.T, b string, want []Field) {
	got, _, err := parseRecord(b, nil, nil)
	if err != nil || len(got) != len(want) {
		t.Fatalf("parseRecord(%q) = %d fields, %v; parseObject read %d", b, len(got), err, len(want))
	}
	for i, f := range got {
		w := want[i]
		if f.Name != w.Name || f.Text != w.Text || f.Kind != w.Kind {
			t.Fatalf("parseRecord(%q) field %d = %+v, want %+v", b, i, f, w)
		}
		members, ok := f.Members()
		if ok != (f.Kind == Object) {
			t.Fatalf("parseRecord(%q) field %d: members %v for kind %d", b, i, ok, f.Kind)
		}
		if !ok {
			continue
		}
		wm, err := ParseObject(f.Text)
		if err != nil || fmt.Sprint(describe(members)) != fmt.Sprint(describe(wm)) {
			t.Fatalf("parseRecord(%q) members of %s = %v, ParseObject says %v (%v)", b, f.Name, describe(members), describe(wm), err)
		}
	}
}

func describe(fs []Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s=%q/%d", f.Name, f.Text, f.Kind))
	}
	return out
}

// mendSurrogates replaces the 3-byte forms of surrogates by U+FFFD.
func mendSurrogates(s string) string {
	b := []byte(s)
	for i := 0; i+3 <= len(b); i++ {
		if b[i] == 0xed && b[i+1]&0xe0 == 0xa0 && b[i+2]&0xc0 == 0x80 {
			copy(b[i:], "\ufffd")
		}
	}
	return string(b)
}
