package store_test

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/store/file"
	_ "github.com/hackle/hackle-agent/agent/store/gcs"
	_ "github.com/hackle/hackle-agent/agent/store/s3"
)

// azOptions are the options of a test-only backend shaped like Azure Blob
// Storage with a SAS token: az://account/container?sv=…&se=…&sig=….
type azOptions struct {
	Root   string `option:"az-root" help:"az: folder that holds the containers"`
	Tier   string `option:"az-tier" default:"hot"`
	Shared string `option:"endpoint" alias:"endpoint-url" value:"url" help:"az: emulator URL"`
}

var opened []azOptions // what Open was given, in order

func init() {
	store.Register(store.Backend[azOptions]{
		Schemes: []string{"az", "azblob"},
		Open: func(_ context.Context, u *url.URL, opts *azOptions) (store.Store, error) {
			opened = append(opened, *opts)
			return file.New(filepath.Join(opts.Root, u.Host, u.Path))
		},
		Permissions: store.Permissions{Put: "Microsoft.Storage/write"},
		Policy: func(u *url.URL) (store.Policy, error) {
			return store.Policy{Text: "role on " + u.Host}, nil
		},
		// The generic rules know sig=; skoid= (a signed object id) is
		// this backend's own secret.
		Redact: func(u *url.URL) {
			q := u.Query()
			if q.Has("skoid") {
				q.Set("skoid", redact.Mask)
				u.RawQuery = q.Encode()
			}
		},
	})
}

func TestRegisteredOptionsFilled(t *testing.T) {
	opened = nil
	root := t.TempDir()
	vals := store.Options{"az-root": root, "endpoint": "http://127.0.0.1:10000", "region": "eu-west-1"}
	if _, err := store.Open(context.Background(), "azblob://acct/c", vals); err != nil {
		t.Fatal(err)
	}
	want := azOptions{Root: root, Tier: "hot", Shared: "http://127.0.0.1:10000"}
	if len(opened) != 1 || opened[0] != want {
		t.Errorf("Open was given %+v, want %+v", opened, want)
	}
}

func TestOptionSpecs(t *testing.T) {
	names := map[string]string{}
	for _, s := range store.OptionSpecs() {
		if _, dup := names[s.Name]; dup {
			t.Errorf("option %s listed twice", s.Name)
		}
		names[s.Name] = s.Help
	}
	for _, n := range []string{"profile", "region", "role-arn", "external-id", "path-style", "credentials-file", "endpoint", "az-root", "az-tier"} {
		if _, ok := names[n]; !ok {
			t.Errorf("option %s missing: %v", n, names)
		}
	}
	if h := names["endpoint"]; !strings.Contains(h, "S3-compatible") || !strings.Contains(h, "GCS emulator") || !strings.Contains(h, "az: emulator") {
		t.Errorf("the shared endpoint's help does not name every backend: %q", h)
	}
}

func TestPermissionsOf(t *testing.T) {
	st, err := store.Open(context.Background(), "az://acct/c", store.Options{"az-root": t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// The folder store names itself by its path: the file backend answers.
	if p, err := store.PermissionsOf(st); err != nil || p.Put != "write" {
		t.Errorf("PermissionsOf(%s) = %+v, %v", st, p, err)
	}
	if p, err := store.PermissionsOf(named{st, "az://acct/c"}); err != nil || p.Put != "Microsoft.Storage/write" {
		t.Errorf("PermissionsOf(az://) = %+v, %v", p, err)
	}
	if _, err := store.PermissionsOf(named{st, "ftp://x/y"}); !errors.Is(err, store.ErrUnsupported) {
		t.Errorf("PermissionsOf(ftp://) error = %v", err)
	}
}

type named struct {
	store.Store
	name string
}

func (n named) String() string { return n.name }

func TestPolicyFor(t *testing.T) {
	for _, tc := range []struct{ dest, want, err string }{
		{"az://acct/c", "role on acct", ""},
		{"s3://b/p", `"arn:aws:s3:::b/p/*"`, ""},
		{"gcs://b/p", "gcloud iam roles create", ""},
		{"./folder", "", "policy is for object stores"},
		{"file:///tmp/x", "", "policy is for object stores"},
		{"s3:///no-bucket", "", "no bucket"},
		{"ftp://x/y", "", "unsupported location"},
	} {
		p, err := store.PolicyFor(tc.dest)
		switch {
		case tc.err == "" && (err != nil || !strings.Contains(p.Text, tc.want)):
			t.Errorf("PolicyFor(%s) = %q, %v; want %q", tc.dest, p.Text, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("PolicyFor(%s) error = %v, want %q", tc.dest, err, tc.err)
		}
	}
}

// TestRedactRegistered: one redact.URL masks what the generic rules know
// and what a registered backend says is secret, for every location.
func TestRedactRegistered(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"az://acct/c?se=2026-01-01&sig=Zq9xSig&skoid=Zq9xOid&sv=2022-11-02", "az://acct/c?se=2026-01-01&sig=xxxxx&skoid=xxxxx&sv=2022-11-02"},
		{"AZBLOB://acct/c?skoid=Zq9xOid", "azblob://acct/c?skoid=xxxxx"},
		{"az://acct/c?se=2026-01-01", "az://acct/c?se=2026-01-01"},
		{"s3://b/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=Zq9xSig&X-Amz-Date=1", "s3://b/k?X-Amz-Credential=xxxxx&X-Amz-Date=1&X-Amz-Signature=xxxxx"},
		{"postgres://hackle:Zq9xPw@db:5432/a", "postgres://hackle:xxxxx@db:5432/a"},
		// skoid is no secret of another scheme.
		{"https://h/p?skoid=visible", "https://h/p?skoid=visible"},
	} {
		if got := redact.URL(tc.in); got != tc.want {
			t.Errorf("redact.URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	raw := "az://acct/c?skoid=Zq9xOid&sig=Zq9xSig"
	msg := redact.Text(`open "Zq9xOid" failed for Zq9xSig`, raw)
	if strings.Contains(msg, "Zq9x") {
		t.Errorf("redact.Text left a secret: %s", msg)
	}
	// A URL that does not parse (a bad port) cannot be given to the hook:
	// all of its query is masked.
	bad := "az://acct:port/c?skoid=Zq9xOid&se=2026"
	if _, err := store.Open(context.Background(), bad, nil); err == nil || strings.Contains(err.Error(), "Zq9x") {
		t.Errorf("Open of a bad URL: %v", err)
	}
	if got, want := redact.URL(bad), "az://acct:port/c?skoid=xxxxx&se=xxxxx"; got != want {
		t.Errorf("redact.URL(%q) = %q, want %q", bad, got, want)
	}
}
