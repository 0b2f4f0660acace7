package access_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"cloud.google.com/go/storage"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"google.golang.org/api/option"

	"github.com/hackle/hackle-agent/agent/access"
	"github.com/hackle/hackle-agent/agent/store"
	_ "github.com/hackle/hackle-agent/agent/store/gcs"
	_ "github.com/hackle/hackle-agent/agent/store/s3"
	"github.com/hackle/hackle-agent/agent/store/storetest"
)

type s3server struct{ endpoint, access, secret string }

func s3Server(t *testing.T) s3server {
	v := storetest.Env(t, "HACKLE_TEST_S3_ENDPOINT", "HACKLE_TEST_S3_ACCESS_KEY", "HACKLE_TEST_S3_SECRET_KEY")
	return s3server{v[0], v[1], v[2]}
}

func (s s3server) client() *awss3.Client {
	return awss3.New(awss3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s.access, s.secret, ""),
	})
}

func useKeys(t *testing.T, access, secret string) {
	t.Setenv("AWS_ACCESS_KEY_ID", access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
}

// newBucket makes a bucket owned by the root user; it is emptied and removed after.
func (s s3server) newBucket(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	name := storetest.UniqueName("hackle-check")
	c := s.client()
	if _, err := c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		vs, _ := c.ListObjectVersions(ctx, &awss3.ListObjectVersionsInput{Bucket: &name})
		if vs != nil {
			for _, v := range vs.Versions {
				c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &name, Key: v.Key, VersionId: v.VersionId})
			}
			for _, m := range vs.DeleteMarkers {
				c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &name, Key: m.Key, VersionId: m.VersionId})
			}
		}
		out, _ := c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: &name})
		if out != nil {
			for _, o := range out.Contents {
				c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &name, Key: o.Key})
			}
		}
		c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: &name})
	})
	return name
}

func openS3(t *testing.T, s s3server, url string) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url, store.Options{"endpoint": s.endpoint, "path-style": "true"})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func runCheck(t *testing.T, st store.Store) []access.CheckResult {
	t.Helper()
	rs, err := access.Check(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	access.PrintTable(&buf, st.String(), rs)
	t.Log("\n" + buf.String())
	return rs
}

func wantAllPass(t *testing.T, rs []access.CheckResult) {
	t.Helper()
	if !access.Passed(rs) {
		t.Fatalf("check failed with full rights: missing %v", access.Missing(rs))
	}
}

func noProbeLeft(t *testing.T, st store.Store) {
	t.Helper()
	st.List(context.Background(), "", func(oi store.ObjectInfo) error {
		if strings.Contains(oi.Key, access.ProbePrefix) {
			t.Errorf("probe object %s left behind", oi.Key)
		}
		return nil
	})
}

func TestCheckS3FullRights(t *testing.T) {
	srv := s3Server(t)
	useKeys(t, srv.access, srv.secret)
	st := openS3(t, srv, "s3://"+srv.newBucket(t)+"/test/prefix-custom")
	rs := runCheck(t, st)
	wantAllPass(t, rs)
	if len(rs) != 6 {
		t.Fatalf("%d results, want 6 (one per permission)", len(rs))
	}
	if v := rs[4]; v.Permission != "s3:GetObjectVersion" || !v.Skipped {
		t.Errorf("version check on an unversioned bucket = %+v, want skipped", v)
	}
	noProbeLeft(t, st)
}

func TestCheckS3Versioned(t *testing.T) {
	srv := s3Server(t)
	useKeys(t, srv.access, srv.secret)
	bucket := srv.newBucket(t)
	_, err := srv.client().PutBucketVersioning(context.Background(), &awss3.PutBucketVersioningInput{
		Bucket: &bucket, VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled},
	})
	if err != nil {
		t.Skipf("server does not do versioning: %v", err)
	}
	rs := runCheck(t, openS3(t, srv, "s3://"+bucket+"/p"))
	wantAllPass(t, rs)
	if v := rs[4]; v.Permission != "s3:GetObjectVersion" || v.Skipped {
		t.Errorf("version check on a versioned bucket = %+v, want run", v)
	}
}

// TestCheckS3NoDelete grants a second user everything Hackle asks for but
// s3:DeleteObject, with a bucket policy: check must fail and name it.
func TestCheckS3NoDelete(t *testing.T) {
	srv := s3Server(t)
	lim := storetest.Env(t, "HACKLE_TEST_S3_LIMITED_ACCESS_KEY", "HACKLE_TEST_S3_LIMITED_SECRET_KEY")
	bucket := srv.newBucket(t)
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Principal":{"AWS":[%q]},"Action":["s3:GetObject","s3:GetObjectVersion","s3:PutObject"],"Resource":"arn:aws:s3:::%s/p/*"},
{"Effect":"Allow","Principal":{"AWS":[%q]},"Action":["s3:ListBucket","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::%s"}]}`,
		lim[0], bucket, lim[0], bucket)
	if _, err := srv.client().PutBucketPolicy(context.Background(), &awss3.PutBucketPolicyInput{Bucket: &bucket, Policy: &policy}); err != nil {
		t.Fatalf("put bucket policy: %v", err)
	}
	useKeys(t, lim[0], lim[1])
	st := openS3(t, srv, "s3://"+bucket+"/p")
	rs := runCheck(t, st)
	if miss := access.Missing(rs); len(miss) != 1 || miss[0] != "s3:DeleteObject" {
		t.Fatalf("missing = %v, want exactly [s3:DeleteObject]", miss)
	}
	var buf bytes.Buffer
	access.PrintTable(&buf, st.String(), rs)
	if !strings.Contains(buf.String(), "FAILED: missing permission(s): s3:DeleteObject") {
		t.Fatalf("table does not name the missing permission:\n%s", buf.String())
	}
	if strings.Contains(buf.String(), lim[1]) {
		t.Fatal("table prints the secret")
	}
}

func TestCheckGCS(t *testing.T) {
	ep := storetest.Env(t, "HACKLE_TEST_GCS_ENDPOINT")[0]
	ctx := context.Background()
	c, err := storage.NewClient(ctx, option.WithEndpoint(ep+"/storage/v1/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	bucket := storetest.UniqueName("hackle-check")
	if err := c.Bucket(bucket).Create(ctx, "test-project", nil); err != nil {
		t.Fatal(err)
	}
	defer c.Bucket(bucket).Delete(ctx)
	st, err := store.Open(ctx, "gs://"+bucket+"/test/prefix-custom", store.Options{"endpoint": ep})
	if err != nil {
		t.Fatal(err)
	}
	rs := runCheck(t, st)
	wantAllPass(t, rs)
	if rs[0].Permission != "storage.buckets.get" || rs[0].Skipped {
		t.Errorf("bucket check = %+v, want storage.buckets.get run", rs[0])
	}
	noProbeLeft(t, st)
}

func TestCheckGCSMissingBucket(t *testing.T) {
	ep := storetest.Env(t, "HACKLE_TEST_GCS_ENDPOINT")[0]
	st, err := store.Open(context.Background(), "gs://"+storetest.UniqueName("no-such")+"/p", store.Options{"endpoint": ep})
	if err != nil {
		t.Fatal(err)
	}
	rs := runCheck(t, st)
	if access.Passed(rs) {
		t.Fatal("check passed on a missing bucket")
	}
}
