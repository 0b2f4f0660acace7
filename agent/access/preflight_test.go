package access_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hackle/hackle-agent/agent/access"
	"github.com/hackle/hackle-agent/agent/store/file"
)

// Preflight passes with working keys and leaves nothing behind; with a
// wrong secret it fails naming the store and the permission.
func TestPreflightS3(t *testing.T) {
	s := s3Server(t)
	bucket := s.newBucket(t)
	useKeys(t, s.access, s.secret)
	st := openS3(t, s, "s3://"+bucket+"/events")
	for _, write := range []bool{false, true} {
		if err := access.Preflight(context.Background(), st, write); err != nil {
			t.Fatalf("write=%v: %v", write, err)
		}
	}
	out, err := s.client().ListObjectsV2(context.Background(), &awss3.ListObjectsV2Input{Bucket: &bucket})
	if err != nil || len(out.Contents) != 0 {
		t.Fatalf("left %d objects behind (%v)", len(out.Contents), err)
	}

	useKeys(t, s.access, "not-the-secret")
	st = openS3(t, s, "s3://"+bucket+"/events")
	err = access.Preflight(context.Background(), st, true)
	var pe *access.PreflightError
	if !errors.As(err, &pe) || pe.Store != "s3://"+bucket+"/events" || !strings.HasPrefix(pe.Permission, "s3:") || access.Blocker([]access.CheckResult{{Err: err}}) == nil {
		t.Fatalf("wrong secret: %v (%+v)", err, pe)
	}
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Fatal("the error shows the secret")
	}
}

// A folder has no bucket to probe: Preflight does nothing (and creates
// nothing) there.
func TestPreflightFolder(t *testing.T) {
	dir := t.TempDir() + "/not-yet"
	st, err := file.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := access.Preflight(context.Background(), st, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("Preflight created the folder")
	}
}
