package s3

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hackle/hackle-agent/agent/store"
)

// S3 has conditional writes (If-None-Match: * and If-Match on PutObject,
// If-Match on DeleteObject) since 2024; versitygw v1.8.0 honours all three.
// A store that ignores them is caught by store.AcquireLock, which then
// refuses to commit.
var (
	_ store.ConditionalPutter = (*Store)(nil)
	_ store.UploadAborter     = (*Store)(nil)
)

// PutIfAbsent writes data with If-None-Match: *; an existing key is
// store.ErrPrecondition. The version is the ETag.
func (s *Store) PutIfAbsent(ctx context.Context, key string, data []byte) (string, error) {
	return s.putIf(ctx, key, data, &s3.PutObjectInput{IfNoneMatch: aws.String("*")})
}

// PutIfMatch writes data with If-Match: version (an ETag); another
// version, or no object, is store.ErrPrecondition.
func (s *Store) PutIfMatch(ctx context.Context, key string, data []byte, version string) (string, error) {
	return s.putIf(ctx, key, data, &s3.PutObjectInput{IfMatch: aws.String(quote(version))})
}

func (s *Store) putIf(ctx context.Context, key string, data []byte, in *s3.PutObjectInput) (string, error) {
	in.Bucket, in.Key = &s.bucket, aws.String(s.full(key))
	in.Body, in.ContentLength = bytes.NewReader(data), aws.Int64(int64(len(data)))
	out, err := s.client.PutObject(ctx, in)
	if err != nil {
		return "", s.wrapCond("put", key, err)
	}
	return strings.Trim(aws.ToString(out.ETag), `"`), nil
}

// DeleteIfMatch deletes key with If-Match: version.
func (s *Store) DeleteIfMatch(ctx context.Context, key, version string) error {
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: aws.String(s.full(key)), IfMatch: aws.String(quote(version))})
	if err != nil {
		return s.wrapCond("delete", key, err)
	}
	return nil
}

// wrapCond is wrap, with a failed condition (412, or 409 for a concurrent
// conditional write) as store.ErrPrecondition.
func (s *Store) wrapCond(op, key string, err error) error {
	if isCode(err, "PreconditionFailed", "ConditionalRequestConflict") || httpStatus(err) == http.StatusPreconditionFailed {
		return fmt.Errorf("s3: %s %q: %w (%v)", op, s.full(key), store.ErrPrecondition, shortErr(err))
	}
	return s.wrap(op, key, err)
}

func quote(etag string) string { return `"` + strings.Trim(etag, `"`) + `"` }
