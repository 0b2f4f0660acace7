package dedup

import (
	"bufio"
	"bytes"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// Key is a packed insert_id (validate.UUIDKey).
type Key = [16]byte

// WriterRunKeys is how many keys a KeyWriter holds in memory (4 MiB)
// before it sorts them and spills them to a run file. Tests make it small.
var WriterRunKeys = 256 << 10

// KeyWriter collects insert_ids in any order, in bounded memory, and
// writes them as one sorted key file of unique keys (the format of pull's key files and of
// the _insert_ids.bin sidecar). Keys beyond WriterRunKeys are spilled to sorted run
// files in a temporary folder and merged by Finish.
type KeyWriter struct {
	tmp  string // "" until the first spill
	dir  string // where the temporary folder goes ("" = os.TempDir)
	buf  []Key
	runs []string
	n    int // keys added
}

// NewKeyWriter starts a key set whose spill files go under dir ("" for
// the system's temporary folder).
func NewKeyWriter(dir string) *KeyWriter { return &KeyWriter{dir: dir} }

// Add adds one key; duplicates are allowed and kept once.
func (w *KeyWriter) Add(k Key) error {
	w.buf = append(w.buf, k)
	w.n++
	if len(w.buf) >= WriterRunKeys {
		return w.spill()
	}
	return nil
}

// Len is how many keys were added, duplicates included.
func (w *KeyWriter) Len() int { return w.n }

func sortKeys(keys []Key) []Key {
	slices.SortFunc(keys, func(a, b Key) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(keys)
}

func (w *KeyWriter) spill() error {
	if w.tmp == "" {
		dir, err := os.MkdirTemp(w.dir, "hackle-agent-keys-*")
		if err != nil {
			return fmt.Errorf("state: key spill folder: %w", err)
		}
		w.tmp = dir
	}
	name := filepath.Join(w.tmp, fmt.Sprintf("run-%06d", len(w.runs)))
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("state: key spill: %w", err)
	}
	err = writeKeys(f, sortKeys(w.buf))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("state: key spill: %w", err)
	}
	w.runs = append(w.runs, name)
	w.buf = w.buf[:0]
	return nil
}

func writeKeys(f io.Writer, keys []Key) error {
	bw := bufio.NewWriterSize(f, 64<<10)
	for i := range keys {
		bw.Write(keys[i][:])
	}
	return bw.Flush()
}

// Finish writes the sorted, unique keys to path, replacing it atomically
// (write, fsync, rename), and removes the spill files. The writer cannot be
// used afterwards.
func (w *KeyWriter) Finish(path string) error {
	defer w.Discard()
	return WriteFileAtomic(path, func(f *os.File) error {
		if len(w.runs) == 0 {
			return writeKeys(f, sortKeys(w.buf))
		}
		if len(w.buf) > 0 {
			if err := w.spill(); err != nil {
				return err
			}
		}
		return w.merge(f)
	})
}

// Discard removes the spill files without writing anything.
func (w *KeyWriter) Discard() {
	if w.tmp != "" {
		os.RemoveAll(w.tmp)
		w.tmp = ""
	}
	w.buf, w.runs = nil, nil
}

// run is one sorted run being merged.
type run struct {
	r   *bufio.Reader
	cur Key
}

type runHeap []*run

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return bytes.Compare(h[i].cur[:], h[j].cur[:]) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*run)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// merge writes the union of the sorted runs, each key once.
func (w *KeyWriter) merge(out io.Writer) error {
	h := runHeap{}
	for _, name := range w.runs {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("state: key merge: %w", err)
		}
		defer f.Close()
		r := &run{r: bufio.NewReaderSize(f, 32<<10)}
		if ok, err := r.next(); err != nil {
			return err
		} else if ok {
			h = append(h, r)
		}
	}
	heap.Init(&h)
	bw := bufio.NewWriterSize(out, 64<<10)
	var last Key
	first := true
	for h.Len() > 0 {
		r := h[0]
		if first || r.cur != last {
			bw.Write(r.cur[:])
			last, first = r.cur, false
		}
		ok, err := r.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	return bw.Flush()
}

func (r *run) next() (bool, error) {
	_, err := io.ReadFull(r.r, r.cur[:])
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("state: key merge: %w", err)
	}
	return true, nil
}

// WriteFileAtomic writes path through a temporary file in the same folder:
// write, fsync, rename, so that a reader sees the old file or the new one.
// The file is readable by all (0644), like the other files the agent writes.
func WriteFileAtomic(path string, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	err = write(f)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	return err
}
