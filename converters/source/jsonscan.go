package source

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// parseObject appends the top-level members of the JSON object in b to
// fields. It does not go through reflection: strings without escapes are
// sliced straight out, numbers keep their exact text, and nested values are
// kept as compact JSON text.
func parseObject(b []byte, fields []Field) ([]Field, error) {
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
		f, err := s.value()
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

// ParseObject parses a JSON object (a map column's cell) into fields.
func ParseObject(text string) ([]Field, error) {
	return parseObject([]byte(text), nil)
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

// str reads a string at s.i (which is '"') and returns its value.
func (s *scanner) str() (string, error) {
	start := s.i
	s.i++
	escaped := false
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !escaped {
				return string(s.b[start+1 : s.i-1]), nil
			}
			var v string
			if err := json.Unmarshal(s.b[start:s.i], &v); err != nil {
				return "", s.errorf("bad string escape")
			}
			return v, nil
		case c == '\\':
			escaped = true
			s.i += 2
		case c < 0x20:
			return "", s.errorf("control character in string")
		default:
			s.i++
		}
	}
	return "", s.errorf("unterminated string")
}

// value reads any JSON value.
func (s *scanner) value() (Field, error) {
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
		if err := s.skipNested(); err != nil {
			return Field{}, err
		}
		kind := Object
		if c == '[' {
			kind = Array
		}
		return Field{Text: compact(s.b[start:s.i]), Kind: kind}, nil
	case c == 0:
		return Field{}, s.errorf("unexpected end of input")
	default:
		return Field{}, s.errorf("unexpected character %q", c)
	}
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

// skipNested moves past an object or array, checking its syntax.
func (s *scanner) skipNested() error {
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
			if _, err := s.str(); err != nil {
				return err
			}
			s.space()
			if !s.eat(':') {
				return s.errorf("expected ':'")
			}
			s.space()
		}
		if c := s.peek(); c == '{' || c == '[' {
			if err := s.skipNested(); err != nil {
				return err
			}
		} else if _, err := s.value(); err != nil {
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
