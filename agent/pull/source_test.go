package pull

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSourceNameURLs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"s3://bucket/events", "s3://bucket/events"},
		{"S3://Bucket/events/", "s3://bucket/events"},
		{"s3://bucket//events/./x/../", "s3://bucket/events"},
		{"s3://bucket", "s3://bucket"},
		{"s3://bucket/", "s3://bucket"},
		{"gs://bucket/Events?x=1#f", "gs://bucket/Events"}, // the prefix keeps its case
	}
	for _, tt := range tests {
		if got, err := SourceName(tt.in); got != tt.want || err != nil {
			t.Errorf("SourceName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := SourceName("s3://AKIA:secret@bucket/p"); err == nil {
		t.Error("a URL with credentials was accepted")
	}
}

func TestSourceNameFolders(t *testing.T) {
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	bucket := filepath.Join(root, "bucket", "events")
	os.MkdirAll(bucket, 0o755)
	link := filepath.Join(root, "link")
	if err := os.Symlink(filepath.Join(root, "bucket"), link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	t.Chdir(root)
	for _, in := range []string{"bucket/events", "./bucket/events/", bucket, "file://" + bucket, "link/events", "bucket/x/../events"} {
		if got, err := SourceName(in); got != bucket || err != nil {
			t.Errorf("SourceName(%q) = %q, %v; want %q", in, got, err, bucket)
		}
	}
	// a folder that does not exist yet: absolute and clean, the existing
	// part's links resolved
	if got, _ := SourceName("link/new/"); got != filepath.Join(root, "bucket", "new") {
		t.Errorf("SourceName(link/new/) = %q", got)
	}
}
