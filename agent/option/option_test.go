package option

import (
	"reflect"
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
