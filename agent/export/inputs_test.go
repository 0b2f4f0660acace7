package export

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/agent/store"
	_ "github.com/hackle/hackle-agent/agent/store/file"
)

func TestExpandInputs(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.ndjson", "b.ndjson", "c.csv", "_SUCCESS", ".hidden", "sub/d.ndjson"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(f), 0o644)
	}
	openStore := func(ctx context.Context, url string) (store.Store, error) {
		return store.Open(ctx, url, store.Options{})
	}
	rel := func(ins []Input) string {
		var names []string
		for _, in := range ins {
			names = append(names, strings.TrimPrefix(strings.TrimPrefix(in.Name, "file://"+dir+"/"), dir+"/"))
		}
		return strings.Join(names, " ")
	}
	tests := []struct {
		patterns []string
		want     string // names relative to dir, or an error text
	}{
		{[]string{filepath.Join(dir, "*.ndjson")}, "a.ndjson b.ndjson"},
		{[]string{dir}, "a.ndjson b.ndjson c.csv"},
		{[]string{filepath.Join(dir, "c.csv"), filepath.Join(dir, "*")}, "c.csv a.ndjson b.ndjson"},
		{[]string{"-", "-"}, "-"},
		{[]string{"file://" + dir + "/*.ndjson"}, "a.ndjson b.ndjson"},
		{[]string{"file://" + dir + "/"}, "a.ndjson b.ndjson c.csv sub/d.ndjson"},
		{[]string{"file://" + dir + "/sub/d.ndjson"}, "sub/d.ndjson"},
		{[]string{filepath.Join(dir, "nope.csv")}, "no such file"},
		{[]string{filepath.Join(dir, "*.json")}, "no file matches"},
		{[]string{"file://" + dir + "/nope.csv"}, "no such object"},
		{[]string{"file://" + dir + "/*.parquet"}, "no object matches"},
		{[]string{"ftp://host/x"}, "unsupported location"},
		{nil, "no input"},
	}
	for _, tc := range tests {
		ins, err := ExpandInputs(context.Background(), tc.patterns, openStore)
		got := rel(ins)
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tc.want) || (err == nil && got != tc.want) {
			t.Errorf("%v: got %q, want %q", tc.patterns, got, tc.want)
		}
		var ie *InputError
		if err != nil && !errors.As(err, &ie) && !errors.Is(err, store.ErrUnsupported) {
			t.Errorf("%v: %v is not an InputError", tc.patterns, err)
		}
	}
	ins, err := ExpandInputs(context.Background(), []string{"file://" + dir + "/sub/d.ndjson"}, openStore)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := ins[0].Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "sub/d.ndjson" || ins[0].Size != int64(len(b)) {
		t.Errorf("object read %q size %d", b, ins[0].Size)
	}
}
