package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/hackle/hackle-agent/agent/option"
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/registry"
)

// ErrUnsupported is returned (wrapped) by Open for a URL scheme no backend serves.
var ErrUnsupported = errors.New("unsupported location")

// Options are the values of the backends' options by name, as the flags
// give them ("region": "eu-west-1", "path-style": "true"). Open hands a
// backend the ones its options struct declares; none of them is ever
// printed.
type Options = option.Values

// Backend describes a store backend to Register. Everything about a
// backend lives in its own package: its URL schemes, its options (and so
// its flags), the permissions check exercises and policy prints, and
// what of its locations is secret. O is its options struct, tagged as
// package option describes.
type Backend[O any] struct {
	// Schemes it serves, lowercase, without "://"; the first one names it.
	Schemes []string
	// Open opens the store at u ("s3://bucket/prefix": u.Host is the
	// bucket, u.Path the prefix) with the options filled in.
	Open func(ctx context.Context, u *url.URL, opts *O) (Store, error)
	// Permissions are what each step of check needs (its table's column).
	Permissions Permissions
	// Policy, when set, returns what the customer grants Hackle on the
	// bucket and prefix of u (an IAM policy, a custom role); nil for a
	// backend without one (a folder).
	Policy func(u *url.URL) (Policy, error)
	// Redact, when set, masks in place the secrets of u that the generic
	// rules of redact.URL do not know (a backend's own query parameter).
	Redact func(u *url.URL)
}

// Permissions name, for each step of check, the permission it needs on a
// backend: getting the bucket, listing, putting, getting and deleting the
// probe object, and getting a version of it.
type Permissions struct {
	Bucket, List, Put, Get, Version, Delete string
}

// Policy is what the policy command prints for a destination: Text on
// stdout, Notes (what it means beyond itself) on stderr.
type Policy struct {
	Text  string
	Notes []string
}

// backend is a Backend with its options type erased.
type backend struct {
	scheme string // the first of its schemes
	specs  []option.Spec
	open   func(ctx context.Context, u *url.URL, vals Options) (Store, error)
	perms  Permissions
	policy func(u *url.URL) (Policy, error)
}

var backends = registry.New[*backend]("store")

// Register makes a backend available under its URL schemes. It is called
// from the backends' init functions; registering a scheme twice panics.
func Register[O any](b Backend[O]) {
	if len(b.Schemes) == 0 || b.Open == nil {
		panic("store: a backend needs schemes and Open")
	}
	e := &backend{
		scheme: b.Schemes[0],
		specs:  option.Specs(new(O)),
		perms:  b.Permissions,
		policy: b.Policy,
		open: func(ctx context.Context, u *url.URL, vals Options) (Store, error) {
			opts := new(O)
			if err := option.Fill(opts, vals); err != nil {
				return nil, fmt.Errorf("%s: %w", u.Scheme, err)
			}
			return b.Open(ctx, u, opts)
		},
	}
	for _, s := range b.Schemes {
		backends.Register(s, e)
		if b.Redact != nil {
			redact.Register(s, b.Redact)
		}
	}
}

// Open opens the store a URL names. A plain path (no scheme) is the local
// folder backend, as is file://.
func Open(ctx context.Context, raw string, opts Options) (Store, error) {
	u, b, err := lookup(raw)
	if err != nil {
		return nil, err
	}
	return b.open(ctx, u, opts)
}

// lookup parses raw and finds its backend.
func lookup(raw string) (*url.URL, *backend, error) {
	u, err := Parse(raw)
	if err != nil {
		return nil, nil, err
	}
	b, ok := backends.Get(u.Scheme)
	if !ok {
		return nil, nil, fmt.Errorf("%w %s: scheme %q is not one of %s", ErrUnsupported, redact.URL(raw), u.Scheme, strings.Join(Schemes(), ", "))
	}
	return u, b, nil
}

// OptionSpecs lists the options of every registered backend, one per
// name, sorted: what the CLI makes its store flags of.
func OptionSpecs() []option.Spec {
	var lists [][]option.Spec
	for _, s := range backends.Schemes() {
		if b, _ := backends.Get(strings.TrimSuffix(s, "://")); b.scheme+"://" == s {
			lists = append(lists, b.specs)
		}
	}
	return option.Merge(lists...)
}

