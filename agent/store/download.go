package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// Download copies key into a new temporary file in dir ("" = the system
// temp folder), hashing it on the way, for readers that need random access
// (Parquet). The caller closes and removes the file.
func Download(ctx context.Context, st Store, key, dir string) (f *os.File, size int64, sha string, err error) {
	rc, err := st.Get(ctx, key)
	if err != nil {
		return nil, 0, "", fmt.Errorf("read %s: %w", key, err)
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(dir, "hackle-agent-*.download")
	if err != nil {
		return nil, 0, "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), rc)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, 0, "", fmt.Errorf("read %s: %w", key, err)
	}
	return tmp, n, hex.EncodeToString(h.Sum(nil)), nil
}
