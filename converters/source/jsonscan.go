package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is the deepest nesting accepted, as in encoding/json: deeper
// input is rejected instead of recursing without bound.
const maxDepth = 10000

// parseObject appends the top-level members of the JSON object in b to
// fields. It does not go through reflection: strings without escapes are
// sliced straight out, numbers keep their exact text, and nested values are
// kept as compact JSON text. On error no field is appended.
func parseObject(b []byte, fields []Field) ([]Field, error) {
	n := len(fields)
	fields, err := parseMembers(b, fields)
	if err != nil {
		return fields[:n], err
	}
	return fields, nil
}

func parseMembers(b []byte, fields []Field) ([]Field, error) {
	s := scanner{b: b}
	s.space()
	if !s.eat('{') {
		return fields, s.errorf("expected a JSON object")
	}
	s.space()
	if s.eat('}') {
		return fields, s.end()
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
			return fields, s.errorf("expected ':' after %q", name)
		}
		s.space()
		f, err := s.value(1)
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
			return fields, s.end()
		}
		return fields, s.errorf("expected ',' or '}'")
	}
}

// ParseObject parses a JSON object (a map column's cell) into fields; on
// error it returns no field.
func ParseObject(text string) ([]Field, error) {
	fields, err := parseObject([]byte(text), nil)
	if err != nil {
		return nil, err
	}
	return fields, nil
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at byte %d: %s", s.i+1, fmt.Sprintf(format, args...))
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
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
		return string(s.b[start : s.i-1]), nil
	}
	return unescape(s.b[start : s.i-1]), nil
}

// skipStr moves past the string at s.i, checking its syntax, and says
// whether it holds escapes.
func (s *scanner) skipStr() (escaped bool, err error) {
	s.i++
	for s.i < len(s.b) {
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
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
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
func unescape(b []byte) string {
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
		return Field{Text: string(s.b[start:s.i]), Kind: Number}, nil
	case c == 't':
		return Field{Text: "true", Kind: Bool}, s.literal("true")
	case c == 'f':
		return Field{Text: "false", Kind: Bool}, s.literal("false")
	case c == 'n':
		return Field{Kind: Null}, s.literal("null")
	case c == '{' || c == '[':
		if err := s.skipNested(depth + 1); err != nil {
			return Field{}, err
		}
		kind := Object
		if c == '[' {
			kind = Array
		}
		return Field{Text: compact(s.b[start:s.i]), Kind: kind}, nil
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
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
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
func compact(b []byte) string {
	if bytes.IndexAny(b, " \t\r\n") < 0 {
		return string(b)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}
