package access

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// hackleTemplate is Hackle's published IAM policy (Data Import docs), with
// <bucket> and <prefix> to fill in.
const hackleTemplate = `{
"Version": "2012-10-17",
"Statement": [
{
"Effect": "Allow",
"Action": [
"s3:GetObject",
"s3:GetObjectVersion",
"s3:DeleteObject",
"s3:PutObject"
],
"Resource": "arn:aws:s3:::<bucket>/<prefix>/*"
},
{
"Effect": "Allow",
"Action": [
"s3:ListBucket",
"s3:GetBucketLocation"
],
"Resource": "arn:aws:s3:::<bucket>",
"Condition": {
"StringLike": {
"s3:prefix": [
"<prefix>/*",
"<prefix>/",
"<prefix>"
]
}
}
}
]
}`

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not valid JSON: %v\n%s", err, s)
	}
	return v
}

func TestS3PolicyIsTheTemplate(t *testing.T) {
	for _, raw := range []string{
		"s3://customer-data-hackle/test/prefix-custom",
		"s3://customer-data-hackle/test/prefix-custom/",
		"s3://customer-data-hackle//test/prefix-custom//",
	} {
		got, err := Policy(mustParse(t, raw))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.NewReplacer("<bucket>", "customer-data-hackle", "<prefix>", "test/prefix-custom").Replace(hackleTemplate)
		if !reflect.DeepEqual(decode(t, got), decode(t, want)) {
			t.Errorf("%s: policy\n%s\nis not Hackle's template filled in:\n%s", raw, got, want)
		}
	}
}

func TestS3PolicyNoPrefix(t *testing.T) {
	u := mustParse(t, "s3://whole-bucket")
	got, err := Policy(u)
	if err != nil {
		t.Fatal(err)
	}
	p := decode(t, got).(map[string]any)
	st := p["Statement"].([]any)
	if r := st[0].(map[string]any)["Resource"]; r != "arn:aws:s3:::whole-bucket/*" {
		t.Errorf("object resource = %v", r)
	}
	if _, has := st[1].(map[string]any)["Condition"]; has {
		t.Errorf("a whole-bucket policy has a prefix condition: %s", got)
	}
	if len(Notes(u)) == 0 {
		t.Error("no note says that the whole bucket is granted")
	}
}

func TestGCSPolicy(t *testing.T) {
	for _, raw := range []string{"gs://customer-data-hackle/test/prefix-custom", "gcs://customer-data-hackle/test/prefix-custom/"} {
		got, err := Policy(mustParse(t, raw))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range GCSPermissions {
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

func TestPolicyRejectsOtherSchemes(t *testing.T) {
	for _, raw := range []string{"file:///tmp/x", "s3:///no-bucket", "azure://c/p"} {
		if _, err := Policy(mustParse(t, raw)); err == nil {
			t.Errorf("Policy(%q) gave no error", raw)
		}
	}
}
