package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/registry"
)

// ErrUnsupported is returned (wrapped) by Open for a URL scheme no backend serves.
var ErrUnsupported = errors.New("unsupported location")

// Options carry what a backend needs to connect. Each backend reads the
// fields that concern it and ignores the rest. None of them is ever printed.
type Options struct {
	// S3
	Profile    string // shared-config profile
	Region     string // empty: found with GetBucketLocation
	RoleARN    string // STS AssumeRole
	ExternalID string
	PathStyle  bool

	// GCS
	CredentialsFile string // service-account key file

	// Both: a custom endpoint (an S3-compatible store or an emulator).
	Endpoint string
}

// Opener opens the store at u. For "s3://bucket/prefix" u.Host is the bucket
// and u.Path the prefix.
type Opener func(ctx context.Context, u *url.URL, opts Options) (Store, error)

var openers = registry.New[Opener]("store")

// Register makes a backend available under a URL scheme. It is called from
// the backends' init functions; registering a scheme twice panics.
func Register(scheme string, open Opener) { openers.Register(scheme, open) }

// Open opens the store a URL names. A plain path (no scheme) is the local
// folder backend, as is file://.
func Open(ctx context.Context, raw string, opts Options) (Store, error) {
	u, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	open, ok := openers.Get(u.Scheme)
	if !ok {
		return nil, fmt.Errorf("%w %s: scheme %q is not one of %s", ErrUnsupported, Redact(raw), u.Scheme, strings.Join(Schemes(), ", "))
	}
	return open(ctx, u, opts)
}

// Parse turns a destination into a URL: plain paths become file URLs with
// the path kept as given (relative paths stay relative).
func Parse(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, fmt.Errorf("empty destination")
	}
	if i := strings.Index(raw, "://"); i > 0 && !strings.ContainsAny(raw[:i], `/\.`) {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %s is not a valid URL (percent-encode its special characters)", ErrUnsupported, Redact(raw))
		}
		if u.User != nil {
			return nil, fmt.Errorf("%w: %s carries credentials; give them with --profile, the environment or --credentials-file instead", ErrUnsupported, Redact(raw))
		}
		u.Scheme = strings.ToLower(u.Scheme)
		if u.Scheme == "file" {
			// file://relative/path is not a host: keep "relative/path".
			u.Path = u.Host + u.Path
			u.Host = ""
		}
		return u, nil
	}
	return &url.URL{Scheme: "file", Path: raw}, nil
}

// Redact returns a location fit for messages, its secrets masked: it is
// redact.URL, kept here for the store's callers. Everything the agent
// prints of a location goes through it.
func Redact(raw string) string { return redact.URL(raw) }

// Schemes lists the registered URL schemes.
func Schemes() []string { return openers.Schemes() }
