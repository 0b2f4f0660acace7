package option

import (
	"reflect"
	"strings"
	"testing"
)

type testOptions struct {
	Region    string `option:"region" help:"the region"`
	PathStyle bool   `option:"path-style" help:"path style"`
	Parts     int64  `option:"part-rows" default:"1000"`
	Table     string `option:"table" alias:"t" default:"hackle_events"`
	internal  string
}

func TestSpecs(t *testing.T) {
	want := []Spec{
		{Name: "region", Help: "the region"},
		{Name: "path-style", Help: "path style", Bool: true},
		{Name: "part-rows", Default: "1000", Int: true},
		{Name: "table", Aliases: []string{"t"}, Default: "hackle_events"},
	}
	if got := Specs(new(testOptions)); !reflect.DeepEqual(got, want) {
		t.Errorf("Specs =\n%+v\nwant\n%+v", got, want)
	}
}

func TestFill(t *testing.T) {
	for _, tc := range []struct {
		name string
		vals Values
		want testOptions
	}{
		{"defaults", nil, testOptions{Parts: 1000, Table: "hackle_events"}},
		{"given", Values{"region": "eu-west-1", "path-style": "true", "part-rows": "5", "table": "t1"},
			testOptions{Region: "eu-west-1", PathStyle: true, Parts: 5, Table: "t1"}},
		{"other backends' options ignored", Values{"credentials-file": "k.json", "path-style": "false"},
			testOptions{Parts: 1000, Table: "hackle_events"}},
	} {
		var got testOptions
		if err := Fill(&got, tc.vals); err != nil || got != tc.want {
			t.Errorf("%s: Fill = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
	for _, bad := range []Values{{"path-style": "maybe"}, {"part-rows": "many"}} {
		if err := Fill(new(testOptions), bad); err == nil {
			t.Errorf("Fill(%v) took a bad value", bad)
		}
	}
}

func TestMerge(t *testing.T) {
	a := []Spec{{Name: "region", Help: "S3: region"}, {Name: "endpoint", Help: "S3-compatible store URL"}}
	b := []Spec{{Name: "endpoint", Help: "GCS emulator URL"}, {Name: "credentials-file", Help: "GCS: key file"}}
	want := []Spec{
		{Name: "credentials-file", Help: "GCS: key file"},
		{Name: "endpoint", Help: "S3-compatible store URL; GCS emulator URL"},
		{Name: "region", Help: "S3: region"},
	}
	if got := Merge(a, b, a); !reflect.DeepEqual(got, want) {
		t.Errorf("Merge =\n%+v\nwant\n%+v", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("one name as a string and a bool did not panic")
		}
	}()
	Merge(a, []Spec{{Name: "region", Bool: true}})
}

func TestSpecsPanicsOnBadFields(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a float option did not panic")
		}
	}()
	Specs(&struct {
		F float64 `option:"f"`
	}{})
}

type urlOptions struct {
	Endpoint string `option:"endpoint" alias:"endpoint-url" value:"url"`
}

// A URL option without a scheme is refused at once (by Check and Fill),
// naming the fix, rather than guessed at.
func TestURLValue(t *testing.T) {
	specs := Specs(new(urlOptions))
	if len(specs) != 1 || !specs[0].URL || !reflect.DeepEqual(specs[0].Aliases, []string{"endpoint-url"}) {
		t.Fatalf("Specs = %+v", specs)
	}
	for text, ok := range map[string]bool{
		"": true, "http://127.0.0.1:9000": true, "https://minio.internal": true,
		"127.0.0.1:9000": false, "minio:9000": false, "minio": false, "//minio:9000": false, "minio:9000/x://y": false,
	} {
		err := specs[0].Check(text)
		if (err == nil) != ok {
			t.Errorf("Check(%q) = %v, want ok=%v", text, err, ok)
		}
		if err != nil && !strings.Contains(err.Error(), "add http:// or https://") {
			t.Errorf("Check(%q) = %v: does not say what to add", text, err)
		}
		var o urlOptions
		if ferr := Fill(&o, Values{"endpoint": text}); (ferr == nil) != ok {
			t.Errorf("Fill(%q) = %v, want ok=%v", text, ferr, ok)
		}
	}
}
