package sink

import (
	"context"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://hackle:Sup3r@db:5432/a", "postgres://hackle:xxxxx@db:5432/a"},
		{"postgres://hackle@db/a?password=Sup3r&sslmode=disable", "postgres://hackle@db/a?password=xxxxx&sslmode=disable"},
		{"postgres://db/a", "postgres://db/a"},
		{"./imported", "./imported"},
		{"host=db password=Sup3r", "(a connection string holding a password)"},
	} {
		if got := Redact(tc.in); got != tc.want || strings.Contains(got, "Sup3r") {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if _, err := Open(context.Background(), "host=db password=Sup3r", Options{}); err == nil || strings.Contains(err.Error(), "Sup3r") {
		t.Errorf("a key=value DSN: err = %v", err)
	}
}
