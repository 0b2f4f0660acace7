package redact

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Nothing to hide: unchanged.
		{"./imported", "./imported"},
		{"exports/auth=1/events.csv", "exports/auth=1/events.csv"},
		{"s3://bucket/prefix", "s3://bucket/prefix"},
		{"postgres://db/a", "postgres://db/a"},
		{"postgres://hackle@db:5432/a?sslmode=disable", "postgres://hackle@db:5432/a?sslmode=disable"},
		// What the two old Redact functions printed, kept (the default
		// state folder of pull is named after it).
		{"postgres://hackle:Sup3r@db:5432/a", "postgres://hackle:xxxxx@db:5432/a"},
		{"postgres://hackle@db/a?password=Sup3r&sslmode=disable", "postgres://hackle@db/a?password=xxxxx&sslmode=disable"},
		{"postgres://hackle@db/a?sslmode=disable&sslpassword=Sup3r", "postgres://hackle@db/a?sslmode=disable&sslpassword=xxxxx"},
		{"s3://key:Sup3r@bucket/p", "s3://key:xxxxx@bucket/p"},
		{"s3://bucket/a@b/c", "s3://xxxxx@b/c"},
		// Query secrets.
		{"https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=Sup3r%2Bx", "https://acct.blob.core.windows.net/c?sig=xxxxx&sv=2022-11-02"},
		{"https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=Sup3r", "https://b.s3.amazonaws.com/k?X-Amz-Credential=xxxxx&X-Amz-Signature=xxxxx"},
		{"https://h/p?access_token=Sup3r", "https://h/p?access_token=xxxxx"},
		{"postgres://h/db?password=Sup#3r", "postgres://h/db?password=xxxxx#xxxxx"},
		// key=value connection strings.
		{"host=db password=Sup3r sslmode=disable", "host=db password=xxxxx sslmode=disable"},
		{"host=db password='Sup 3r' user=h", "host=db password=xxxxx user=h"},
		// Not URLs: masked conservatively.
		{"postgres://hackle:Passw0rd@127.0.0.1:notaport/analytics", "postgres://xxxxx@127.0.0.1:notaport/analytics"},
		{"postgres://hackle:Pa%ss@db/a", "postgres://xxxxx@db/a"},
		{"postgres://h:bad/db?sslmode=disable&password=Sup3r%", "postgres://h:bad/db?sslmode=disable&password=xxxxx"},
	} {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// passwords are hard to write in a URL: every character a URL gives a
// meaning to, unencoded.
var passwords = []string{"Zq9xWord%", "Zq9x%zzWord", "Zq9x/Word", "Zq9x#Word", "Zq9x?Word", "Zq9x@Word", "Zq9x:Word",
	"Zq9x Word", "9876#Word", "9/Zq9x@Word", "Zq9x@Wo/rd#x?y%dWord", "Zq9xWord&", "'Zq9xWord'", `Zq9x\Word"q`, "Zq9xWord"}

// malformed are connection strings around the password PW, valid or not.
var malformed = []string{
	"postgres://hackle:PW@127.0.0.1:5432/analytics",
	"postgres://hackle:PW@127.0.0.1:notaport/analytics",
	"postgresql://hackle:PW@db/analytics?sslmode=disable",
	"postgres://hackle:PW@[::1:5432/analytics",
	"postgres://hackle:PW@db:99999/analytics",
	"postgres://hackle:PW@/analytics",
	"postgres://hackle:PW@db/analytics?sslmode=bogus",
	"postgres://hackle:PW@db/a@b",
	"postgres://db/analytics?password=PW",
	"postgres://db:x/analytics?user=h&password=PW&sslmode=disable",
	"postgres://db/analytics?sslpassword=PW#frag",
	"s3://AKIA:PW@bucket/prefix",
	"gs://user:PW@bucket/",
	"https://acct.blob.core.windows.net/c/b?sv=1&sig=PW",
	"https://b.s3.amazonaws.com/k?X-Amz-Signature=PW&X-Amz-Credential=PW",
	"host=db user=hackle password=PW",
	"host=db password='PW' dbname=a",
	"PW@db",
}

// TestNoPasswordLeaks: whatever the password and however broken the URL,
// neither URL nor Error (over the errors of net/url, which quote the URL)
// prints the password.
func TestNoPasswordLeaks(t *testing.T) {
	for _, pw := range passwords {
		for _, shape := range malformed {
			raw := strings.ReplaceAll(shape, "PW", pw)
			if shape == "PW@db" {
				continue // not a location: nothing says PW is a password
			}
			checks := map[string]string{"URL": URL(raw)}
			_, perr := url.Parse(raw)
			if perr == nil {
				perr = errors.New("no error")
			}
			for name, err := range map[string]error{
				"url.Parse": perr,
				"wrapped":   fmt.Errorf("connect to %s: %w", raw, perr),
				"quoted":    fmt.Errorf("cannot parse %q", raw),
			} {
				checks["Error/"+name] = Error(err, raw).Error()
			}
			for name, got := range checks {
				if leaks(got, pw) {
					t.Errorf("%s(%q) = %q: holds the password %q", name, raw, got, pw)
				}
			}
		}
	}
}

// leaks reports whether s shows the password pw, or a part of it of 4
// letters or digits.
func leaks(s, pw string) bool {
	notAlnum := func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') }
	for _, part := range append(strings.FieldsFunc(pw, notAlnum), pw) {
		if len(part) >= 4 && strings.Contains(s, part) {
			return true
		}
	}
	return false
}

func TestErrorUnwraps(t *testing.T) {
	base := errors.New("dial tcp: connection refused")
	err := Error(fmt.Errorf("connect postgres://u:Sup3r@h/db: %w", base), "postgres://u:Sup3r@h/db", "Extra")
	if !errors.Is(err, base) {
		t.Error("errors.Is does not see through Error")
	}
	if got, want := err.Error(), "connect postgres://u:xxxxx@h/db: dial tcp: connection refused"; got != want {
		t.Errorf("Error = %q, want %q", got, want)
	}
	if got := Error(errors.New("auth failed: Extra"), "", "Extra").Error(); got != "auth failed: xxxxx" {
		t.Errorf("an extra secret: %q", got)
	}
	if Error(nil, "x") != nil {
		t.Error("Error(nil) is not nil")
	}
}

// TestHook: a scheme's hook masks what the generic rules do not know, in
// URL, Text and Error alike; other schemes are not affected.
func TestHook(t *testing.T) {
	Register("hooktest", func(u *url.URL) {
		q := u.Query()
		if q.Has("code") {
			q.Set("code", Mask)
			u.RawQuery = q.Encode()
		}
	})
	for _, tc := range []struct{ in, want string }{
		{"hooktest://a/b?code=Zq9x&sig=Zq9y&se=1", "hooktest://a/b?code=xxxxx&se=1&sig=xxxxx"},
		{"hooktest://a/b?se=1", "hooktest://a/b?se=1"},
		{"hooktest://a:bad/b?code=Zq9x&se=1", "hooktest://a:bad/b?code=xxxxx&se=xxxxx"},
		{"other://a/b?code=visible", "other://a/b?code=visible"},
		{"s3://b/k?X-Amz-Credential=AKIA&X-Amz-Signature=Zq9y", "s3://b/k?X-Amz-Credential=xxxxx&X-Amz-Signature=xxxxx"},
	} {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	raw := "hooktest://a/b?code=Zq9x"
	if msg := Error(fmt.Errorf("dial %s: code Zq9x refused", raw), raw).Error(); strings.Contains(msg, "Zq9x") {
		t.Errorf("Error left the hook's secret: %s", msg)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a scheme twice did not panic")
		}
	}()
	Register("HOOKTEST", func(*url.URL) {})
}
