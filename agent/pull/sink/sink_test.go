package sink

import (
	"context"
	"fmt"
	neturl "net/url"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/redact"
)

// TestOpenHidesPasswords: the errors of Open name the sink without its password.
func TestOpenHidesPasswords(t *testing.T) {
	for _, raw := range []string{"host=db password=Sup3r", "mysql://u:Sup3r@h/db", "mysql://u:Sup3r%@h:x/db", "mysql://h/db?password=Sup3r"} {
		if _, err := Open(context.Background(), raw, Options{}); err == nil || strings.Contains(err.Error(), "Sup3r") {
			t.Errorf("Open(%q): err = %v", raw, err)
		}
	}
}

// A sink backend registered in a test, like one in its own package.
type memOptions struct {
	Mode  string `option:"memsink-mode" default:"fast" help:"memsink: mode"`
	Table string `option:"table" default:"hackle_events" help:"memsink: table"`
}

var memOpened []memOptions

func init() {
	Register(Backend[memOptions]{
		Schemes: []string{"memsink"},
		Open: func(_ context.Context, url string, opts *memOptions) (Sink, error) {
			memOpened = append(memOpened, *opts)
			return nil, fmt.Errorf("memsink %s: refused", redact.URL(url))
		},
		Redact: func(u *neturl.URL) {
			if q := u.Query(); q.Has("ticket") {
				q.Set("ticket", redact.Mask)
				u.RawQuery = q.Encode()
			}
		},
	})
}

func TestRegisteredSink(t *testing.T) {
	memOpened = nil
	_, err := Open(context.Background(), "memsink://h/db?ticket=Zq9xTicket", Options{"table": "t1", "region": "not mine"})
	if err == nil || !strings.Contains(err.Error(), "memsink memsink://h/db?ticket=xxxxx: refused") {
		t.Errorf("Open: err = %v, want the backend's error with its secret masked", err)
	}
	if want := (memOptions{Mode: "fast", Table: "t1"}); len(memOpened) != 1 || memOpened[0] != want {
		t.Errorf("Open was given %+v, want %+v", memOpened, want)
	}
	var names []string
	for _, s := range OptionSpecs() {
		names = append(names, s.Name+"="+s.Default)
	}
	if got := strings.Join(names, " "); got != "memsink-mode=fast table=hackle_events" {
		t.Errorf("OptionSpecs = %s", got)
	}
}
