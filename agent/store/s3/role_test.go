package s3_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/hackle/hackle-agent/agent/store"
)

// fakeSTS answers AssumeRole with the given keys (no session token: the test
// S3 server knows only plain keys), or refuses, and records
// what it was asked.
type fakeSTS struct {
	access, secret string
	refuse         bool

	mu   sync.Mutex
	form url.Values
}

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	f.mu.Lock()
	f.form = form
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	if f.refuse {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error><RequestId>1</RequestId></ErrorResponse>`)
		return
	}
	fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/hackle/hackle-agent</Arn><AssumedRoleId>AROA:hackle-agent</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`, f.access, f.secret)
}

const testRole = "arn:aws:iam::123456789012:role/hackle-import"

func TestAssumeRole(t *testing.T) {
	srv := testServer(t)
	useKeys(t, "AKIDBASEUSER", "base-user-secret-not-for-s3")
	sts := &fakeSTS{access: srv.access, secret: srv.secret}
	ts := httptest.NewServer(sts)
	defer ts.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", ts.URL)
	opts := srv.opts()
	opts["role-arn"], opts["external-id"] = testRole, "hackle-external-id"
	ctx := context.Background()
	st, err := store.Open(ctx, "s3://"+srv.newBucket(t)+"/p", opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, "k", strings.NewReader("x"), 1); err != nil {
		t.Fatalf("Put with the assumed role's keys: %v", err)
	}
	sts.mu.Lock()
	defer sts.mu.Unlock()
	if sts.form.Get("Action") != "AssumeRole" || sts.form.Get("RoleArn") != testRole || sts.form.Get("ExternalId") != "hackle-external-id" {
		t.Fatalf("STS was asked %v", sts.form)
	}
}

func TestAssumeRoleRefused(t *testing.T) {
	srv := testServer(t)
	const secret = "base-user-secret-not-for-s3"
	useKeys(t, "AKIDBASEUSER", secret)
	ts := httptest.NewServer(&fakeSTS{refuse: true})
	defer ts.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", ts.URL)
	opts := srv.opts()
	opts["role-arn"], opts["region"] = testRole, "us-east-1"
	ctx := context.Background()
	st, err := store.Open(ctx, "s3://"+srv.newBucket(t)+"/p", opts)
	if err == nil {
		err = st.Put(ctx, "k", strings.NewReader("x"), 1)
	}
	if err == nil {
		t.Fatal("Put succeeded though STS refused the role")
	}
	msg := err.Error()
	t.Log(msg)
	if !strings.Contains(msg, "role "+testRole) || !strings.Contains(msg, "could not be obtained") || strings.Contains(msg, secret) {
		t.Fatalf("error does not name the role (or prints the secret): %s", msg)
	}
}
