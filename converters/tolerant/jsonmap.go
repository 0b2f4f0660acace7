package tolerant

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/validate"
)

// jsonMap reads a map stored as JSON-object text, keeping key order:
// strings as they are, numbers as their source text, booleans as
// true/false, nested values as compact JSON, and null dropping the key.
// Null, "" and "null" are an empty map. Text that is not a JSON object
// gives an issue that rejects the row.
func jsonMap(name string, v parquet.Value, dst []validate.KV) ([]validate.KV, *validate.Issue) {
	if v.IsNull() {
		return dst, nil
	}
	b := bytes.TrimSpace(v.ByteArray())
	if len(b) == 0 || string(b) == "null" {
		return dst, nil
	}
	out, err := decodeObject(b, dst)
	if err != nil {
		val := string(b)
		if len(val) > 200 {
			val = val[:200] + "…"
		}
		return dst, &validate.Issue{Reason: validate.RecordInvalid, Field: name, Value: val,
			Message: fmt.Sprintf("%s is text but not a JSON object: %v.", name, err)}
	}
	return out, nil
}

func decodeObject(b []byte, dst []validate.KV) ([]validate.KV, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return dst, fmt.Errorf("it does not start with {")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return dst, err
		}
		key, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return dst, err
		}
		val, ok, err := jsonText(raw)
		if err != nil {
			return dst, err
		}
		if ok {
			dst = append(dst, validate.KV{Key: key, Value: val})
		}
	}
	if _, err := dec.Token(); err != nil {
		return dst, err
	}
	if dec.More() {
		return dst, fmt.Errorf("text follows the object")
	}
	return dst, nil
}

// jsonText renders one JSON value as map-value text; ok is false for null.
func jsonText(raw json.RawMessage) (string, bool, error) {
	switch raw[0] {
	case 'n':
		return "", false, nil
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, true, err
	case '{', '[':
		var buf bytes.Buffer
		err := json.Compact(&buf, raw)
		return buf.String(), true, err
	}
	return string(raw), true, nil
}
