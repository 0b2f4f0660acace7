// Package s3 is the store.Store backend for Amazon S3 and S3-compatible
// stores (s3://bucket/prefix), built on aws-sdk-go-v2.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hackle/hackle-agent/agent/store"
)

// Store is a bucket and a prefix. Keys are relative to the prefix.
type Store struct {
	client *s3.Client
	bucket string
	prefix string // no leading or trailing '/'
	source string // where the credentials came from, for messages
}

var _ store.Store = (*Store)(nil)

// Open connects to bucket with the credentials opts name. The region is
// opts.Region or found with GetBucketLocation; a missing bucket is an error.
func Open(ctx context.Context, bucket, prefix string, opts Options) (*Store, error) {
	if bucket == "" {
		return nil, fmt.Errorf("s3: no bucket in the URL (want s3://bucket/prefix)")
	}
	cfg, err := loadConfig(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	s := &Store{bucket: bucket, prefix: strings.Trim(prefix, "/"), source: credSource(opts)}
	region, err := findRegion(ctx, cfg, opts, bucket)
	if err != nil {
		return nil, fmt.Errorf("s3: open %s: %w", s, err)
	}
	s.client = newClient(cfg, opts, region)
	return s, nil
}

// String is "s3://bucket/prefix".
func (s *Store) String() string {
	if s.prefix == "" {
		return "s3://" + s.bucket
	}
	return "s3://" + s.bucket + "/" + s.prefix
}

// Bucket and Prefix name the store's root.
func (s *Store) Bucket() string { return s.bucket }
func (s *Store) Prefix() string { return s.prefix }

func (s *Store) full(key string) string { return store.Prefix(s.prefix).Full(key) }
func (s *Store) rel(full string) string { return store.Prefix(s.prefix).Rel(full) }

// Get opens key. A missing key is store.ErrNotExist.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(s.full(key))})
	if err != nil {
		return nil, s.wrap("get", key, err)
	}
	return out.Body, nil
}

// Stat describes key with HeadObject. A missing key is store.ErrNotExist.
func (s *Store) Stat(ctx context.Context, key string) (store.ObjectInfo, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: aws.String(s.full(key))})
	if err != nil {
		return store.ObjectInfo{}, s.wrap("stat", key, err)
	}
	return store.ObjectInfo{
		Key:     key,
		Size:    aws.ToInt64(out.ContentLength),
		ModTime: aws.ToTime(out.LastModified),
		ETag:    strings.Trim(aws.ToString(out.ETag), `"`),
	}, nil
}

// List pages through ListObjectsV2 under the prefix; S3 returns keys in
// UTF-8 byte order, which is Go's string order.
func (s *Store) List(ctx context.Context, prefix string, fn func(store.ObjectInfo) error) error {
	full := s.full(prefix)
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: aws.String(full)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return s.wrap("list", prefix, err)
		}
		for _, o := range page.Contents {
			if strings.HasSuffix(aws.ToString(o.Key), "/") {
				continue // a folder placeholder, not an object
			}
			if err := fn(s.info(o)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) info(o types.Object) store.ObjectInfo {
	return store.ObjectInfo{
		Key:     s.rel(aws.ToString(o.Key)),
		Size:    aws.ToInt64(o.Size),
		ModTime: aws.ToTime(o.LastModified),
		ETag:    strings.Trim(aws.ToString(o.ETag), `"`),
	}
}

// Delete removes key; S3 answers success for a missing key.
func (s *Store) Delete(ctx context.Context, key string) error {
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: aws.String(s.full(key))})
	if err == nil {
		return nil
	}
	if err = s.wrap("delete", key, err); errors.Is(err, store.ErrNotExist) {
		return nil
	}
	return err
}
