package gcs

import (
	"net/url"
	"strings"
	"testing"
)

func TestGCSPolicy(t *testing.T) {
	for _, raw := range []string{"gs://customer-data-hackle/test/prefix-custom", "gcs://customer-data-hackle/test/prefix-custom/"} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		p, err := policy(u)
		if err != nil {
			t.Fatal(err)
		}
		got := p.Text
		for _, p := range Permissions {
			if !strings.Contains(got, "#   "+p+"\n") {
				t.Errorf("%s: permission %s not listed:\n%s", raw, p, got)
			}
		}
		cmd := "gcloud iam roles create hackleDataImport --project=PROJECT_ID --title=\"Hackle Data Import\" " +
			"--permissions=storage.buckets.get,storage.objects.get,storage.objects.create,storage.objects.delete,storage.objects.list\n"
		if !strings.Contains(got, cmd) {
			t.Errorf("%s: no ready gcloud command:\n%s", raw, got)
		}
		if !strings.Contains(got, "gs://customer-data-hackle/test/prefix-custom:") {
			t.Errorf("%s: destination not named:\n%s", raw, got)
		}
	}
}

func TestPolicyNeedsABucket(t *testing.T) {
	if _, err := policy(&url.URL{Scheme: "gs", Path: "/p"}); err == nil {
		t.Error("a policy for no bucket")
	}
}
