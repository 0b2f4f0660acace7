package store

import (
	"fmt"
	"strings"
)

// BucketMissingError says the bucket of a store does not exist. Callers
// tell it apart by its BucketMissing method (see access.Check).
type BucketMissingError struct{ Bucket string }

func (e BucketMissingError) Error() string       { return fmt.Sprintf("bucket %q does not exist", e.Bucket) }
func (e BucketMissingError) BucketMissing() bool { return true }

// CredentialsError says the credentials were rejected or could not be
// obtained. Source names where they came from (a profile, the
// environment, a role ARN, a key file): never a secret.
type CredentialsError struct {
	Source, How string
	Err         error
}

func (e CredentialsError) Error() string {
	return fmt.Sprintf("credentials from %s %s: %v", e.Source, e.How, e.Err)
}
func (e CredentialsError) Unwrap() error             { return e.Err }
func (e CredentialsError) CredentialsRejected() bool { return true }

// Prefix maps the keys of a store, relative to its root, to object names
// under a bucket prefix ("" for the bucket's root), and back.
type Prefix string

// Full is the object name of key.
func (p Prefix) Full(key string) string {
	if p == "" {
		return key
	}
	return string(p) + "/" + key
}

// Rel is the key of an object name under the prefix.
func (p Prefix) Rel(full string) string {
	if p == "" {
		return full
	}
	return strings.TrimPrefix(full, string(p)+"/")
}
