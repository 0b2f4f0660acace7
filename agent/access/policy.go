// Package access knows the permissions Hackle asks for on a customer's
// bucket (docs/schema.md): it prints them as an IAM policy or a gcloud
// command (Policy), and exercises them against a real store (Check).
package access

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// S3ObjectActions are granted on arn:aws:s3:::<bucket>/<prefix>/*.
var S3ObjectActions = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:PutObject"}

// S3BucketActions are granted on arn:aws:s3:::<bucket>, limited to the prefix.
var S3BucketActions = []string{"s3:ListBucket", "s3:GetBucketLocation"}

// GCSPermissions are what a GCS custom role for Hackle holds.
var GCSPermissions = []string{
	"storage.buckets.get",
	"storage.objects.get",
	"storage.objects.create",
	"storage.objects.delete",
	"storage.objects.list",
}

// GCSRoleID is the custom role's id in the printed gcloud command.
const GCSRoleID = "hackleDataImport"

// Policy returns what the customer gives Hackle for the destination u: for
// s3:// the IAM policy JSON of Hackle's template with bucket and prefix
// filled in, for gs:// and gcs:// the permissions and gcloud commands.
func Policy(u *url.URL) (string, error) {
	bucket, prefix := u.Host, strings.Trim(u.Path, "/")
	if u.Scheme != "s3" && u.Scheme != "gs" && u.Scheme != "gcs" {
		return "", fmt.Errorf("policy is for object stores: %q is not an s3://, gs:// or gcs:// URL", u.String())
	}
	if bucket == "" {
		return "", fmt.Errorf("no bucket in %q (want s3://bucket/prefix or gs://bucket/prefix)", u.String())
	}
	switch u.Scheme {
	case "s3":
		return S3Policy(bucket, prefix)
	case "gs", "gcs":
		return GCSPolicy(bucket, prefix), nil
	}
	return "", fmt.Errorf("policy: %q is not an s3:// or gs:// URL", u.String())
}

// Notes says what the printed policy means beyond itself (for stderr).
func Notes(u *url.URL) []string {
	if strings.Trim(u.Path, "/") == "" && u.Scheme == "s3" {
		return []string{"no prefix given: the policy grants the whole bucket (objects on <bucket>/*, listing without a prefix condition)"}
	}
	return nil
}

type s3Policy struct {
	Version   string        `json:"Version"`
	Statement []s3Statement `json:"Statement"`
}

type s3Statement struct {
	Effect    string                         `json:"Effect"`
	Action    []string                       `json:"Action"`
	Resource  string                         `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// S3Policy fills Hackle's template. With an empty prefix the objects are
// <bucket>/* and the listing has no s3:prefix condition (an unconditioned
// ListBucket is what "the whole bucket" means; a condition on "*" would
// fail for a listing that sends no prefix at all).
func S3Policy(bucket, prefix string) (string, error) {
	prefix = strings.Trim(prefix, "/")
	objects := "arn:aws:s3:::" + bucket + "/*"
	var cond map[string]map[string][]string
	if prefix != "" {
		objects = "arn:aws:s3:::" + bucket + "/" + prefix + "/*"
		cond = map[string]map[string][]string{
			"StringLike": {"s3:prefix": {prefix + "/*", prefix + "/", prefix}},
		}
	}
	p := s3Policy{Version: "2012-10-17", Statement: []s3Statement{
		{Effect: "Allow", Action: S3ObjectActions, Resource: objects},
		{Effect: "Allow", Action: S3BucketActions, Resource: "arn:aws:s3:::" + bucket, Condition: cond},
	}}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return "", err
	}
	return string(b) + "\n", nil
}

// GCSPolicy lists the five permissions and the gcloud commands that make a
// custom role of them and grant it on the bucket.
func GCSPolicy(bucket, prefix string) string {
	var b strings.Builder
	where := "gs://" + bucket
	if p := strings.Trim(prefix, "/"); p != "" {
		where += "/" + p
	}
	fmt.Fprintf(&b, "# Hackle needs these permissions on %s:\n", where)
	for _, p := range GCSPermissions {
		fmt.Fprintf(&b, "#   %s\n", p)
	}
	b.WriteString("# 1. Create a custom role holding exactly them (replace PROJECT_ID):\n")
	fmt.Fprintf(&b, "gcloud iam roles create %s --project=PROJECT_ID --title=\"Hackle Data Import\" --permissions=%s\n",
		GCSRoleID, strings.Join(GCSPermissions, ","))
	b.WriteString("# 2. Grant it on the bucket to the service account whose key you give Hackle (replace SA_EMAIL):\n")
	fmt.Fprintf(&b, "gcloud storage buckets add-iam-policy-binding gs://%s --member=serviceAccount:SA_EMAIL --role=projects/PROJECT_ID/roles/%s\n",
		bucket, GCSRoleID)
	return b.String()
}
