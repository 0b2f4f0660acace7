package validate

import (
	"encoding/json"
)

// JSON renders a row as read, for rejects.ndjson: a JSON object with the
// layout's columns in order and maps as objects in their stored order.
func (r *Raw) JSON() json.RawMessage {
	b := []byte{'{'}
	b = appendField(b, "ts", r.TS, false)
	b = appendField(b, "event_key", r.EventKey, true)
	b = appendMap(b, "identifiers", r.Identifiers)
	b = appendField(b, "insert_id", r.InsertID, true)
	b = appendField(b, "metric_value", r.MetricValue, true)
	b = appendMap(b, "user_properties", r.UserProps)
	b = appendMap(b, "event_properties", r.EventProps)
	b = appendMap(b, "platform_properties", r.PlatformProps)
	return append(b, '}')
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

func appendField(b []byte, name, value string, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = appendString(b, name)
	b = append(b, ':')
	return appendString(b, value)
}

func appendMap(b []byte, name string, kvs []KV) []byte {
	b = append(b, ',')
	b = appendString(b, name)
	b = append(b, ':', '{')
	for i, kv := range kvs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, kv.Key)
		b = append(b, ':')
		b = appendString(b, kv.Value)
	}
	return append(b, '}')
}
