package source

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unsafe"
)

// RawJSON is the record as JSON for a reject report: the original JSON text
// of a JSON record (a JSON string when it was not valid JSON), or an object
// of header → cell for a CSV row, in column order.
func (r *Record) RawJSON() json.RawMessage {
	if r.header == nil {
		raw := unsafe.Slice(unsafe.StringData(r.text), len(r.text)) // only read
		if json.Valid(raw) {
			// Invalid UTF-8 can only sit inside strings of valid JSON:
			// replacing it keeps the JSON valid and the file readable.
			return bytes.ToValidUTF8(raw, []byte("\ufffd"))
		}
		return quoteJSON(nil, r.text)
	}
	b := []byte{'{'}
	for i, cell := range r.cells {
		if i > 0 {
			b = append(b, ',')
		}
		name := "_extra_" + strconv.Itoa(i+1)
		if i < len(r.header) {
			name = r.header[i]
		}
		b = quoteJSON(b, name)
		b = append(b, ':')
		b = quoteJSON(b, cell)
	}
	return append(b, '}')
}

// quoteJSON appends s as a JSON string; invalid UTF-8 bytes become \ufffd
// so that the output stays valid JSON.
func quoteJSON(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // invalid UTF-8 becomes U+FFFD
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}
