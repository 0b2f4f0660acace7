package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is the deepest nesting of objects and arrays accepted in a
// record, the record's own object counting as level 1. A deeper record is
// rejected (record_invalid, saying so) instead of recursing without bound;
// real event exports nest a few levels at most.
const maxDepth = 512

// parseObject appends the top-level members of the JSON object in b to
// fields. It does not go through reflection and does not copy: names,
// strings without escapes, numbers (their exact text) and nested values
// (their compact JSON text) are substrings of b. Only a string with escapes,
// or a nested value holding white space, is a new string. On error no field
// is appended.
func parseObject(b string, fields []Field) ([]Field, error) {
	s := scanner{b: b}
	return s.top(fields)
}

// parseRecord is parseObject that also parses the members of the objects
// among the top-level members, appending them to nested: an Object field's
// Members are then at hand without a second parse (maps are such objects).
func parseRecord(b string, fields, nested []Field) ([]Field, []Field, error) {
	s := scanner{b: b, nested: nested[:0], collect: true}
	fields, err := s.top(fields)
	return fields, s.nested, err
}

// top appends the members of the object that is all of s.b to fields; on
// error it appends none.
func (s *scanner) top(fields []Field) ([]Field, error) {
	n := len(fields)
	if s.next() != '{' {
		return fields, s.errorf("expected a JSON object")
	}
	fields, err := s.object(fields, 0)
	if err == nil {
		err = s.end()
	}
	if err != nil {
		return fields[:n], err
	}
	return fields, nil
}

// object appends the members of the object at s.i, at depth (0 for the
// top level), to fields.
func (s *scanner) object(fields []Field, depth int) ([]Field, error) {
	s.i++ // '{'
	if s.next() == '}' {
		s.i++
		return fields, nil
	}
	for {
		if s.next() != '"' {
			return fields, s.errorf("expected a member name")
		}
		name, err := s.str()
		if err != nil {
			return fields, err
		}
		if s.next() != ':' {
			if depth > 0 {
				return fields, s.errorf("expected ':'")
			}
			return fields, s.errorf("expected ':' after %q", name)
		}
		s.i++
		// The field is filled in place: building it aside and copying it
		// in costs more than the parse of a short value.
		fields = append(fields, Field{})
		f := &fields[len(fields)-1]
		f.Name = name
		switch c := s.next(); {
		case c == '"':
			f.Text, err = s.str()
		case c == '{' && depth == 0 && s.collect:
			f.Text, f.members, err = s.nestedObject()
			f.Kind, f.parsed = Object, true
		default:
			f.Text, f.Kind, err = s.value(depth + 1)
		}
		if err != nil {
			return fields, err
		}
		switch s.next() {
		case ',':
			s.i++
		case '}':
			s.i++
			return fields, nil
		default:
			return fields, s.errorf("expected ',' or '}'")
		}
	}
}

// nestedObject reads a top-level member's object, appending its members to
// s.nested, and returns its compact text and its members.
func (s *scanner) nestedObject() (string, []Field, error) {
	start, first := s.i, len(s.nested)
	outer := s.spaced
	s.spaced = false
	members, err := s.object(s.nested, 1)
	s.nested = members
	if err != nil {
		return "", nil, err
	}
	text := s.b[start:s.i]
	if s.spaced {
		text = compact(text)
	}
	s.spaced = s.spaced || outer
	return text, members[first:len(members):len(members)], nil
}

// ParseObject parses a JSON object (a map column's cell) into fields; on
// error it returns no field. The fields' text shares text's memory.
func ParseObject(text string) ([]Field, error) {
	fields, err := AppendObject(nil, text)
	if err != nil {
		return nil, err
	}
	return fields, nil
}

// AppendObject is ParseObject appending to fields, so that a caller can
// reuse one slice; on error fields is returned as it was.
func AppendObject(fields []Field, text string) ([]Field, error) {
	return parseObject(text, fields)
}

