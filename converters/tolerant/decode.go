package tolerant

import (
	"github.com/parquet-go/parquet-go"

	"github.com/hackle/hackle-agent/validate"
)

// decode fills row from one Parquet row. Strings are copied out of the
// reader's buffers.
func (f *File) decode(pr parquet.Row, row *Row) {
	r := &row.Raw
	*r = validate.Raw{Identifiers: r.Identifiers[:0], UserProps: r.UserProps[:0], EventProps: r.EventProps[:0], PlatformProps: r.PlatformProps[:0]}
	row.Issues = row.Issues[:0]
	var keys []string // keys of the map whose value leaf comes next
	pr.Range(func(col int, vals []parquet.Value) bool {
		if col >= len(f.cols) || len(vals) == 0 {
			return true
		}
		c := &f.cols[col]
		switch c.role {
		case roleTS:
			r.TS = f.tsText(vals[0], c.leaf)
		case roleEventKey:
			r.EventKey = text(vals[0], c.leaf)
		case roleInsertID:
			r.InsertID = text(vals[0], c.leaf)
		case roleMetric:
			r.MetricValue = text(vals[0], c.leaf)
		case roleMapKey:
			keys = mapKeys(vals, c.leaf, keys[:0])
		case roleMapValue:
			m := mapOf(r, c.field)
			*m = mapEntries(keys, vals, c.leaf, *m)
		case roleMapJSON:
			m := mapOf(r, c.field)
			var issue *validate.Issue
			*m, issue = jsonMap(c.name, vals[0], *m)
			if issue != nil {
				row.Issues = append(row.Issues, *issue)
			}
		}
		return true
	})
}

// mapOf is the map of r that layout column field fills; nil for a column
// that is not one of r's maps.
func mapOf(r *validate.Raw, field int) *[]validate.KV {
	switch Columns[field] {
	case "identifiers":
		return &r.Identifiers
	case "user_properties":
		return &r.UserProps
	case "event_properties":
		return &r.EventProps
	case "platform_properties":
		return &r.PlatformProps
	}
	return nil
}

// mapKeys returns the keys of one map value; none for a null or empty map.
func mapKeys(vals []parquet.Value, leaf *parquet.Column, keys []string) []string {
	if len(vals) == 1 && vals[0].IsNull() {
		return keys
	}
	for _, v := range vals {
		keys = append(keys, text(v, leaf))
	}
	return keys
}

// mapEntries pairs keys with their values; a null value drops its key.
func mapEntries(keys []string, vals []parquet.Value, leaf *parquet.Column, dst []validate.KV) []validate.KV {
	for i, k := range keys {
		if i >= len(vals) || vals[i].IsNull() {
			continue
		}
		dst = append(dst, validate.KV{Key: k, Value: text(vals[i], leaf)})
	}
	return dst
}
