package s3

import (
	"context"
	"errors"
	"fmt"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// maxAttempts bounds the SDK's retries (with exponential backoff and jitter)
// on throttling (SlowDown, 503), 5xx and connection errors.
const maxAttempts = 10

func newRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = 20 * time.Second
		o.RateLimiter = ratelimit.None // never give up early on a long throttle
	})
}

// credSource names where the credentials come from, for error messages. It
// never holds a secret.
func credSource(opts Options) string {
	var src string
	switch {
	case opts.Profile != "":
		src = fmt.Sprintf("profile %q", opts.Profile)
	case os.Getenv("AWS_ACCESS_KEY_ID") != "":
		src = "environment (AWS_ACCESS_KEY_ID)"
	case os.Getenv("AWS_PROFILE") != "":
		src = fmt.Sprintf("profile %q (AWS_PROFILE)", os.Getenv("AWS_PROFILE"))
	default:
		src = "the default credential chain"
	}
	if opts.RoleARN != "" {
		src = fmt.Sprintf("role %s assumed with %s", opts.RoleARN, src)
	}
	return src
}

// loadConfig resolves credentials the SDK way (env, profile, SSO, instance
// role…) and wraps them in an STS AssumeRole provider when a role is given.
func loadConfig(ctx context.Context, opts Options) (aws.Config, error) {
	lo := []func(*config.LoadOptions) error{config.WithRetryer(newRetryer), config.WithLogger(sdkLogger{})}
	if opts.Profile != "" {
		lo = append(lo, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		lo = append(lo, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return cfg, fmt.Errorf("load AWS config from %s: %w", credSource(opts), err)
	}
	if opts.RoleARN != "" {
		if cfg.Region == "" {
			cfg.Region = "us-east-1" // STS is global; any region signs
		}
		prov := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), opts.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "hackle-agent"
			if opts.ExternalID != "" {
				o.ExternalID = aws.String(opts.ExternalID)
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(prov)
	}
	return cfg, nil
}

// endpointURL accepts "host:port" as well as a full URL (the CLI refuses
// the former: the endpoint option is value:"url").
func endpointURL(ep string) string {
	if ep == "" || strings.Contains(ep, "://") {
		return ep
	}
	return "https://" + ep
}

func newClient(cfg aws.Config, opts Options, region string) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.Region = region
		o.UsePathStyle = opts.PathStyle
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(endpointURL(opts.Endpoint))
		}
	})
}

// findRegion returns opts.Region, else the bucket's region from
// GetBucketLocation. When that is denied (Hackle's policy puts an s3:prefix
// condition on it, which the call does not carry), the region comes from
// HeadBucket's x-amz-bucket-region header, which S3 sends even with a 403.
// Failing both, the configured region is used, or us-east-1 (what
// S3-compatible stores behind an endpoint expect). A bucket that does not
// exist is an error.
func findRegion(ctx context.Context, cfg aws.Config, opts Options, bucket string) (string, error) {
	if opts.Region != "" {
		return opts.Region, nil
	}
	probe := cfg.Region
	if probe == "" {
		probe = "us-east-1"
	}
	out, err := newClient(cfg, opts, probe).GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		return locationRegion(string(out.LocationConstraint)), nil
	case isCode(err, "NoSuchBucket"):
		return "", errNoBucket(bucket)
	case errors.Is(err, context.Canceled):
		return "", err
	}
	head, herr := newClient(cfg, opts, probe).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if herr == nil && aws.ToString(head.BucketRegion) != "" {
		return aws.ToString(head.BucketRegion), nil
	}
	var re *awshttp.ResponseError
	if errors.As(herr, &re) && re.Response != nil {
		if r := re.Response.Header.Get("X-Amz-Bucket-Region"); r != "" {
			return r, nil
		}
	}
	return probe, nil
}

func locationRegion(loc string) string {
	switch loc {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	}
	return loc
}
