package export

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/hackle/hackle-agent/converters/mapping"
	"github.com/hackle/hackle-agent/converters/source"
	"github.com/hackle/hackle-agent/validate"
)

// The pipeline of one input: a reader goroutine cuts the input into chunks
// of whole records (source.Input.NextChunk); Threads workers each parse,
// map and validate a chunk into a batch; the batches come back to the
// goroutine of Run in chunk order, which deduplicates and writes them.
// Whatever the number of threads, rows are therefore written, reported
// and deduplicated in input order, and the output bytes are the same.
// Memory stays flat: at most 2×Threads+2 chunks are in flight.

// batch is one chunk, parsed, mapped and validated.
type batch struct {
	chunk *source.Chunk
	rows  []row // the chunk's records in order; only rows[:n] are in use
	n     int
	err   error // fatal for the input, after the rows
}

// row is one record of a batch: a valid event, or a rejected record.
type row struct {
	line, num int64  // line and record number (Row: within the chunk)
	lines     int64  // physical lines of the record (source.Record.Lines)
	eventKey  string // as mapped, before trimming, for the report
	ev        validate.Event
	text      string           // the record's source text, to report it if it is a duplicate
	warns     []validate.Issue // of a valid row
	errs      []validate.Issue // non-empty: the record is rejected
	raw       []byte           // a rejected record as JSON
	// day is the partition day of a rejected row whose ts is valid (its
	// problem lies elsewhere), for the per-day threshold; zero otherwise.
	day validate.Date
}

// batches recycles batches, and with them their events' map slices.
var batches = sync.Pool{New: func() any { return new(batch) }}

// release returns b to batches, and its chunk's memory to the reader:
// call it when nothing refers to the chunk's strings any more. It drops
// every reference into the chunk, also in the unused capacity of the map
// slices, so that no stale string is ever read.
func (b *batch) release() {
	for i := range b.rows[:b.n] {
		rw := &b.rows[i]
		ev := &rw.ev
		for _, kv := range []*[]validate.KV{&ev.Identifiers, &ev.UserProps, &ev.EventProps, &ev.PlatformProps} {
			clear((*kv)[:cap(*kv)])
		}
		ev.EventKey, ev.InsertID = "", ""
		rw.eventKey, rw.text, rw.warns, rw.errs, rw.raw = "", "", nil, nil, nil
	}
	if b.chunk != nil {
		b.chunk.Recycle()
	}
	b.chunk, b.n, b.err = nil, 0, nil
	batches.Put(b)
}

// job is a chunk to process, and where its batch goes.
type job struct {
	chunk *source.Chunk
	out   chan<- *batch
}

// startPipeline starts the reader and the workers of one input. The
// returned channel yields, in input order, one channel per chunk that will
// hold its batch; a fatal error comes as a last batch with err set. Cancel
// ctx to stop early; wait returns when every goroutine has ended.
func startPipeline(ctx context.Context, in *source.Input, m *mapping.Mapper, rules *validate.Rules, threads int) (order <-chan chan *batch, wait func()) {
	threads = max(threads, 1)
	jobs := make(chan job, threads)
	ord := make(chan chan *batch, 2*threads)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(ord)
		defer close(jobs)
		for {
			c, err := in.NextChunk()
			out := make(chan *batch, 1)
			if err != nil {
				if err == io.EOF {
					return
				}
				b := batches.Get().(*batch)
				b.n, b.err = 0, err
				out <- b
			}
			select {
			case ord <- out:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
			select {
			case jobs <- job{chunk: c, out: out}:
			case <-ctx.Done():
				return
			}
		}
	})
	for range threads {
		w := worker{mapper: m.Clone(), rules: rules}
		wg.Go(func() {
			for j := range jobs {
				j.out <- w.process(j.chunk)
			}
		})
	}
	return ord, wg.Wait
}

// worker turns chunks into batches.
type worker struct {
	mapper *mapping.Mapper
	rules  *validate.Rules
	raw    validate.Raw
}

func (w *worker) process(c *source.Chunk) *batch {
	b := batches.Get().(*batch)
	b.chunk, b.n, b.err = c, 0, nil
	recs := c.Records()
	for {
		rec, err := recs.Next()
		if err == io.EOF {
			return b
		}
		if err != nil {
			b.err = err
			return b
		}
		if b.n == len(b.rows) {
			b.rows = append(b.rows, row{})
		}
		w.row(rec, &b.rows[b.n])
		b.n++
	}
}

// row maps and validates one record into rw, reusing rw's event slices.
func (w *worker) row(rec *source.Record, rw *row) {
	rw.line, rw.lines, rw.num, rw.warns, rw.errs, rw.raw, rw.text, rw.day = rec.Line, rec.Lines, rec.Row, nil, nil, nil, "", validate.Date{}
	raw := &w.raw
	if rec.Err != nil {
		raw.EventKey = ""
		reason := validate.RecordInvalid
		if re := (*source.RecordError)(nil); errors.As(rec.Err, &re) {
			reason = validate.Reason(re.Reason)
		}
		rw.errs = []validate.Issue{{Reason: reason, Message: rec.Err.Error()}}
	} else {
		errs := w.mapper.Map(rec, raw)
		e, warns := w.rules.Check(raw, &rw.ev)
		rw.errs, rw.warns = append(errs, e...), warns
	}
	rw.eventKey = raw.EventKey
	if len(rw.errs) > 0 {
		rw.raw = rec.RawJSON()
		if rec.Err == nil && !hasField(rw.errs, "ts") {
			rw.day = w.rules.DayOf(rw.ev.TS) // Check set ts before finding the other problems
		}
		return
	}
	rw.text = rec.Text()
}

// hasField reports whether one of issues is about field.
func hasField(issues []validate.Issue, field string) bool {
	for _, is := range issues {
		if is.Field == field {
			return true
		}
	}
	return false
}
