package s3

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/hackle/hackle-agent/agent/store"
)

// ObjectActions are granted on arn:aws:s3:::<bucket>/<prefix>/*.
var ObjectActions = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:PutObject"}

// BucketActions are granted on arn:aws:s3:::<bucket>, limited to the prefix.
var BucketActions = []string{"s3:ListBucket", "s3:GetBucketLocation"}

// policy is what the customer gives Hackle on s3://bucket/prefix: the IAM
// policy JSON of Hackle's template (docs/schema.md) with bucket and
// prefix filled in.
func policy(u *url.URL) (store.Policy, error) {
	if u.Host == "" {
		return store.Policy{}, fmt.Errorf("no bucket in %q (want s3://bucket/prefix)", u.String())
	}
	prefix := strings.Trim(u.Path, "/")
	text, err := Policy(u.Host, prefix)
	p := store.Policy{Text: text}
	if prefix == "" {
		p.Notes = []string{"no prefix given: the policy grants the whole bucket (objects on <bucket>/*, listing without a prefix condition)"}
	}
	return p, err
}

type iamPolicy struct {
	Version   string         `json:"Version"`
	Statement []iamStatement `json:"Statement"`
}

type iamStatement struct {
	Effect    string                         `json:"Effect"`
	Action    []string                       `json:"Action"`
	Resource  string                         `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// Policy fills Hackle's template. With an empty prefix the objects are
// <bucket>/* and the listing has no s3:prefix condition (an unconditioned
// ListBucket is what "the whole bucket" means; a condition on "*" would
// fail for a listing that sends no prefix at all).
func Policy(bucket, prefix string) (string, error) {
	prefix = strings.Trim(prefix, "/")
	objects := "arn:aws:s3:::" + bucket + "/*"
	var cond map[string]map[string][]string
	if prefix != "" {
		objects = "arn:aws:s3:::" + bucket + "/" + prefix + "/*"
		cond = map[string]map[string][]string{
			"StringLike": {"s3:prefix": {prefix + "/*", prefix + "/", prefix}},
		}
	}
	p := iamPolicy{Version: "2012-10-17", Statement: []iamStatement{
		{Effect: "Allow", Action: ObjectActions, Resource: objects},
		{Effect: "Allow", Action: BucketActions, Resource: "arn:aws:s3:::" + bucket, Condition: cond},
	}}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return "", err
	}
	return string(b) + "\n", nil
}
