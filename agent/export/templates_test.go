package export

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hackle/hackle-agent/validate"
)

func TestResolveTemplates(t *testing.T) {
	day := func(s string) validate.Date {
		d, err := validate.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name     string
		patterns []string
		from, to string
		want     []string
		err      string // part of the error; "" for none
	}{
		{"plain", []string{"a.csv", "-"}, "2023-01-02", "2023-01-02", []string{"a.csv", "-"}, ""},
		{"date", []string{"exports/events-{date}.ndjson"}, "2023-01-02", "2023-01-02", []string{"exports/events-2023-01-02.ndjson"}, ""},
		{"parts", []string{"s3://b/{yyyy}/{mm}/{dd}/{yyyymmdd}.csv"}, "2023-01-02", "2023-01-02", []string{"s3://b/2023/01/02/20230102.csv"}, ""},
		{"minus one", []string{"gs://b/dt={date-1}/*"}, "2023-01-01", "2023-01-01", []string{"gs://b/dt=2022-12-31/*"}, ""},
		{"plus one over a month", []string{"{yyyy+1}-{mm+1}-{dd+1}"}, "2023-01-31", "2023-01-31", []string{"2023-02-01"}, ""},
		{"backfill", []string{"e-{date}.ndjson"}, "2023-01-01", "2023-01-03", []string{"e-2023-01-01.ndjson", "e-2023-01-02.ndjson", "e-2023-01-03.ndjson"}, ""},
		{"same file for several days once", []string{"m-{yyyy}{mm}.csv", "x.csv"}, "2023-01-30", "2023-02-02", []string{"m-202301.csv", "m-202302.csv", "x.csv"}, ""},
		{"leap day", []string{"{date+1}"}, "2024-02-28", "2024-02-28", []string{"2024-02-29"}, ""},
		{"unknown token", []string{"e-{day}.csv"}, "2023-01-01", "2023-01-01", nil, "{day}"},
		{"bad offset", []string{"e-{date-x}.csv"}, "2023-01-01", "2023-01-01", nil, "{date-x}"},
		{"unclosed", []string{"e-{date.csv"}, "2023-01-01", "2023-01-01", nil, "unclosed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveTemplates(tt.patterns, day(tt.from), day(tt.to))
			if tt.err != "" {
				var ie *InputError
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &ie) {
					t.Fatalf("err = %v, want an InputError naming %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
