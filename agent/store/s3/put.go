package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	partSize    = 8 << 20 // smallest part; objects up to this size go in one PutObject
	maxParts    = 10000   // S3's limit
	concurrency = 3       // parts in flight; memory is about (concurrency+1) × part size
)

// Put streams r to key. Up to partSize bytes go in one PutObject; anything
// larger (or of unknown size) goes as a multipart upload whose memory is
// bounded by a few parts, whatever the object's size. A failed multipart
// upload is aborted, so readers never see a partial object.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	ps := partSizeFor(size)
	first := make([]byte, ps)
	n, err := io.ReadFull(r, first)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return s.putSmall(ctx, key, first[:n])
	case err != nil:
		return fmt.Errorf("s3: put %q: read: %w", s.full(key), err)
	}
	return s.putMultipart(ctx, key, first, r)
}

// partSizeFor grows the part size for known huge objects so that they fit
// in S3's 10,000 parts. Unknown sizes use partSize (80 GB at most).
func partSizeFor(size int64) int {
	ps := int64(partSize)
	if need := (size + maxParts - 1) / maxParts; need > ps {
		ps = (need + 1<<20 - 1) &^ (1<<20 - 1)
	}
	return int(ps)
}

func (s *Store) putSmall(ctx context.Context, key string, data []byte) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        &s.bucket,
		Key:           aws.String(s.full(key)),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
	})
	if err != nil {
		return s.wrap("put", key, err)
	}
	return nil
}

func (s *Store) putMultipart(ctx context.Context, key string, first []byte, r io.Reader) error {
	out, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &s.bucket, Key: aws.String(s.full(key))})
	if err != nil {
		return s.wrap("put", key, err)
	}
	up := &upload{s: s, key: key, id: out.UploadId, free: make(chan []byte, concurrency)}
	if err := up.run(ctx, first, r); err != nil {
		up.abort()
		return err
	}
	return up.complete(ctx)
}

// upload is one multipart upload in progress.
type upload struct {
	s    *Store
	key  string
	id   *string
	free chan []byte // part buffers ready for reuse

	mu    sync.Mutex
	parts []types.CompletedPart
	err   error
}

// run reads parts from r and uploads up to concurrency of them at once.
func (u *upload) run(ctx context.Context, first []byte, r io.Reader) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	buf, n, num := first, len(first), int32(1)
	for n > 0 && u.firstErr() == nil {
		sem <- struct{}{}
		wg.Add(1)
		go func(num int32, buf []byte, n int) {
			defer func() { u.free <- buf; <-sem; wg.Done() }()
			if err := u.part(ctx, num, buf[:n]); err != nil {
				u.fail(err)
				cancel()
			}
		}(num, buf, n)
		buf = u.buffer(len(first))
		var err error
		n, err = io.ReadFull(r, buf)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			u.fail(fmt.Errorf("s3: put %q: read: %w", u.s.full(u.key), err))
			break
		}
		num++
	}
	wg.Wait()
	return u.firstErr()
}

func (u *upload) buffer(size int) []byte {
	select {
	case b := <-u.free:
		return b
	default:
		return make([]byte, size)
	}
}

func (u *upload) part(ctx context.Context, num int32, data []byte) error {
	out, err := u.s.client.UploadPart(ctx, &s3.UploadPartInput{
		Bucket:        &u.s.bucket,
		Key:           aws.String(u.s.full(u.key)),
		UploadId:      u.id,
		PartNumber:    aws.Int32(num),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
	})
	if err != nil {
		return u.s.wrap(fmt.Sprintf("put (part %d)", num), u.key, err)
	}
	u.mu.Lock()
	u.parts = append(u.parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(num)})
	u.mu.Unlock()
	return nil
}

func (u *upload) fail(err error) {
	u.mu.Lock()
	if u.err == nil {
		u.err = err
	}
	u.mu.Unlock()
}

func (u *upload) firstErr() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.err
}

func (u *upload) complete(ctx context.Context) error {
	sort.Slice(u.parts, func(i, j int) bool { return *u.parts[i].PartNumber < *u.parts[j].PartNumber })
	_, err := u.s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          &u.s.bucket,
		Key:             aws.String(u.s.full(u.key)),
		UploadId:        u.id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: u.parts},
	})
	if err != nil {
		u.abort()
		return u.s.wrap("put", u.key, err)
	}
	return nil
}

// abort runs even when ctx is canceled, so no parts are left billed.
func (u *upload) abort() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u.s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &u.s.bucket, Key: aws.String(u.s.full(u.key)), UploadId: u.id})
}

// AbortUploads aborts the multipart uploads in progress under prefix, as a
// killed run leaves them (they are invisible to List, yet billed), and
// returns how many it aborted. Call it only while no live run can be
// uploading there: under the partition's lock.
func (s *Store) AbortUploads(ctx context.Context, prefix string) (int, error) {
	in := &s3.ListMultipartUploadsInput{Bucket: &s.bucket, Prefix: aws.String(s.full(prefix))}
	n := 0
	for {
		out, err := s.client.ListMultipartUploads(ctx, in)
		if err != nil {
			return n, s.wrap("list uploads", prefix, err)
		}
		for _, u := range out.Uploads {
			_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: u.Key, UploadId: u.UploadId})
			if err != nil && !isCode(err, "NoSuchUpload") {
				return n, s.wrap("abort upload", s.rel(aws.ToString(u.Key)), err)
			}
			n++
		}
		if !aws.ToBool(out.IsTruncated) {
			return n, nil
		}
		in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
}
