package export

import (
	"context"
	"io"
	"os"
)

// openLocal opens a local input so that ctx can stop a run blocked on it:
// opening a FIFO blocks until a writer opens it, and reading a pipe or a
// terminal blocks until data comes. A regular file is opened as usual.
func openLocal(ctx context.Context, name string) (io.ReadCloser, error) {
	if fi, err := os.Stat(name); err != nil || fi.Mode().IsRegular() {
		return os.Open(name)
	}
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.Open(name)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, o.err
		}
		return interruptible(ctx, o.f, o.f), nil
	case <-ctx.Done():
		go func() { // the open may still succeed: close what it opens
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, context.Cause(ctx)
	}
}

// openStdin reads standard input, which Close leaves open.
func openStdin(ctx context.Context) (io.ReadCloser, error) {
	return interruptible(ctx, os.Stdin, io.NopCloser(os.Stdin)), nil
}

// interruptible returns rc, wrapped unless f is a regular file so that a
// Read blocked on f returns when ctx ends.
func interruptible(ctx context.Context, f *os.File, rc io.ReadCloser) io.ReadCloser {
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		return rc
	}
	return &ctxReader{ctx: ctx, rc: rc}
}

// ctxReader reads in a goroutine and returns from Read when its context
// ends, even while the read underneath is blocked. An abandoned read keeps
// its own buffer, so the caller's p is never written after Read returns.
type ctxReader struct {
	ctx     context.Context
	rc      io.ReadCloser
	buf     []byte
	pending chan readResult // the read in flight, nil when none is
}

type readResult struct {
	n   int
	err error
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, context.Cause(c.ctx)
	}
	if c.pending == nil {
		if cap(c.buf) < len(p) {
			c.buf = make([]byte, len(p))
		}
		buf, ch := c.buf[:len(p)], make(chan readResult, 1)
		go func() {
			n, err := c.rc.Read(buf)
			ch <- readResult{n, err}
		}()
		c.pending = ch
	}
	select {
	case r := <-c.pending:
		c.pending = nil
		return copy(p, c.buf[:r.n]), r.err
	case <-c.ctx.Done():
		return 0, context.Cause(c.ctx)
	}
}

// Close closes the input; a read still blocked on it is abandoned.
func (c *ctxReader) Close() error { return c.rc.Close() }
