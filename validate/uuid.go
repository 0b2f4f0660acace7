package validate

// ParseUUID reads an 8-4-4-4-12 hexadecimal UUID in any case, surrounding
// white space trimmed, and returns it lowercase. Other forms ({braces},
// urn:uuid:, 32 digits without hyphens) are not UUIDs here. It allocates
// only when the text has upper-case digits.
func ParseUUID(text string) (canonical string, ok bool) {
	s := trimSpace(text)
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return "", false
	}
	// The classes of all the digits, or-ed: one table look-up a byte and
	// no branch on which kind of digit it is (they come in random order).
	var class byte
	for _, i := range uuidDigits {
		class |= hexClass[s[i]] | hexClass[s[i+1]]
	}
	switch {
	case class&hexInvalid != 0:
		return "", false
	case class&hexUpper == 0:
		return s, true
	}
	var b [36]byte
	for i := 0; i < 36; i++ {
		c := s[i]
		if hexClass[c]&hexUpper != 0 {
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
	if len(canonical) != 36 {
		return k
	}
	for j, i := range uuidDigits {
		k[j] = hexValue[canonical[i]]<<4 | hexValue[canonical[i+1]]
	}
	return k
}

// uuidDigits are where the 16 bytes' pairs of digits start in a UUID.
var uuidDigits = [16]uint8{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// Classes of bytes in hexClass.
const (
	hexInvalid = 1 << iota // not a hexadecimal digit
	hexUpper               // 'A'…'F'
)

// hexClass classifies bytes, hexValue gives the value of hexadecimal digits
// (0 for other bytes).
var hexClass, hexValue = func() (class, value [256]byte) {
	for c := range 256 {
		switch {
		case c >= '0' && c <= '9':
			value[c] = byte(c - '0')
		case c >= 'a' && c <= 'f':
			value[c] = byte(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			value[c], class[c] = byte(c-'A'+10), hexUpper
		default:
			class[c] = hexInvalid
		}
	}
	return class, value
}()
