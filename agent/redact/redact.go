// Package redact hides the secrets of locations (URLs, paths, connection
// strings) in everything the agent prints: messages, logs and reports. It
// is the one implementation; store and sink both use it.
package redact

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Mask replaces a secret.
const Mask = "xxxxx"

// Hook masks, in place, the secrets of a URL of one scheme that the
// generic rules do not know (a backend's own query parameter, say): it
// sets them to Mask. It must not fail and must not print.
type Hook func(u *url.URL)

var hooks sync.Map // scheme -> Hook

// Register adds the hook of a URL scheme, applied by URL, Secrets, Text
// and Error after the generic rules. Store and sink backends register
// theirs through store.Register and sink.Register; registering a scheme
// twice panics.
func Register(scheme string, h Hook) {
	if _, dup := hooks.LoadOrStore(strings.ToLower(scheme), h); dup {
		panic("redact: scheme registered twice: " + scheme)
	}
}

// hook returns the hook of u's scheme, or nil.
func hook(u *url.URL) Hook {
	h, _ := hooks.Load(strings.ToLower(u.Scheme))
	f, _ := h.(Hook)
	return f
}

// URL returns raw fit for messages: the password of a URL's user info,
// the values of parameters that carry secrets (password=, sslpassword=,
// sig=, X-Amz-Signature=, X-Amz-Credential=, access_token=, …) and the
// password= of a key=value connection string are masked, and so is what
// the hook registered for the URL's scheme masks. A location with nothing
// to hide is returned unchanged. Everything the agent prints of a
// location (stores, sinks, reports, logs) goes through it.
//
// When raw is not a valid URL (an unencoded '%', '/', '#', '?' or '@' in a
// password, a bad port) the boundaries of its parts are uncertain, so it
// is masked conservatively: every secret parameter's value up to the next
// '&' (every parameter's, when the scheme has a hook, which needs a parsed
// URL), then everything between "://" and the last '@', even when that
// hides more than the secret.
func URL(raw string) string {
	i := strings.Index(raw, "://")
	if i <= 0 {
		return maskValues(raw, kvValues(raw))
	}
	// An '@' outside the user info may end a password that holds '/', '?'
	// or '#': "postgres://u:12#x@h" parses as host u, port 12.
	if u, err := url.Parse(raw); err == nil && (u.User != nil || !strings.Contains(raw[i:], "@")) {
		return parsed(raw, u)
	}
	s := maskValues(raw, queryValues(raw)) // first: a value may hold '@'
	if at := strings.LastIndex(s, "@"); at > i {
		s = s[:i+3] + Mask + s[at:]
	}
	return s
}

// parsed redacts a URL that parses. A URL that carries a secret comes out
// as url.URL.Redacted prints it, with the secret parameters masked and the
// query re-encoded in key order.
func parsed(raw string, u *url.URL) string {
	_, changed := u.User.Password()
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil { // a query that does not decode: mask it as text
			return maskValues(u.Redacted(), queryValues(u.Redacted()))
		}
		masked := false
		for k := range q {
			if secretKey(k) {
				q[k], masked = []string{Mask}, true
			}
		}
		if masked {
			u.RawQuery, changed = q.Encode(), true
			if u.Fragment != "" { // the rest of a secret that holds '#'
				u.Fragment, u.RawFragment = Mask, ""
			}
		}
	}
	if h := hook(u); h != nil {
		before := u.String()
		h(u)
		changed = changed || u.String() != before
	}
	if !changed {
		return raw
	}
	return u.Redacted()
}

