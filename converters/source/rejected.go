package source

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// rejectedFormat is the format of a chunk that holds one record its framer
// rejected as a whole, without keeping it: an NDJSON line or array element
// over the size limit, an array element that is not valid JSON, the end of
// an array that cannot be resynchronised. Records.Next yields it as one
// record with a *RecordError (nextLine hands it to nextRejected). Its text
// is the record, encoded by rejectChunk.
const rejectedFormat Format = "rejected"

// The reject reasons of records a framer rejects (validate.Reason values).
const (
	tooLargeReason = "record_too_large"
	invalidReason  = "record_invalid"
)

// headBytes bounds the text kept of a record rejected without being kept
// (one over the size limit), for its raw record in the report.
const headBytes = 1 << 10

// rejectChunk returns the chunk of one rejected record. line is the number
// of lines before it, lines the physical lines it spans (0 for an array
// element); raw is what is kept of its text. The text of the chunk is
// reason, lines, msg and raw, separated by NULs: neither the reason nor a
// message holds one (messages quote input with %q).
func rejectChunk(line, lines int64, reason, msg, raw string) *Chunk {
	text := reason + "\x00" + strconv.FormatInt(lines, 10) + "\x00" + msg + "\x00" + raw
	return &Chunk{text: text, line: line, format: rejectedFormat}
}

// nextRejected returns the one record of a rejectChunk.
func (r *Records) nextRejected() (*Record, error) {
	if r.rows > 0 {
		return nil, io.EOF
	}
	reason, rest, _ := strings.Cut(r.c.text, "\x00")
	lines, rest, _ := strings.Cut(rest, "\x00")
	msg, raw, _ := strings.Cut(rest, "\x00")
	rec := &r.rec
	r.rows++
	rec.Row, rec.Line, rec.text, rec.Fields = r.rows, 0, raw, rec.Fields[:0]
	rec.Lines, _ = strconv.ParseInt(lines, 10, 64)
	if rec.Lines > 0 {
		rec.Line = r.line + 1
	}
	rec.Err = &RecordError{Reason: reason, Msg: msg}
	return rec, nil
}

// head is a copy of at most headBytes of b, cut at a character boundary.
func head(b []byte) string {
	if len(b) <= headBytes {
		return string(b)
	}
	n := headBytes
	for n > headBytes-utf8.UTFMax && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n])
}