type scanner struct {
	b       string
	i       int
	base    int     // where b starts in the input, for error messages
	spaced  bool    // space skipped some white space
	collect bool    // parse the members of top-level members' objects
	nested  []Field // where they go
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at byte %d: %s", s.base+s.i+1, fmt.Sprintf(format, args...))
}

// next skips white space and returns the byte at s.i, or 0 at the end of
// the input. Compact JSON has no white space: its first test usually
// answers.
func (s *scanner) next() byte {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return s.b[s.i]
	}
	s.space()
	return s.peek()
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
			s.spaced = true
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) eat(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) end() error {
	s.space()
	if s.i != len(s.b) {
		return s.errorf("unexpected text after the object")
	}
	return nil
}

// str reads the string at s.i (which is '"') and returns its value. Escapes
// are decoded; invalid UTF-8 is kept as is, escaped or not, so that the
// validator sees (and rejects) it. A string without escapes is a substring
// of s.b. Most strings are short and plain: str looks for their end itself,
// 8 bytes at a time, and leaves anything else (an escape, a control
// character, the last bytes of s.b) to escapedStr.
func (s *scanner) str() (string, error) {
	b, start := s.b, s.i+1
	for i := start; i+8 <= len(b); i += 8 {
		if m := strStops(load64(b[i : i+8])); m != 0 {
			end := i + bits.TrailingZeros64(m)/8
			if b[end] != '"' {
				break
			}
			s.i = end + 1
			return b[start:end], nil
		}
	}
	return s.escapedStr()
}

// escapedStr is str's general path, right for any string: it decodes
// escapes, reports bad strings and reads those that end in the last bytes
// of s.b.
func (s *scanner) escapedStr() (string, error) {
	start := s.i + 1
	escaped, err := s.skipStr()
	if err != nil {
		return "", err
	}
	if !escaped {
		return s.b[start : s.i-1], nil
	}
	return unescape(s.b[start : s.i-1]), nil
}

// skipStr moves past the string at s.i (which is '"'), checking its syntax,
// and says whether it holds escapes.
func (s *scanner) skipStr() (escaped bool, err error) {
	s.i = plainRun(s.b, s.i+1)
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return escaped, nil
		case c == '\\':
			escaped = true
			if err := s.escape(); err != nil {
				return escaped, err
			}
		default: // c < 0x20
			return escaped, s.errorf("control character in string")
		}
		s.i = plainRun(s.b, s.i)
	}
	return escaped, s.errorf("unterminated string")
}

