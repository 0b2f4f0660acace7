package partition

import (
	"errors"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in, root, date string
		err            string // a substring of the error; "" = none
	}{
		{"s3://b/p/dt=2024-01-02/", "s3://b/p", "2024-01-02", ""},
		{"s3://b/p/dt=2024-01-02", "s3://b/p", "2024-01-02", ""},
		{"s3://bucket/dt=2024-01-02/", "s3://bucket", "2024-01-02", ""},
		{"gs://b/a/b c/한글/dt=2024-02-29", "gs://b/a/b c/한글", "2024-02-29", ""},
		{"file:///data/bucket/dt=2023-01-01/", "file:///data/bucket", "2023-01-01", ""},
		{"/data/bucket/dt=2023-01-01", "/data/bucket", "2023-01-01", ""},
		{"bucket/events/dt=2023-01-01/", "bucket/events", "2023-01-01", ""},
		{"dt=2023-01-01", ".", "2023-01-01", ""},
		{"dt=2023-01-01/", ".", "2023-01-01", ""},
		{"/dt=2023-01-01", "/", "2023-01-01", ""},
		{`C:\data\dt=2023-01-01\`, `C:\data`, "2023-01-01", ""},
		{`C:\dt=2023-01-01`, `C:\`, "2023-01-01", ""},
		{"s3://b/dt=2023-01-01/dt=2023-01-02/", "s3://b/dt=2023-01-01", "2023-01-02", ""},

		{"s3://b/p/", "", "", "ending in dt=YYYY-MM-DD"},
		{"s3://b/p/dt=2024-01-02/part-0.parquet", "", "", "ending in dt=YYYY-MM-DD"},
		{"s3://b/p/dt=2024-01-02//", "", "", "ending in dt=YYYY-MM-DD"},
		{"s3://b/p/xdt=2024-01-02", "", "", "ending in dt=YYYY-MM-DD"},
		{"s3://b/p/dt=2024-1-2", "", "", "ending in dt=YYYY-MM-DD"},
		{"s3://b/p/dt=2024-01-02x", "", "", "ending in dt=YYYY-MM-DD"},
		{"s3://b/p/date=2024-01-02", "", "", "ending in dt=YYYY-MM-DD"},
		{"", "", "", "ending in dt=YYYY-MM-DD"},
		{"s3://b/p/dt=2023-02-29", "", "", "dt=2023-02-29: not a date"},
		{"s3://b/p/dt=2023-13-01", "", "", "not a date"},
	}
	for _, tt := range tests {
		root, date, err := ParseURL(tt.in)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseURL(%q) = %q, %v, %v; want an error saying %q", tt.in, root, date, err, tt.err)
			}
			if strings.Contains(tt.err, "ending") && !errors.Is(err, ErrNotPartitionURL) {
				t.Errorf("ParseURL(%q): %v is not ErrNotPartitionURL", tt.in, err)
			}
		case err != nil || root != tt.root || date.String() != tt.date:
			t.Errorf("ParseURL(%q) = %q, %v, %v; want %q, %s", tt.in, root, date, err, tt.root, tt.date)
		}
	}
}
