package s3

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// TestRegionFromHeadBucket: with Hackle's policy, GetBucketLocation is
// denied (its s3:prefix condition), and the region must come from the
// x-amz-bucket-region header S3 sends with HeadBucket's 403. A fake server
// stands in for S3: no S3-compatible server here denies only that call.
func TestRegionFromHeadBucket(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amz-Bucket-Region", "ap-northeast-2")
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`<Error><Code>AccessDenied</Code><Message>denied</Message></Error>`))
	}))
	defer srv.Close()
	cfg := aws.Config{Region: "", Credentials: credentials.NewStaticCredentialsProvider("AKIAEXAMPLE", "secret", "")}
	opts := Options{Endpoint: srv.URL, PathStyle: true}
	got, err := findRegion(context.Background(), cfg, opts, "customer-bucket")
	if err != nil || got != "ap-northeast-2" {
		t.Errorf("findRegion = %q, %v; want ap-northeast-2", got, err)
	}
}
