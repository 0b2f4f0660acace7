package s3

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
		p, err := policy(mustParse(t, raw))
		if err != nil {
			t.Fatal(err)
		}
		got := p.Text
		want := strings.NewReplacer("<bucket>", "customer-data-hackle", "<prefix>", "test/prefix-custom").Replace(hackleTemplate)
		if !reflect.DeepEqual(decode(t, got), decode(t, want)) {
			t.Errorf("%s: policy\n%s\nis not Hackle's template filled in:\n%s", raw, got, want)
		}
	}
}

func TestS3PolicyNoPrefix(t *testing.T) {
	u := mustParse(t, "s3://whole-bucket")
	pol, err := policy(u)
	if err != nil {
		t.Fatal(err)
	}
	got := pol.Text
	p := decode(t, got).(map[string]any)
	st := p["Statement"].([]any)
	if r := st[0].(map[string]any)["Resource"]; r != "arn:aws:s3:::whole-bucket/*" {
		t.Errorf("object resource = %v", r)
	}
	if _, has := st[1].(map[string]any)["Condition"]; has {
		t.Errorf("a whole-bucket policy has a prefix condition: %s", got)
	}
	if len(pol.Notes) == 0 {
		t.Error("no note says that the whole bucket is granted")
	}
}

func TestPolicyNeedsABucket(t *testing.T) {
	if _, err := policy(mustParse(t, "s3:///no-bucket")); err == nil {
		t.Error("a policy for no bucket")
	}
}
