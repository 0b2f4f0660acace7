package state

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/hackle/hackle-agent/validate"
)

// Key is a packed insert_id (validate.UUIDKey).
type Key = [16]byte

// blockKeys is how many keys one sparse-index entry covers: a lookup reads
// one block of blockKeys×16 bytes, and an open key file holds 1/blockKeys of
// its keys in memory.
const blockKeys = 256

// KeysPath is the key file of day date.
func (s *State) KeysPath(date string) string {
	return filepath.Join(s.dir, "keys", "dt="+date+".keys")
}

// WriteKeys stores the insert_ids imported for day date, replacing any
// earlier set: a file of sorted, unique 16-byte keys. keys is sorted in place.
func (s *State) WriteKeys(date string, keys []Key) error {
	slices.SortFunc(keys, func(a, b Key) int { return bytes.Compare(a[:], b[:]) })
	keys = slices.Compact(keys)
	return writeAtomic(s.KeysPath(date), func(f *os.File) error {
		w := bufio.NewWriterSize(f, 64<<10)
		for i := range keys {
			w.Write(keys[i][:])
		}
		return w.Flush()
	})
}

// RemoveKeys forgets the insert_ids of day date.
func (s *State) RemoveKeys(date string) error {
	if err := os.Remove(s.KeysPath(date)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("state: %w", err)
	}
	return nil
}

// KeyFile is one day's sorted key file, searched on disk: it keeps only
// every blockKeys-th key in memory.
type KeyFile struct {
	Date   string
	f      *os.File
	n      int64 // keys in the file
	sparse []Key // keys at 0, blockKeys, 2·blockKeys, …
	buf    []byte
}

// OpenKeys opens the key file of day date; nil (and no error) when that
// day has none.
func (s *State) OpenKeys(date string) (*KeyFile, error) {
	return OpenKeyFile(s.KeysPath(date), date)
}

// OpenKeyFile opens a key file written by WriteKeys or a KeyWriter, for
// the keys imported on day date; nil (and no error) when it does not exist.
func OpenKeyFile(path, date string) (*KeyFile, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	fi, err := f.Stat()
	if err != nil || fi.Size()%16 != 0 {
		f.Close()
		return nil, fmt.Errorf("state: %s is damaged (size not a multiple of 16)", path)
	}
	kf := &KeyFile{Date: date, f: f, n: fi.Size() / 16, buf: make([]byte, blockKeys*16)}
	if err := kf.loadSparse(); err != nil {
		f.Close()
		return nil, err
	}
	return kf, nil
}

func (kf *KeyFile) loadSparse() error {
	var k Key
	for i := int64(0); i < kf.n; i += blockKeys {
		if _, err := kf.f.ReadAt(k[:], i*16); err != nil {
			return fmt.Errorf("state: read %s: %w", kf.f.Name(), err)
		}
		kf.sparse = append(kf.sparse, k)
	}
	return nil
}

// Contains reports whether k is in the file: a binary search of the sparse
// index, then of one block read from disk.
func (kf *KeyFile) Contains(k Key) (bool, error) {
	// block b is the last whose first key is <= k
	b, found := slices.BinarySearchFunc(kf.sparse, k, func(e, t Key) int { return bytes.Compare(e[:], t[:]) })
	if found {
		return true, nil
	}
	if b == 0 {
		return false, nil
	}
	b--
	start := int64(b) * blockKeys
	cnt := min(int64(blockKeys), kf.n-start)
	buf := kf.buf[:cnt*16]
	if _, err := kf.f.ReadAt(buf, start*16); err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("state: read %s: %w", kf.f.Name(), err)
	}
	lo, hi := 0, int(cnt)
	for lo < hi {
		m := (lo + hi) / 2
		switch c := bytes.Compare(buf[m*16:m*16+16], k[:]); {
		case c == 0:
			return true, nil
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false, nil
}

// Close closes the file.
func (kf *KeyFile) Close() error { return kf.f.Close() }

// Window is the key files of the days before a partition day.
type Window struct{ files []*KeyFile }

// OpenWindow opens the key files of the days date-1 … date-days that have
// one (days ≤ 0: none).
func (s *State) OpenWindow(date validate.Date, days int) (*Window, error) {
	w := &Window{}
	for i := 1; i <= days; i++ {
		kf, err := s.OpenKeys(date.AddDays(-i).String())
		if err != nil {
			w.Close()
			return nil, err
		}
		if kf != nil {
			w.files = append(w.files, kf)
		}
	}
	return w, nil
}

// Seen returns the day that already imported k, or "" when none did.
func (w *Window) Seen(k Key) (string, error) {
	for _, kf := range w.files {
		ok, err := kf.Contains(k)
		if err != nil {
			return "", err
		}
		if ok {
			return kf.Date, nil
		}
	}
	return "", nil
}

// Add puts one more day's key file in the window; Close closes it.
func (w *Window) Add(kf *KeyFile) { w.files = append(w.files, kf) }

// Close closes the window's files.
func (w *Window) Close() error {
	for _, kf := range w.files {
		kf.Close()
	}
	w.files = nil
	return nil
}
