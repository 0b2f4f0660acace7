package tui

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hackle/hackle-agent/agent/report"
)

// Index locates every line of a rejects.ndjson file without keeping the
// records: one pass records each line's byte offset and length plus the few
// small fields used for grouping (reason, field, event_key, source file),
// interned as small integers. A row's full record is read back with ReadAt.
//
// Reads (Reject) may run concurrently; Close must not run with them.
type Index struct {
	f       *os.File
	entries []entry
	strs    []string          // interned strings; id → text
	ids     map[string]uint32 // text → id
	// Skipped counts lines that were blank or not a JSON object.
	Skipped int
}

// entry is one indexed line: 32 bytes, whatever the size of its record.
type entry struct {
	off      int64
	n        uint32 // line length without the newline
	reason   uint32 // interned ids
	field    uint32
	eventKey uint32
	file     uint32
	line     uint32 // line in the source file, or record number when it has no lines
}

// OpenIndex scans path once and returns its index. The file stays open
// until Close, so that rows can be read back by offset.
func OpenIndex(path string) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	ix := &Index{f: f, ids: map[string]uint32{}}
	ix.intern(nil) // id 0 is the empty string
	r := bufio.NewReaderSize(f, 1<<20)
	ix.entries = make([]entry, 0, estimateLines(f, r))
	if err := ix.scan(r); err != nil {
		f.Close()
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	return ix, nil
}

// emptyIndex is the index of a report without a rejects file.
func emptyIndex() *Index {
	ix := &Index{ids: map[string]uint32{}}
	ix.intern(nil)
	return ix
}

// Close releases the rejects file.
func (ix *Index) Close() error {
	if ix.f == nil {
		return nil
	}
	return ix.f.Close()
}

// Len is the number of indexed rejects.
func (ix *Index) Len() int { return len(ix.entries) }

// estimateLines guesses the number of lines from the file size and the
// first megabyte, so the entries slice is allocated about once.
func estimateLines(f *os.File, r *bufio.Reader) int {
	st, err := f.Stat()
	if err != nil {
		return 0
	}
	head, _ := r.Peek(1 << 20)
	n := bytes.Count(head, []byte{'\n'})
	if n == 0 || len(head) == 0 {
		return 0
	}
	return int(st.Size()/int64(len(head))*int64(n))*11/10 + 16
}

func (ix *Index) scan(r *bufio.Reader) error {
	var off int64
	var long []byte // a line longer than the reader's buffer
	for {
		chunk, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, chunk...)
			continue
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
			long = nil
		}
		if len(line) > 0 {
			ix.add(off, line)
			off += int64(len(line))
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (ix *Index) add(off int64, line []byte) {
	line = bytes.TrimRight(line, "\r\n")
	var e entry
	if !scanKeys(line, ix, &e) {
		ix.Skipped++
		return
	}
	e.off, e.n = off, uint32(len(line))
	ix.entries = append(ix.entries, e)
}

func (ix *Index) intern(b []byte) uint32 {
	if id, ok := ix.ids[string(b)]; ok { // no allocation on lookup
		return id
	}
	s := string(b)
	id := uint32(len(ix.strs))
	ix.strs = append(ix.strs, s)
	ix.ids[s] = id
	return id
}

func (ix *Index) str(id uint32) string { return ix.strs[id] }

// readLine returns the bytes of entry i.
func (ix *Index) readLine(i int) ([]byte, error) {
	e := ix.entries[i]
	buf := make([]byte, e.n)
	if _, err := ix.f.ReadAt(buf, e.off); err != nil {
		return nil, fmt.Errorf("read reject at byte %d: %w", e.off, err)
	}
	return buf, nil
}

// Reject reads entry i (0 ≤ i < Len, in file order) back from the file by
// its offset and decodes it, raw record included.
func (ix *Index) Reject(i int) (report.Reject, error) {
	var r report.Reject
	b, err := ix.readLine(i)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("decode reject at byte %d: %w", ix.entries[i].off, err)
	}
	return r, nil
}

