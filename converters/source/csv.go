package source

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvReader reads RFC 4180 CSV with a header row: quoted cells may hold the
// delimiter, quotes and newlines; CRLF line ends are accepted (Open strips a UTF-8 BOM).
type csvReader struct {
	r      *csv.Reader
	header []string
	rec    Record
}

func newCSV(r *bufio.Reader, delimiter rune) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.Comma = delimiter
	cr.FieldsPerRecord = -1 // checked per row, so one short row is one reject
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty CSV: no header row")
	}
	if err != nil {
		return nil, fmt.Errorf("CSV header: %w", err)
	}
	c := &csvReader{r: cr, header: make([]string, len(header))}
	for i, h := range header {
		c.header[i] = strings.TrimSpace(h)
	}
	c.rec.header = c.header
	return c, nil
}

func (c *csvReader) Columns() []string { return c.header }

func (c *csvReader) Next() (*Record, error) {
	// encoding/csv skips blank lines itself; any other line is a record, so
	// that read = written + rejected.
	cells, err := c.r.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	rec := &c.rec
	rec.Row++
	rec.Err = nil
	rec.Fields = rec.Fields[:0]
	var pe *csv.ParseError
	if err != nil {
		if !errors.As(err, &pe) {
			return nil, err
		}
		rec.Line = int64(pe.StartLine)
		rec.cells = append(rec.cells[:0], cells...)
		rec.Err = fmt.Errorf("malformed CSV: %v", pe.Err)
		return rec, nil
	}
	line, _ := c.r.FieldPos(0)
	rec.Line = int64(line)
	rec.cells = append(rec.cells[:0], cells...)
	if len(cells) != len(c.header) {
		rec.Err = fmt.Errorf("row has %d cells, the header has %d", len(cells), len(c.header))
		return rec, nil
	}
	for i, v := range rec.cells {
		rec.Fields = append(rec.Fields, Field{Name: c.header[i], Text: v, Kind: String})
	}
	return rec, nil
}
