package registry

import (
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	r := New[int]("test")
	r.Register("s3", 1)
	r.Register("gs", 2)
	if v, ok := r.Get("gs"); !ok || v != 2 {
		t.Errorf("Get(gs) = %d, %v", v, ok)
	}
	if _, ok := r.Get("ftp"); ok {
		t.Error("Get(ftp) found something")
	}
	if got := strings.Join(r.Schemes(), " "); got != "gs:// s3://" {
		t.Errorf("Schemes() = %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering s3 twice did not panic")
		}
	}()
	r.Register("s3", 3)
}
