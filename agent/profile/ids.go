package profile

import (
	"bufio"
	"bytes"
	"container/heap"
	"fmt"
	"io"
	"os"
	"slices"
)

// SortChunk is how many keys (16 bytes each) are sorted in memory at a
// time when _insert_ids.bin is written: 16 MiB. Tests make it small.
var SortChunk = 1 << 20

// sortKeys sorts the 16-byte keys of f into a new file at dst, with
// bounded memory: sorted runs of SortChunk keys in tmp, then one merge.
// Keys are distinct (each day's insert_ids are deduplicated before).
func sortKeys(f *os.File, dst, tmp string) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(f, 64<<10)
	var runs []string
	defer func() {
		for _, p := range runs {
			os.Remove(p)
		}
	}()
	buf := make([][16]byte, 0, min(SortChunk, 1<<16))
	for {
		buf = buf[:0]
		var k [16]byte
		var err error
		for len(buf) < SortChunk {
			if _, err = io.ReadFull(r, k[:]); err != nil {
				break
			}
			buf = append(buf, k)
		}
		if err != nil && err != io.EOF {
			return err
		}
		if len(buf) > 0 || len(runs) == 0 {
			slices.SortFunc(buf, func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) })
			out, werr := os.CreateTemp(tmp, "insert-ids-*.run")
			if werr != nil {
				return werr
			}
			runs = append(runs, out.Name())
			w := bufio.NewWriterSize(out, 64<<10)
			for _, k := range buf {
				w.Write(k[:])
			}
			if werr = w.Flush(); werr == nil {
				werr = out.Close()
			} else {
				out.Close()
			}
			if werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			break
		}
	}
	if len(runs) == 1 {
		if err := os.Rename(runs[0], dst); err != nil {
			return err
		}
		runs = nil
		return os.Chmod(dst, 0o644) // like the parts; CreateTemp made it 0600
	}
	return mergeRuns(runs, dst)
}

type cursor struct {
	r   *bufio.Reader
	key [16]byte
}

type cursors []*cursor

func (h cursors) Len() int           { return len(h) }
func (h cursors) Less(i, j int) bool { return bytes.Compare(h[i].key[:], h[j].key[:]) < 0 }
func (h cursors) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *cursors) Push(x any)        { *h = append(*h, x.(*cursor)) }
func (h *cursors) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// mergeRuns merges sorted runs into dst, dropping repeated keys.
func mergeRuns(runs []string, dst string) error {
	var h cursors
	for _, p := range runs {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		c := &cursor{r: bufio.NewReaderSize(f, 32<<10)}
		if _, err := io.ReadFull(c.r, c.key[:]); err == nil {
			h = append(h, c)
		}
	}
	heap.Init(&h)
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer out.Close()
	w := bufio.NewWriterSize(out, 64<<10)
	var last [16]byte
	first := true
	for h.Len() > 0 {
		c := h[0]
		if first || c.key != last {
			w.Write(c.key[:])
			last, first = c.key, false
		}
		if _, err := io.ReadFull(c.r, c.key[:]); err != nil {
			if err != io.EOF {
				return fmt.Errorf("merge insert_ids: %w", err)
			}
			heap.Pop(&h)
		} else {
			heap.Fix(&h, 0)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return out.Close()
}

// Overlap walks two sorted key streams (the layout of _insert_ids.bin)
// together and calls fn for each key both hold. Memory is two buffers,
// whatever the sizes. A stream whose length is not a multiple of 16 is
// an error.
func Overlap(a, b io.Reader, fn func(k [16]byte)) (int64, error) {
	ra, rb := bufio.NewReaderSize(a, 64<<10), bufio.NewReaderSize(b, 64<<10)
	var ka, kb [16]byte
	next := func(r *bufio.Reader, k *[16]byte) (bool, error) {
		_, err := io.ReadFull(r, k[:])
		switch err {
		case nil:
			return true, nil
		case io.EOF:
			return false, nil
		case io.ErrUnexpectedEOF:
			return false, fmt.Errorf("insert_id sidecar: truncated key")
		}
		return false, err
	}
	okA, err := next(ra, &ka)
	if err != nil {
		return 0, err
	}
	okB, err := next(rb, &kb)
	if err != nil {
		return 0, err
	}
	var n int64
	for okA && okB {
		switch c := bytes.Compare(ka[:], kb[:]); {
		case c < 0:
			okA, err = next(ra, &ka)
		case c > 0:
			okB, err = next(rb, &kb)
		default:
			n++
			fn(ka)
			if okA, err = next(ra, &ka); err == nil {
				okB, err = next(rb, &kb)
			}
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// FormatKey spells a 16-byte key as the canonical UUID.
func FormatKey(k [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", k[0:4], k[4:6], k[6:8], k[8:10], k[10:16])
}
