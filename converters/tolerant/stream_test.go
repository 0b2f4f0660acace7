package tolerant

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hackle/hackle-agent/converters/parquetfile"
	"github.com/hackle/hackle-agent/validate"
)

// countingReaderAt records how much of a file was read.
type countingReaderAt struct {
	r          io.ReaderAt
	mu         sync.Mutex
	read, most int64 // bytes in all, and in the largest ReadAt
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.mu.Lock()
	c.read += int64(n)
	c.most = max(c.most, int64(n))
	c.mu.Unlock()
	return n, err
}

func (c *countingReaderAt) bytes() (read, most int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read, c.most
}

// TestEachStreams: Each reads a file a row group (a page of each column)
// at a time, not the whole file at once, so that pull and validate
// --partition hold the same memory for any size of part: before the first
// row only the footer and the first row group are read, and no single read
// is a large share of the file.
func TestEachStreams(t *testing.T) {
	const rows, group = 100_000, 5_000 // 20 row groups
	dir := t.TempDir()
	parts := parquetfile.NewParts(dir, parquetfile.Options{RowGroupRows: group, Compression: "none"})
	for i := range rows {
		ev := validate.Event{TS: noon + int64(i), EventKey: fmt.Sprint("event", i%50), InsertID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			Identifiers: []validate.KV{{Key: "device_id", Value: fmt.Sprint("d", i)}, {Key: "id", Value: fmt.Sprint("u", i)}}}
		if err := parts.Write(&ev); err != nil {
			t.Fatal(err)
		}
	}
	infos, err := parts.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, infos[0].Name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	size := infos[0].Size
	cr := &countingReaderAt{r: f}
	tf, err := Open(cr, size, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	err = tf.Each(func(r *Row) error {
		if n++; n == 1 {
			if read, _ := cr.bytes(); read > size/4 {
				t.Errorf("%d of %d bytes read before the first row: the file is not streamed", read, size)
			}
		}
		return nil
	})
	if err != nil || n != rows {
		t.Fatalf("read %d rows, %v", n, err)
	}
	if read, most := cr.bytes(); read < size/2 || most > size/8 {
		t.Errorf("read %d bytes of %d, the largest read %d: want the whole file read in pieces", read, size, most)
	}
}
