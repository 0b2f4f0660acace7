package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is the deepest nesting accepted, as in encoding/json: deeper
// input is rejected instead of recursing without bound.
const maxDepth = 10000

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
	s.space()
	if s.peek() != '{' {
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
	s.space()
	if s.eat('}') {
		return fields, nil
	}
	for {
		s.space()
		if s.peek() != '"' {
			return fields, s.errorf("expected a member name")
		}
		name, err := s.str()
		if err != nil {
			return fields, err
		}
		s.space()
		if !s.eat(':') {
			if depth > 0 {
				return fields, s.errorf("expected ':'")
			}
			return fields, s.errorf("expected ':' after %q", name)
		}
		s.space()
		var f Field
		if depth == 0 && s.collect && s.peek() == '{' {
			f, err = s.nestedObject()
		} else {
			f, err = s.value(depth + 1)
		}
		if err != nil {
			return fields, err
		}
		f.Name = name
		fields = append(fields, f)
		s.space()
		if s.eat(',') {
			continue
		}
		if s.eat('}') {
			return fields, nil
		}
		return fields, s.errorf("expected ',' or '}'")
	}
}

// nestedObject reads a top-level member's object, keeping its members.
func (s *scanner) nestedObject() (Field, error) {
	start, first := s.i, len(s.nested)
	outer := s.spaced
	s.spaced = false
	members, err := s.object(s.nested, 1)
	s.nested = members
	if err != nil {
		return Field{}, err
	}
	f := Field{Text: s.b[start:s.i], Kind: Object, members: members[first:len(members):len(members)], parsed: true}
	if s.spaced {
		f.Text = compact(f.Text)
	}
	s.spaced = s.spaced || outer
	return f, nil
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
	spaced  bool    // space skipped some white space
	collect bool    // parse the members of top-level members' objects
	nested  []Field // where they go
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at byte %d: %s", s.i+1, fmt.Sprintf(format, args...))
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

// str reads a string at s.i (which is '"') and returns its value. Escapes
// are decoded; invalid UTF-8 is kept as is, escaped or not, so that the
// validator sees (and rejects) it.
func (s *scanner) str() (string, error) {
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

// skipStr moves past the string at s.i, checking its syntax, and says
// whether it holds escapes.
func (s *scanner) skipStr() (escaped bool, err error) {
	s.i++
	for s.i < len(s.b) {
		s.i = plainRun(s.b, s.i)
		if s.i == len(s.b) {
			break
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return escaped, nil
		case c == '\\':
			escaped = true
			if err := s.escape(); err != nil {
				return escaped, err
			}
		case c < 0x20:
			return escaped, s.errorf("control character in string")
		default:
			s.i++
		}
	}
	return escaped, s.errorf("unterminated string")
}

// plainRun returns the position of the first byte from i on that is a
// quote, a backslash or a control character (or len(b)). It looks at 8
// bytes at a time.
func plainRun(b string, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(b); i += 8 {
		x := uint64(b[i]) | uint64(b[i+1])<<8 | uint64(b[i+2])<<16 | uint64(b[i+3])<<24 |
			uint64(b[i+4])<<32 | uint64(b[i+5])<<40 | uint64(b[i+6])<<48 | uint64(b[i+7])<<56
		q, bs := x^(ones*'"'), x^(ones*'\\')
		// A byte of the result has its high bit set where x's byte is
		// below 0x20, '"' or '\\' (the usual "has zero byte" tricks; bytes
		// of 0x80 and above never match).
		if ((x-ones*0x20)|(q-ones)|(bs-ones))&^x&highs != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
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
// surrogate that is not part of a pair becomes U+FFFD, as in encoding/json.
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
			if r = utf16.DecodeRune(r, r2); r != utf8.RuneError {
				i += 6
			}
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// value reads any JSON value inside a container at the given depth (1 for
// the members of the top-level object).
func (s *scanner) value(depth int) (Field, error) {
	start := s.i
	switch c := s.peek(); {
	case c == '"':
		v, err := s.str()
		return Field{Text: v, Kind: String}, err
	case c == '-' || (c >= '0' && c <= '9'):
		if err := s.number(); err != nil {
			return Field{}, err
		}
		return Field{Text: s.b[start:s.i], Kind: Number}, nil
	case c == 't':
		return Field{Text: "true", Kind: Bool}, s.literal("true")
	case c == 'f':
		return Field{Text: "false", Kind: Bool}, s.literal("false")
	case c == 'n':
		return Field{Kind: Null}, s.literal("null")
	case c == '{' || c == '[':
		outer := s.spaced
		s.spaced = false
		if err := s.skipNested(depth + 1); err != nil {
			return Field{}, err
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
		return Field{Text: text, Kind: kind}, nil
	case s.i == len(s.b):
		return Field{}, s.errorf("unexpected end of input")
	default:
		return Field{}, s.errorf("unexpected character %q", c)
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
	_, err := s.value(depth)
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
		return s.errorf("nested too deeply")
	}
	open := s.b[s.i]
	closeCh := byte('}')
	if open == '[' {
		closeCh = ']'
	}
	s.i++
	s.space()
	if s.eat(closeCh) {
		return nil
	}
	for {
		s.space()
		if open == '{' {
			if s.peek() != '"' {
				return s.errorf("expected a member name")
			}
			if _, err := s.skipStr(); err != nil {
				return err
			}
			s.space()
			if !s.eat(':') {
				return s.errorf("expected ':'")
			}
			s.space()
		}
		if err := s.skipValue(depth); err != nil {
			return err
		}
		s.space()
		if s.eat(',') {
			continue
		}
		if s.eat(closeCh) {
			return nil
		}
		return s.errorf("expected ',' or '%c'", closeCh)
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
