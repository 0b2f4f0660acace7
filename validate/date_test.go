package validate

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2023-01-01": {2023, time.January, 1},
		"2024-02-29": {2024, time.February, 29},
		"2000-02-29": {2000, time.February, 29},
		"1999-12-31": {1999, time.December, 31},
	}
	for s, want := range good {
		got, err := ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), s)
		}
	}
	for _, s := range []string{"", "2023-1-01", "2023/01/01", "2023-13-01", "2023-00-10", "2023-02-29",
		"1900-02-29", "2023-04-31", "2023-01-00", "20230101", "2023-01-01T00:00:00Z", " 2023-01-01", "2O23-01-01"} {
		_, err := ParseDate(s)
		if err == nil {
			t.Errorf("ParseDate(%q) succeeded, want an error", s)
		} else if !strings.Contains(err.Error(), `"`+s+`"`) {
			t.Errorf("ParseDate(%q) error %q does not name the value", s, err)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := Date{2023, time.January, 1}
	tests := []struct {
		n    int
		want string
	}{
		{0, "2023-01-01"}, {1, "2023-01-02"}, {-1, "2022-12-31"}, {31, "2023-02-01"},
		{59, "2023-03-01"}, {365, "2024-01-01"}, {365 + 59, "2024-02-29"}, {-365 * 53, "1970-01-14"}, {-19358, "1970-01-01"}, {-19359, "1969-12-31"},
	}
	for _, tt := range tests {
		if got := d.AddDays(tt.n).String(); got != tt.want {
			t.Errorf("AddDays(%d) = %s, want %s", tt.n, got, tt.want)
		}
	}
	if !d.Before(d.AddDays(1)) || d.Before(d) || d.AddDays(1).Before(d) {
		t.Error("Before is wrong")
	}
	if !(Date{2022, 12, 31}).Before(Date{2023, 1, 1}) || !(Date{2023, 1, 31}).Before(Date{2023, 2, 1}) {
		t.Error("Before across year or month is wrong")
	}
	if d.Compare(d) != 0 || d.Compare(d.AddDays(-1)) != 1 {
		t.Error("Compare is wrong")
	}
}

func TestDateOf(t *testing.T) {
	seoul := mustLoc(t, "Asia/Seoul")
	tm := time.Date(2022, 12, 31, 15, 0, 0, 0, time.UTC)
	if got := DateOf(tm).String(); got != "2022-12-31" {
		t.Errorf("DateOf UTC = %s", got)
	}
	if got := DateOf(tm.In(seoul)).String(); got != "2023-01-01" {
		t.Errorf("DateOf Seoul = %s", got)
	}
	if got := (Date{2023, 1, 1}).Start(seoul); !got.Equal(tm) {
		t.Errorf("Start(Seoul) = %v, want %v", got, tm)
	}
}

func TestDateText(t *testing.T) {
	var d Date
	if err := d.UnmarshalText([]byte("2023-05-06")); err != nil || d != (Date{2023, 5, 6}) {
		t.Fatalf("UnmarshalText = %v, %v", d, err)
	}
	if b, _ := d.MarshalText(); string(b) != "2023-05-06" {
		t.Errorf("MarshalText = %s", b)
	}
	if err := d.UnmarshalText([]byte("May 6")); err == nil {
		t.Error("UnmarshalText accepted a bad date")
	}
	if !(Date{}).IsZero() || d.IsZero() {
		t.Error("IsZero is wrong")
	}
}

func TestCivilDaysMatchTime(t *testing.T) {
	start := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 365*500; i += 7 {
		tm := start.AddDate(0, 0, i)
		want := DateOf(tm)
		days := tm.Unix() / 86400
		if got := civilFromDays(days); got != want {
			t.Fatalf("civilFromDays(%d) = %v, want %v", days, got, want)
		}
		if got := daysFromCivil(want.Year, want.Month, want.Day); got != days {
			t.Fatalf("daysFromCivil(%v) = %d, want %d", want, got, days)
		}
	}
}

func TestYesterday(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	now := time.Date(2023, 1, 1, 20, 0, 0, 0, time.UTC) // 2023-01-02 05:00 in Seoul
	for _, tc := range []struct {
		loc  *time.Location
		want string
	}{{nil, "2022-12-31"}, {time.UTC, "2022-12-31"}, {seoul, "2023-01-01"}} {
		if got := Yesterday(now, tc.loc).String(); got != tc.want {
			t.Errorf("Yesterday in %v = %s, want %s", tc.loc, got, tc.want)
		}
	}
}
