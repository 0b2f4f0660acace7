package mapping

import (
	"crypto/sha1"
	"strconv"
	"strings"
)

// DeriveNamespace is the namespace of derived insert_ids: the UUIDv5 of
// the name "hackle-agent insert_id" in RFC 9562's URL namespace
// (6ba7b811-9dad-11d1-80b4-00c04fd430c8). It never changes: ids derived
// by any version of the agent from the same values are the same.
const DeriveNamespace = "5e01877c-af7b-5ad0-814e-7f139b7fa313"

var deriveNS = [16]byte{0x5e, 0x01, 0x87, 0x7c, 0xaf, 0x7b, 0x5a, 0xd0, 0x81, 0x4e, 0x7f, 0x13, 0x9b, 0x7f, 0xa3, 0x13}

// DeriveID returns the insert_id of an event whose identity is values, the
// source text of the columns of `insert_id: {derive: [...]}` in order: the
// UUIDv5 in DeriveNamespace of the values, each trimmed of surrounding
// white space and written as its length in bytes, ':' and itself, joined
// with '|' ("4:u-17|8:purchase"). The length prefix makes the name
// unambiguous: ("a|b", "c") and ("a", "b|c") differ. An empty, null or
// absent value is "0:".
func DeriveID(values ...string) string {
	var name strings.Builder
	for i, v := range values {
		if i > 0 {
			name.WriteByte('|')
		}
		v = strings.TrimSpace(v)
		name.WriteString(strconv.Itoa(len(v)))
		name.WriteByte(':')
		name.WriteString(v)
	}
	h := sha1.New()
	h.Write(deriveNS[:])
	h.Write([]byte(name.String()))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, b := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[b>>4], hex[b&0xf])
	}
	return string(out)
}