// rowSummary is what the rows screen shows of one reject.
type rowSummary struct {
	File     string `json:"file"`
	Line     int64  `json:"line"`
	Row      int64  `json:"row"`
	Value    string `json:"value"`
	EventKey string `json:"event_key"`
}

// summaryOf decodes the listed fields of entry i, skipping the raw record.
func (ix *Index) summaryOf(i int) rowSummary {
	var s rowSummary
	b, err := ix.readLine(i)
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		s.Value = "(" + err.Error() + ")"
	}
	return s
}

// scanKeys reads the top-level keys of one JSON object line and interns
// the grouping fields into e. It stops as soon as it has all four; other
// values (raw, errors) are skipped without decoding. It reports false when
// the line is not a JSON object.
func scanKeys(b []byte, ix *Index, e *entry) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i++
	const all = 1<<5 - 1
	found := 0
	for found != all {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] == '}' {
			return true
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		key, next, ok := readString(b, i)
		if !ok {
			return false
		}
		i = skipSpace(b, next)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		slot, bit := keySlot(e, key)
		if slot != nil && i < len(b) && b[i] == '"' {
			val, next, ok := readString(b, i)
			if !ok {
				return false
			}
			*slot = ix.intern(val)
			found |= bit
			i = next
			continue
		}
		if (bit == bitLine || bit == bitRow && e.line == 0) && i < len(b) && b[i] >= '0' && b[i] <= '9' {
			n, next := readUint(b, i)
			e.line = n
			found |= bitLine
			i = next
			continue
		}
		if i = skipValue(b, i); i < 0 {
			return false
		}
	}
	return true
}

// Bits of the keys scanKeys looks for; "row" stands in for "line".
const (
	bitReason = 1 << iota
	bitField
	bitEventKey
	bitFile
	bitLine
	bitRow = 1 << 8
)

func keySlot(e *entry, key []byte) (*uint32, int) {
	switch string(key) {
	case "reason":
		return &e.reason, bitReason
	case "field":
		return &e.field, bitField
	case "event_key":
		return &e.eventKey, bitEventKey
	case "file":
		return &e.file, bitFile
	case "line":
		return nil, bitLine
	case "row":
		return nil, bitRow
	}
	return nil, 0
}

// readUint reads the digits at b[i], saturating at the uint32 maximum.
func readUint(b []byte, i int) (uint32, int) {
	var n uint64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		n = min(n*10+uint64(b[i]-'0'), 1<<32-1)
	}
	return uint32(n), i
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// readString reads the JSON string starting at b[i] == '"'. Strings without
// escapes are returned as a sub-slice; others are decoded.
func readString(b []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	q := bytes.IndexByte(b[i+1:], '"') // fast path: SIMD search, no escapes
	if q < 0 {
		return nil, 0, false
	}
	if bytes.IndexByte(b[i+1:i+1+q], '\\') < 0 {
		return b[i+1 : i+1+q], i + 2 + q, true
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			var v string
			if json.Unmarshal(b[i:j+1], &v) != nil {
				return nil, 0, false
			}
			return []byte(v), j + 1, true
		}
	}
	return nil, 0, false
}

// skipValue returns the index just past the JSON value at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipNested(b, i)
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' {
		i++ // number, true, false, null
	}
	return i
}

// skipNested skips a balanced object or array, minding strings.
func skipNested(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"':
			if i = skipString(b, i); i < 0 {
				return -1
			}
			i-- // the loop steps past the closing quote
		}
	}
	return -1
}

// skipString returns the index just past the JSON string at b[i] == '"',
// or -1, without decoding it: a quote ends the string unless an odd number
// of backslashes precedes it.
func skipString(b []byte, i int) int {
	for j := i + 1; ; {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return -1
		}
		k := j + q
		n := 0
		for p := k - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return k + 1
		}
		j = k + 1
	}
}
