package s3

import (
	"context"
	"net/url"

	"github.com/hackle/hackle-agent/agent/store"
)

func init() {
	store.Register(store.Backend[Options]{
		Schemes: []string{"s3"},
		Open: func(ctx context.Context, u *url.URL, opts *Options) (store.Store, error) {
			return Open(ctx, u.Host, u.Path, *opts)
		},
		Permissions: store.Permissions{
			Bucket: "s3:GetBucketLocation", List: "s3:ListBucket", Put: "s3:PutObject",
			Get: "s3:GetObject", Version: "s3:GetObjectVersion", Delete: "s3:DeleteObject",
		},
		Policy: policy,
	})
}

// Options are how the S3 backend connects; the CLI makes a flag of each.
// Credentials themselves come from the SDK's chain (the environment, a
// profile, SSO, an instance role), never from a flag.
type Options struct {
	Profile    string `option:"profile" help:"S3: shared-config profile (default: the AWS default credential chain)"`
	Region     string `option:"region" help:"S3: bucket region (default: found with GetBucketLocation)"`
	RoleARN    string `option:"role-arn" help:"S3: role to assume with STS AssumeRole"`
	ExternalID string `option:"external-id" help:"S3: external id for --role-arn"`
	Endpoint   string `option:"endpoint" alias:"endpoint-url" value:"url" help:"S3-compatible store URL, e.g. https://minio.internal:9000"`
	PathStyle  bool   `option:"path-style" help:"S3: path-style addressing (https://host/bucket/key), for S3-compatible stores"`
}
