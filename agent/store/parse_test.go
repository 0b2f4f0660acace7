package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/store"
)

// A local path that looks like a mistyped URL is refused, naming the URL
// that was likely meant; real paths and URLs pass.
func TestParseRefusesLookalikes(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want string // in the error; "" means Parse accepts raw
	}{
		{"s3:/bucket/x", "did you mean s3://bucket/x?"},
		{"s3:bucket/x", "did you mean s3://bucket/x?"},
		{"S3:/bucket", "did you mean s3://bucket?"},
		{"s3//bucket/x", "did you mean s3://bucket/x?"},
		{"gs:/bucket/x", "did you mean gs://bucket/x?"},
		{"gcs:bucket", "did you mean gcs://bucket?"},
		{"az:/c/x", "did you mean az://c/x?"}, // any registered scheme (the test backend's)
		{"file:/tmp/x", "did you mean file://tmp/x?"},
		{"https://my-bucket.s3.amazonaws.com/events", "did you mean s3://my-bucket/events?"},
		{"https://my-bucket.s3.eu-west-1.amazonaws.com/", "did you mean s3://my-bucket?"},
		{"https://s3.eu-west-1.amazonaws.com/my-bucket/events", "did you mean s3://my-bucket/events?"},
		{"https://storage.googleapis.com/my-bucket/events", "did you mean gs://my-bucket/events?"},
		{"http://minio:9000/bucket", "--endpoint https://host and s3://bucket/prefix"},
		{"s3:/b/x?sig=secret", "did you mean s3://b/x?sig=xxxxx?"},

		{"s3://bucket/x", ""},
		{"gs://bucket", ""},
		{"./s3:/bucket/x", ""},
		{"exports/s3:x", ""},
		{"s3", ""},
		{"s3x:/y", ""},
		{`C:\data\bucket`, ""},
		{"C:/data/bucket", ""},
		{"/data/s3//x", ""},
		{"dt=2024-01-02", ""},
	} {
		u, err := store.Parse(tc.raw)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("Parse(%q): %v, want it accepted", tc.raw, err)
		case tc.want != "" && err == nil:
			t.Errorf("Parse(%q) = %v, want an error saying %q", tc.raw, u, tc.want)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("Parse(%q): %v, want it to say %q", tc.raw, err, tc.want)
		case tc.want != "" && !errors.Is(err, store.ErrUnsupported):
			t.Errorf("Parse(%q): %v is not ErrUnsupported", tc.raw, err)
		case tc.want != "" && strings.Contains(err.Error(), "secret"):
			t.Errorf("Parse(%q): %v prints a secret", tc.raw, err)
		}
	}
}
