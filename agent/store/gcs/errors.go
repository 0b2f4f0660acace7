package gcs

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"

	"github.com/hackle/hackle-agent/agent/store"
)

// authFailure tells errors of getting a token (a broken key file, an
// unreachable metadata server) from those of the request itself.
func authFailure(err error) bool {
	msg := err.Error()
	for _, w := range []string{"oauth2", "credentials", "private key", "token"} {
		if strings.Contains(msg, w) {
			return true
		}
	}
	return false
}

func httpCode(err error) int {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return ge.Code
	}
	return 0
}

// wrap gives err the context of the operation: `gcs: put "key": cause`. A
// missing object becomes store.ErrNotExist; a missing bucket and refused
// credentials say so, naming the credential source (never a secret).
func (s *Store) wrap(op, key string, err error) error {
	var cause error
	switch {
	case errors.Is(err, storage.ErrBucketNotExist):
		cause = store.BucketMissingError{Bucket: s.name}
	case errors.Is(err, storage.ErrObjectNotExist):
		cause = store.ErrNotExist
	case httpCode(err) == http.StatusNotFound && (op == "list" || op == "put"):
		cause = store.BucketMissingError{Bucket: s.name}
	case httpCode(err) == http.StatusNotFound:
		cause = fmt.Errorf("%w (%v)", store.ErrNotExist, err)
	case httpCode(err) == http.StatusUnauthorized:
		cause = store.CredentialsError{Source: s.source, How: "were rejected", Err: err}
	case httpCode(err) == http.StatusForbidden:
		cause = fmt.Errorf("access denied to the credentials from %s (a missing permission?): %w", s.source, err)
	case httpCode(err) == 0 && authFailure(err):
		cause = store.CredentialsError{Source: s.source, How: "are unusable", Err: err}
	default:
		cause = err
	}
	if key == "" && strings.HasSuffix(op, "bucket") {
		return fmt.Errorf("gcs: %s %q: %w", op, s.name, cause)
	}
	return fmt.Errorf("gcs: %s %q: %w", op, s.full(key), cause)
}
