package s3

import (
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ProbeBucket exercises s3:GetBucketLocation (for the check command).
func (s *Store) ProbeBucket(ctx context.Context) error {
	_, err := s.client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &s.bucket})
	if err != nil {
		return s.wrap("get location of bucket", "", err)
	}
	return nil
}

// ProbeVersion exercises s3:GetObjectVersion on key's current version. An
// object without a version id lives in an unversioned bucket: versioned is
// false and nothing is read. (Finding out needs no s3:GetBucketVersioning,
// which Hackle does not ask for.)
func (s *Store) ProbeVersion(ctx context.Context, key string) (versioned bool, err error) {
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: aws.String(s.full(key))})
	if err != nil {
		return false, s.wrap("stat", key, err)
	}
	v := aws.ToString(head.VersionId)
	if v == "" || v == "null" {
		return false, nil
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(s.full(key)), VersionId: &v})
	if err != nil {
		return true, s.wrap("get version "+v+" of", key, err)
	}
	defer out.Body.Close()
	_, err = io.Copy(io.Discard, out.Body)
	return true, err
}
