package parquetfile

import (
	"sync"

	"github.com/hackle/hackle-agent/validate"
)

// columnBatch is up to batchRows rows as Write copied them, column by column:
// the only work done on the caller's goroutine. The encoders read it, one
// goroutine per column, while the next batch fills.
type columnBatch struct {
	rows    int
	ts      []int64
	metric  []byte                       // DecimalLength bytes per row
	strings [numLeafColumns]stringColumn // the BYTE_ARRAY leaves' values
	entries [numMaps][]uint32            // per map, its number of entries in each row
	bytes   int                          // string bytes held, to bound a batch's memory
	last    bool                         // the last batch of a row group
	done    sync.WaitGroup               // one per column being encoded
}

// stringColumn is the values of a BYTE_ARRAY leaf, back to back.
type stringColumn struct {
	text []byte
	ends []uint32 // ends[i] is where value i ends in text
}

func (s *stringColumn) add(v string) {
	s.text = append(s.text, v...)
	s.ends = append(s.ends, uint32(len(s.text)))
}

// appendRow copies ev's values to the columns.
func (b *columnBatch) appendRow(ev *validate.Event) {
	b.ts = append(b.ts, ev.TS)
	b.metric = append(b.metric, ev.MetricValue[:]...)
	b.strings[colEventKey].add(ev.EventKey)
	b.strings[colInsertID].add(ev.InsertID)
	b.bytes += len(ev.EventKey) + len(ev.InsertID)
	b.appendMap(colIdentifiers, ev.Identifiers)
	b.appendMap(colUserProps, ev.UserProps)
	b.appendMap(colEventProps, ev.EventProps)
	b.appendMap(colPlatformProps, ev.PlatformProps)
	b.rows++
}

// appendMap appends a map's keys to its key column, its values to its value
// column, and its size.
func (b *columnBatch) appendMap(keyCol int, kvs []validate.KV) {
	if len(kvs) > 0 {
		// Local copies of the slices: the loop stores nothing in b.
		keys, values := &b.strings[keyCol], &b.strings[keyCol+1]
		kt, ke, vt, ve := keys.text, keys.ends, values.text, values.ends
		for i := range kvs {
			kt = append(kt, kvs[i].Key...)
			ke = append(ke, uint32(len(kt)))
			vt = append(vt, kvs[i].Value...)
			ve = append(ve, uint32(len(vt)))
		}
		b.bytes += len(kt) - len(keys.text) + len(vt) - len(values.text)
		keys.text, keys.ends, values.text, values.ends = kt, ke, vt, ve
	}
	m := leaves[keyCol].mapIndex
	b.entries[m] = append(b.entries[m], uint32(len(kvs)))
}

// reset empties the batch, keeping its buffers.
func (b *columnBatch) reset() {
	b.rows, b.bytes, b.last = 0, 0, false
	b.ts, b.metric = b.ts[:0], b.metric[:0]
	for i := range b.strings {
		b.strings[i].text, b.strings[i].ends = b.strings[i].text[:0], b.strings[i].ends[:0]
	}
	for i := range b.entries {
		b.entries[i] = b.entries[i][:0]
	}
}
