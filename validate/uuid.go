package validate

// ParseUUID reads an 8-4-4-4-12 hexadecimal UUID in any case, surrounding
// white space trimmed, and returns it lowercase. Other forms ({braces},
// urn:uuid:, 32 digits without hyphens) are not UUIDs here. It allocates
// only when the text has upper-case digits.
func ParseUUID(text string) (canonical string, ok bool) {
	s := trimSpace(text)
	if len(s) != 36 {
		return "", false
	}
	upper := false
	for i := 0; i < 36; i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return "", false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			upper = true
		default:
			return "", false
		}
	}
	if !upper {
		return s, true
	}
	var b [36]byte
	for i := 0; i < 36; i++ {
		c := s[i]
		if c >= 'A' && c <= 'F' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return string(b[:]), true
}

// UUIDKey packs a UUID as returned by ParseUUID into 16 bytes, a compact key
// for duplicate sets. Text that is not such a UUID gives an unspecified key.
func UUIDKey(canonical string) [16]byte {
	var k [16]byte
	j := 0
	for i := 0; i+1 < len(canonical) && j < 16; {
		if canonical[i] == '-' {
			i++
			continue
		}
		k[j] = unhex(canonical[i])<<4 | unhex(canonical[i+1])
		i += 2
		j++
	}
	return k
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}