// PermissionsOf returns the permissions check exercises on st, found by
// the scheme of st.String().
func PermissionsOf(st Store) (Permissions, error) {
	_, b, err := lookup(st.String())
	if err != nil {
		return Permissions{}, err
	}
	return b.perms, nil
}

// PolicyFor returns what the customer grants Hackle on the destination
// raw, from its backend. A backend without a policy is an error that
// names the schemes that have one.
func PolicyFor(raw string) (Policy, error) {
	u, b, err := lookup(raw)
	if err != nil {
		return Policy{}, err
	}
	if b.policy == nil {
		var with []string
		for _, s := range Schemes() {
			if o, _ := backends.Get(strings.TrimSuffix(s, "://")); o.policy != nil {
				with = append(with, s)
			}
		}
		return Policy{}, fmt.Errorf("policy is for object stores: %q is not a %s URL", redact.URL(raw), strings.Join(with, ", "))
	}
	return b.policy(u)
}

// Parse turns a destination into a URL: plain paths become file URLs with
// the path kept as given (relative paths stay relative).
//
// A plain path that looks like a mistyped URL is refused with an error
// wrapping ErrUnsupported that names the likely intended URL: a
// registered scheme followed by ':' without "//" ("s3:/b/x", "gs:b"), a
// scheme with "//" but no ':' ("s3//b"), and an http(s) URL, which is not
// a store (an S3 or GCS https address is turned into its s3:// or gs://
// URL). To name a local folder so called, write it as ./s3:x.
func Parse(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, fmt.Errorf("empty destination")
	}
	if err := lookalike(raw); err != nil {
		return nil, err
	}
	if i := strings.Index(raw, "://"); i > 0 && !strings.ContainsAny(raw[:i], `/\.`) {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %s is not a valid URL (percent-encode its special characters)", ErrUnsupported, redact.URL(raw))
		}
		if u.User != nil {
			return nil, fmt.Errorf("%w: %s carries credentials; give them with --profile, the environment or --credentials-file instead", ErrUnsupported, redact.URL(raw))
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

// Schemes lists the registered URL schemes.
func Schemes() []string { return backends.Schemes() }

// lookalike refuses a location that is not what it was meant to be: a
// URL missing its "//" or its ':', or an http(s) address (see Parse).
func lookalike(raw string) error {
	lower := strings.ToLower(raw)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		if want := fromHTTPS(raw); want != "" {
			return fmt.Errorf("%w: a web address is not a store: did you mean %s?", ErrUnsupported, redact.URL(want))
		}
		return fmt.Errorf("%w: a web address is not a store: give s3://bucket/prefix, gs://bucket/prefix or a folder (for an S3-compatible store: --endpoint https://host and s3://bucket/prefix)", ErrUnsupported)
	}
	for _, s := range Schemes() {
		scheme := strings.TrimSuffix(s, "://")
		var rest string
		switch {
		case strings.HasPrefix(lower, scheme+"://"):
			return nil
		case strings.HasPrefix(lower, scheme+":"):
			rest = raw[len(scheme)+1:]
		case strings.HasPrefix(lower, scheme+"//"):
			rest = raw[len(scheme)+2:]
		default:
			continue
		}
		want := scheme + "://" + strings.TrimLeft(rest, "/")
		return fmt.Errorf("%w: not a folder but a URL with a typo: did you mean %s? (for a local folder so named, start it with ./)", ErrUnsupported, redact.URL(want))
	}
	return nil
}

// fromHTTPS turns the https address of an S3 or GCS object or prefix into
// its s3:// or gs:// URL, or returns "".
func fromHTTPS(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	host, p := strings.ToLower(u.Hostname()), strings.TrimPrefix(u.Path, "/")
	switch {
	case host == "storage.googleapis.com" || host == "storage.cloud.google.com":
		if p != "" {
			return "gs://" + p
		}
	case strings.HasSuffix(host, ".amazonaws.com"):
		name := strings.TrimSuffix(host, ".amazonaws.com")
		if i := strings.Index(name, ".s3"); i > 0 { // bucket.s3.amazonaws.com, bucket.s3.region.amazonaws.com
			return strings.TrimSuffix("s3://"+name[:i]+"/"+p, "/")
		}
		if (name == "s3" || strings.HasPrefix(name, "s3.") || strings.HasPrefix(name, "s3-")) && p != "" {
			return "s3://" + p // path style: s3.region.amazonaws.com/bucket/key
		}
	}
	return ""
}
