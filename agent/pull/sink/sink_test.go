package sink

import (
	"context"
	"strings"
	"testing"
)

// TestOpenHidesPasswords: the errors of Open name the sink without its password.
func TestOpenHidesPasswords(t *testing.T) {
	for _, raw := range []string{"host=db password=Sup3r", "mysql://u:Sup3r@h/db", "mysql://u:Sup3r%@h:x/db", "mysql://h/db?password=Sup3r"} {
		if _, err := Open(context.Background(), raw, Options{}); err == nil || strings.Contains(err.Error(), "Sup3r") {
			t.Errorf("Open(%q): err = %v", raw, err)
		}
	}
}
