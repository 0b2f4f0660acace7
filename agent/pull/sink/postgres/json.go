package postgres

import (
	"encoding/json"

	"github.com/hackle/hackle-agent/validate"
)

// jsonObject renders a normalised map as JSON-object text for a jsonb
// column; values stay strings, as in the Parquet layout.
func jsonObject(kvs []validate.KV) string {
	b := []byte{'{'}
	for i, kv := range kvs {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(kv.Key)
		v, _ := json.Marshal(kv.Value)
		b = append(append(append(b, k...), ':'), v...)
	}
	return string(append(b, '}'))
}
