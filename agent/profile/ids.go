package profile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

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
