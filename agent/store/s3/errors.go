package s3

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/hackle/hackle-agent/agent/store"
)

// credentialCodes are the S3 error codes that mean the credentials
// themselves are wrong or expired (as opposed to lacking a permission).
var credentialCodes = map[string]bool{
	"InvalidAccessKeyId":    true,
	"SignatureDoesNotMatch": true,
	"ExpiredToken":          true,
	"InvalidToken":          true,
	"TokenRefreshRequired":  true,
	"InvalidClientTokenId":  true,
}

func isCode(err error, codes ...string) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}

// fetchingCredentials tells a failure to get credentials (none found, STS
// refusing the role) from the S3 request's own failure. The SDK marks it
// only in the message.
func fetchingCredentials(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "failed to refresh cached credentials") || strings.Contains(msg, "failed to retrieve credentials")
}

func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func errNoBucket(bucket string) error { return store.BucketMissingError{Bucket: bucket} }

// wrap gives err the context of the operation: `s3: put "key": cause`. A
// missing key becomes store.ErrNotExist, a missing bucket and rejected
// credentials become messages that say so (naming the credential source,
// never a secret).
func (s *Store) wrap(op, key string, err error) error {
	var cause error
	switch {
	case fetchingCredentials(err):
		cause = store.CredentialsError{Source: s.source, How: "could not be obtained", Err: shortErr(err)}
	case isCode(err, "NoSuchBucket"):
		cause = errNoBucket(s.bucket)
	case isCode(err, "NoSuchKey", "NotFound") || httpStatus(err) == http.StatusNotFound:
		cause = fmt.Errorf("%w (%v)", store.ErrNotExist, shortErr(err))
	case isCode(err, keys(credentialCodes)...):
		cause = store.CredentialsError{Source: s.source, How: "were rejected", Err: shortErr(err)}
	case isCode(err, "AccessDenied", "Forbidden") || httpStatus(err) == http.StatusForbidden:
		cause = fmt.Errorf("access denied to the credentials from %s (a missing permission, or wrong keys): %w", s.source, shortErr(err))
	default:
		cause = err
	}
	if key == "" && strings.Contains(op, "bucket") {
		return fmt.Errorf("s3: %s %q: %w", op, s.bucket, cause)
	}
	return fmt.Errorf("s3: %s %q: %w", op, s.full(key), cause)
}

// shortErr keeps the API error (code and message) and drops the SDK's
// operation and request-id wrapping, which the caller's context replaces.
func shortErr(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae
	}
	return err
}

func keys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
