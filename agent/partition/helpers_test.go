package partition

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hackle/hackle-agent/agent/store"
	storefile "github.com/hackle/hackle-agent/agent/store/file"
	_ "github.com/hackle/hackle-agent/agent/store/s3" // s3://
	"github.com/hackle/hackle-agent/agent/store/storetest"
	"github.com/hackle/hackle-agent/validate"
)

// stores are the backends a listing test runs against: a local folder,
// and S3 when the test server is up (.ci/servers.sh).
var stores = []struct {
	name string
	new  func(t *testing.T) store.Store
}{
	{"file", fileStore},
	{"s3", s3Store},
}

func fileStore(t *testing.T) store.Store {
	t.Helper()
	st, err := storefile.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// s3Store is a prefix in a fresh bucket of the S3 test server.
func s3Store(t *testing.T) store.Store {
	t.Helper()
	v := storetest.Env(t, "HACKLE_TEST_S3_ENDPOINT", "HACKLE_TEST_S3_ACCESS_KEY", "HACKLE_TEST_S3_SECRET_KEY")
	for k, val := range map[string]string{"AWS_ACCESS_KEY_ID": v[1], "AWS_SECRET_ACCESS_KEY": v[2], "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "us-east-1", "AWS_PROFILE": "", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, val)
	}
	admin := awss3.New(awss3.Options{Region: "us-east-1", BaseEndpoint: aws.String(v[0]), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(v[1], v[2], "")})
	bucket := storetest.UniqueName("partition")
	ctx := context.Background()
	if _, err := admin.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("create bucket %s: %v", bucket, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, _ := admin.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: &bucket})
		if out != nil {
			for _, o := range out.Contents {
				admin.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: &bucket, Key: o.Key})
			}
		}
		admin.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: &bucket})
	})
	st, err := store.Open(ctx, "s3://"+bucket+"/events", store.Options{"endpoint": v[0], "path-style": "true"})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func put(t *testing.T, st store.Store, key string, data []byte) {
	t.Helper()
	if err := st.Put(context.Background(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
}

func date(t *testing.T, s string) validate.Date {
	t.Helper()
	if s == "" {
		return validate.Date{}
	}
	d, err := validate.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
