package parquetfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/hackle/hackle-agent/validate"
)

// PartInfo describes one finished part file.
type PartInfo struct {
	Name   string `json:"name"` // e.g. "000000000000.parquet"
	Size   int64  `json:"size"` // bytes
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"` // hex digest of the file's bytes, computed while writing
}

// PartName is the name of the i-th part file of a partition.
func PartName(i int) string { return fmt.Sprintf("%012d.parquet", i) }

// Parts writes a partition's part files into one directory, rolling to a new
// file when the current one reaches Options.PartRows rows or, at a row-group
// flush, Options.PartBytes bytes. A file is created only when its first row
// arrives. Parts is not safe for concurrent use.
type Parts struct {
	dir   string
	opts  Options
	infos []PartInfo
	err   error // first error; every later call returns it

	file *os.File
	hash hash.Hash
	w    *Writer
}

// NewParts returns a Parts writing into dir, which must exist. Bad options
// are reported by the first Write.
func NewParts(dir string, opts Options) *Parts {
	return &Parts{dir: dir, opts: opts.withDefaults(), infos: []PartInfo{}}
}

// name is the file name of the k-th part this Parts writes.
func (p *Parts) name(k int) string {
	if p.opts.Shards > 1 {
		return PartName(k*p.opts.Shards + p.opts.Shard)
	}
	return PartName(k)
}

// Write adds one row to the current part, starting a new part if needed.
func (p *Parts) Write(ev *validate.Event) error {
	if p.err != nil {
		return p.err
	}
	if p.w == nil {
		if p.err = p.open(); p.err != nil {
			return p.err
		}
	}
	if p.err = p.w.Write(ev); p.err != nil {
		return p.err
	}
	if p.w.Rows() >= p.opts.PartRows || p.w.Size() >= p.opts.PartBytes {
		p.err = p.finish()
	}
	return p.err
}

// Close finishes the last part and returns every part written, in order.
// With zero rows written there is no file and the list is empty. After an
// error the files written so far are left in place for the caller to
// remove.
func (p *Parts) Close() ([]PartInfo, error) {
	if p.err == nil && p.w != nil {
		p.err = p.finish()
	}
	if p.file != nil { // only after an error
		if p.w != nil {
			p.w.stop()
		}
		p.file.Close()
		p.file = nil
	}
	if p.err != nil {
		return nil, p.err
	}
	p.err = errors.New("parquetfile: parts: closed")
	return p.infos, nil
}

func (p *Parts) open() error {
	name := filepath.Join(p.dir, p.name(len(p.infos)))
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("parquetfile: create part: %w", err)
	}
	p.file, p.hash = f, sha256.New()
	p.w, err = NewWriter(io.MultiWriter(f, p.hash), p.opts)
	return err
}

// finish closes the current part and records it.
func (p *Parts) finish() error {
	if err := p.w.Close(); err != nil {
		return err
	}
	if err := p.file.Close(); err != nil {
		p.file = nil
		return fmt.Errorf("parquetfile: close part: %w", err)
	}
	p.infos = append(p.infos, PartInfo{
		Name:   p.name(len(p.infos)),
		Size:   p.w.Size(),
		Rows:   p.w.Rows(),
		SHA256: hex.EncodeToString(p.hash.Sum(nil)),
	})
	p.file, p.hash, p.w = nil, nil, nil
	return nil
}