// plainRun returns the position of the first byte from i on that is a
// quote, a backslash or a control character (or len(b)). It looks at 8
// bytes at a time.
func plainRun(b string, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if m := strStops(load64(b[i : i+8])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}

// strStops marks the bytes of x that end a plain run in a string: a quote,
// a backslash or a control character. The lowest set bit of the result is
// the high bit of the first such byte (0 if there is none); bits above it
// mean nothing.
func strStops(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q, bs := x^(ones*'"'), x^(ones*'\\')
	// The usual "has zero byte" tricks, for x < 0x20, q == 0 and bs == 0;
	// bytes of 0x80 and above never match. A borrow may mark a byte above
	// the first match, never one below it.
	return ((x - ones*0x20) | (q - ones) | (bs - ones)) &^ x & highs
}

// escape moves past the escape sequence at s.i (which is '\\').
func (s *scanner) escape() error {
	s.i++
	switch s.peek() {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.i++
		return nil
	case 'u':
		if s.i+5 <= len(s.b) && hex4(s.b[s.i+1:s.i+5]) >= 0 {
			s.i += 5
			return nil
		}
	}
	return s.errorf("bad string escape")
}

// hex4 is the value of 4 hex digits, or -1.
func hex4(b string) rune {
	var r rune
	for i := range 4 {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// unescape decodes the content of a string already checked by skipStr. A
// surrogate that is not part of a pair (\ud800 alone) is written in its
// 3-byte form (WTF-8: ED A0..BF 80..BF), which is not valid UTF-8: the
// validator tells it from other invalid UTF-8, replaces it by U+FFFD and
// warns (lone_surrogate), instead of it silently becoming U+FFFD here.
func unescape(b string) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] != '\\' {
			out = append(out, b[i])
			i++
			continue
		}
		e := b[i+1]
		if e != 'u' {
			out = append(out, unescaped[e])
			i += 2
			continue
		}
		r := hex4(b[i+2:])
		i += 6
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
				r2 = hex4(b[i+2:])
			}
			if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
				r = pair
				i += 6
			} else {
				out = append(out, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
				continue
			}
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// value reads any JSON value inside a container at the given depth (1 for
// the members of the top-level object) and returns its text and kind.
func (s *scanner) value(depth int) (string, Kind, error) {
	start := s.i
	switch c := s.peek(); {
	case c == '"':
		v, err := s.str()
		return v, String, err
	case c == '-' || (c >= '0' && c <= '9'):
		err := s.number()
		return s.b[start:s.i], Number, err
	case c == 't':
		return "true", Bool, s.literal("true")
	case c == 'f':
		return "false", Bool, s.literal("false")
	case c == 'n':
		return "", Null, s.literal("null")
	case c == '{' || c == '[':
		outer := s.spaced
		s.spaced = false
		if err := s.skipNested(depth + 1); err != nil {
			return "", 0, err
		}
		kind := Object
		if c == '[' {
			kind = Array
		}
		text := s.b[start:s.i]
		if s.spaced {
			text = compact(text)
		}
		s.spaced = s.spaced || outer
		return text, kind, nil
	case s.i == len(s.b):
		return "", 0, s.errorf("unexpected end of input")
	default:
		return "", 0, s.errorf("unexpected character %q", c)
	}
}

// skipValue moves past any JSON value inside a container at depth.
func (s *scanner) skipValue(depth int) error {
	switch s.peek() {
	case '{', '[':
		return s.skipNested(depth + 1)
	case '"':
		_, err := s.skipStr()
		return err
	}
	_, _, err := s.value(depth)
	return err
}

func (s *scanner) literal(word string) error {
	if !strings.HasPrefix(s.b[s.i:], word) {
		return s.errorf("expected %s", word)
	}
	s.i += len(word)
	return nil
}

// number checks JSON number syntax.
func (s *scanner) number() error {
	s.eat('-')
	if s.eat('0') {
		// no leading zeros
	} else if !s.digits() {
		return s.errorf("bad number")
	}
	if s.eat('.') && !s.digits() {
		return s.errorf("bad number")
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !s.digits() {
			return s.errorf("bad number")
		}
	}
	return nil
}

func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// skipNested moves past the object or array at s.i, which is at depth,
// checking its syntax.
func (s *scanner) skipNested(depth int) error {
	if depth > maxDepth {
		return s.errorf("objects and arrays nested deeper than %d levels", maxDepth)
	}
	open := s.b[s.i]
	closeCh := byte('}')
	if open == '[' {
		closeCh = ']'
	}
	s.i++
	if s.next() == closeCh {
		s.i++
		return nil
	}
	for {
		if open == '{' {
			if s.next() != '"' {
				return s.errorf("expected a member name")
			}
			if _, err := s.skipStr(); err != nil {
				return err
			}
			if s.next() != ':' {
				return s.errorf("expected ':'")
			}
			s.i++
		}
		s.next()
		if err := s.skipValue(depth); err != nil {
			return err
		}
		switch s.next() {
		case ',':
			s.i++
		case closeCh:
			s.i++
			return nil
		default:
			return s.errorf("expected ',' or '%c'", closeCh)
		}
	}
}

// compact removes insignificant white space from valid JSON.
func compact(b string) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(b)); err != nil {
		return b
	}
	return buf.String()
}
