package dedup

import (
	"bufio"
	"bytes"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/hackle/hackle-agent/agent/atomicfile"
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

// sortKeys sorts keys in byte order and drops repeats. insert_ids are
// close to uniformly distributed, so the keys are first placed into 65,536
// buckets by their first two bytes (one counting pass, one placing pass),
// and each small bucket is then sorted, comparing the keys as two
// big-endian words (the order bytes.Compare gives).
func sortKeys(keys []Key) []Key {
	if len(keys) < 1<<12 {
		slices.SortFunc(keys, compareKeys)
		return slices.Compact(keys)
	}
	bucket := func(k *Key) int { return int(k[0])<<8 | int(k[1]) }
	start := make([]int, 1<<16+1)
	for i := range keys {
		start[bucket(&keys[i])+1]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	next := slices.Clone(start[:1<<16])
	out := make([]Key, len(keys))
	for i := range keys {
		b := bucket(&keys[i])
		out[next[b]] = keys[i]
		next[b]++
	}
	for b := 0; b < 1<<16; b++ {
		if seg := out[start[b]:start[b+1]]; len(seg) > 1 {
			slices.SortFunc(seg, compareKeys)
		}
	}
	copy(keys, out)
	return slices.Compact(keys)
}

// compareKeys orders keys as bytes.Compare does.
func compareKeys(a, b Key) int {
	if c := cmp.Compare(binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])); c != 0 {
		return c
	}
	return cmp.Compare(binary.BigEndian.Uint64(a[8:]), binary.BigEndian.Uint64(b[8:]))
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
	return atomicfile.Write(path, func(f *os.File) error {
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