// secretKey reports whether a parameter holds a secret: passwords, tokens,
// signatures (an Azure SAS sig=, a presigned X-Amz-Signature=),
// credentials and keys. The name may be percent-encoded.
func secretKey(k string) bool {
	if d, err := url.QueryUnescape(k); err == nil {
		k = d
	}
	k = strings.ToLower(k)
	for _, s := range []string{"pass", "secret", "token", "sig", "credential", "auth"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	switch k {
	case "key", "apikey", "api_key", "sslkey", "access_key", "access_key_id", "private_key":
		return true
	}
	return false
}

var (
	// queryName finds the parameter names of a query.
	queryName = regexp.MustCompile(`[?&;]([^=&?;#\s]+)=`)
	// kvName finds the names of a key=value connection string ("host=db
	// password='p w' sslmode=disable"). A name is an identifier, so that a
	// path such as exports/auth=1 has none.
	kvName = regexp.MustCompile(`(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)\s*=\s*`)
)

// span is the value of a secret parameter: s[start:end].
type span struct{ start, end int }

// queryValues finds the values of the secret parameters of a query; a
// value runs to the next '&' (in a URL that does not parse, a '#' or a
// space after password= is more likely part of it than a fragment). For a
// scheme with a hook every parameter counts as secret: the hook cannot
// say which are when the URL does not parse.
func queryValues(s string) []span {
	var out []span
	all := false
	if i := strings.Index(s, "://"); i > 0 {
		_, all = hooks.Load(strings.ToLower(s[:i]))
	}
	for _, m := range queryName.FindAllStringSubmatchIndex(s, -1) {
		if !all && !secretKey(s[m[2]:m[3]]) {
			continue
		}
		end := strings.IndexByte(s[m[1]:], '&')
		if end < 0 {
			end = len(s) - m[1]
		}
		out = append(out, span{m[1], m[1] + end})
	}
	return out
}

// kvValues finds the values of the secret parameters of a key=value
// connection string; a value runs to the next name=, so that an unquoted
// password with a space is masked whole.
func kvValues(s string) []span {
	ms := kvName.FindAllStringSubmatchIndex(s, -1)
	var out []span
	for i, m := range ms {
		end := len(s)
		if i+1 < len(ms) {
			end = ms[i+1][0]
		}
		if secretKey(s[m[2]:m[3]]) {
			out = append(out, span{m[1], m[1] + len(strings.TrimRight(s[m[1]:end], " \t\r\n"))})
		}
	}
	return out
}

// maskValues replaces the spans of s (in order, not overlapping) by Mask.
func maskValues(s string, spans []span) string {
	for i := len(spans) - 1; i >= 0; i-- {
		s = s[:spans[i].start] + Mask + s[spans[i].end:]
	}
	return s
}

// Secrets lists the secret texts of raw, as written, decoded and quoted:
// the password of a URL's user info (all of the user info when raw does
// not parse), the values of secret parameters. Error scrubs them from
// messages that quote raw or a part of it.
func Secrets(raw string) []string {
	var out []string
	add := func(s string) {
		s = strings.Trim(s, `'"`)
		if s == "" || s == Mask {
			return
		}
		out = append(out, s)
		if d, err := url.PathUnescape(s); err == nil && d != s {
			out = append(out, d)
		}
		if q := strconv.Quote(s); q[1:len(q)-1] != s {
			out = append(out, q[1:len(q)-1])
		}
		// What url.Parse quotes of it when it holds a '/', '?' or '#'
		// (as a port, or before a fragment); shorter parts would mask
		// too much of the message.
		if j := strings.IndexAny(s, "/?#"); j >= 3 {
			out = append(out, s[:j])
		}
	}
	i := strings.Index(raw, "://")
	if i > 0 {
		for _, sp := range queryValues(raw) {
			add(raw[sp.start:sp.end])
		}
		rest := maskValues(raw, queryValues(raw))
		if at := strings.LastIndex(rest, "@"); at > i {
			info := rest[i+3 : at]
			if _, pw, ok := strings.Cut(info, ":"); ok {
				add(pw)
			}
			if u, err := url.Parse(raw); err != nil || u.User == nil {
				add(info) // the parts are uncertain: hide all of the user info
			} else if pw, ok := u.User.Password(); ok {
				add(pw)
			}
		}
		for _, s := range hooked(raw) {
			add(s)
		}
	} else {
		for _, sp := range kvValues(raw) {
			add(raw[sp.start:sp.end])
		}
	}
	// The longest first, so that a secret holding another is masked whole.
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// hooked lists what the hook of raw's scheme masks: the values of the
// query parameters and the user info it changes.
func hooked(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	h := hook(u)
	if h == nil {
		return nil
	}
	before, info := u.Query(), u.User.String()
	c := *u
	if u.User != nil {
		uc := *u.User
		c.User = &uc
	}
	h(&c)
	var out []string
	after := c.Query()
	for k, vs := range before {
		if strings.Join(after[k], "&") != strings.Join(vs, "&") {
			out = append(out, vs...)
		}
	}
	if c.User.String() != info && info != "" {
		out = append(out, info)
	}
	return out
}

// Error returns err with a message fit to print: every appearance of raw
// is replaced by URL(raw), and every secret of raw, and every extra secret
// (a password read from elsewhere, say), by Mask. It unwraps to err, so
// errors.Is and errors.As still see through it. Use it on the errors of
// libraries that may quote a connection string, such as pgx.
func Error(err error, raw string, extra ...string) error {
	if err == nil {
		return nil
	}
	return &redacted{msg: Text(err.Error(), raw, extra...), err: err}
}

// Text scrubs msg as Error does.
func Text(msg, raw string, extra ...string) string {
	if raw != "" {
		shown := URL(raw)
		msg = strings.ReplaceAll(msg, raw, shown)
		if q := strconv.Quote(raw); q[1:len(q)-1] != raw {
			msg = strings.ReplaceAll(msg, q[1:len(q)-1], shown)
		}
	}
	secrets := Secrets(raw)
	for _, s := range extra {
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	sort.SliceStable(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	for _, s := range secrets {
		msg = strings.ReplaceAll(msg, s, Mask)
	}
	return msg
}

type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }
