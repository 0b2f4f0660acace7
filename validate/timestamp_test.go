package validate

import (
	"strings"
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// utcMs is the epoch milliseconds of a UTC wall time.
func utcMs(y int, mo time.Month, d, h, mi, s, ms int) int64 {
	return time.Date(y, mo, d, h, mi, s, ms*1e6, time.UTC).UnixMilli()
}

func TestParseTimestamp(t *testing.T) {
	seoul := mustLoc(t, "Asia/Seoul")
	jan1 := utcMs(2023, 1, 1, 0, 0, 0, 0)
	tests := []struct {
		name string
		text string
		f    TimeFormat
		want int64
	}{
		{"rfc3339 Z", "2023-01-01T00:00:00Z", TimeFormat{}, jan1},
		{"rfc3339 lowercase t z", "2023-01-01t00:00:00z", TimeFormat{}, jan1},
		{"rfc3339 offset", "2023-01-01T09:00:00+09:00", TimeFormat{}, jan1},
		{"rfc3339 negative offset", "2022-12-31T19:30:00-04:30", TimeFormat{}, jan1},
		{"rfc3339 millis", "2023-01-01T00:00:00.123Z", TimeFormat{}, jan1 + 123},
		{"rfc3339 one fraction digit", "2023-01-01T00:00:00.5Z", TimeFormat{}, jan1 + 500},
		{"rfc3339 nanos truncated not rounded", "2023-01-01T00:00:00.9999999Z", TimeFormat{}, jan1 + 999},
		{"rfc3339 space separator", "2023-01-01 00:00:00.123456Z", TimeFormat{}, jan1 + 123},
		{"surrounding spaces", "  2023-01-01T00:00:00Z\t", TimeFormat{}, jan1},
		{"space form naive UTC", "2023-01-01 00:00:00", TimeFormat{}, jan1},
		{"space form UTC suffix", "2023-01-01 00:00:00 UTC", TimeFormat{}, jan1},
		{"space form fraction UTC", "2023-01-01 00:00:00.250 UTC", TimeFormat{}, jan1 + 250},
		{"space form +09:00", "2023-01-01 09:00:00+09:00", TimeFormat{}, jan1},
		{"space form +0900", "2023-01-01 09:00:00+0900", TimeFormat{}, jan1},
		{"space form space +0900", "2023-01-01 09:00:00 +0900", TimeFormat{}, jan1},
		{"space form +09", "2023-01-01 09:00:00+09", TimeFormat{}, jan1},
		{"UTC suffix ignores Location", "2023-01-01 00:00:00 UTC", TimeFormat{Location: seoul}, jan1},
		{"offset ignores Location", "2023-01-01T00:00:00Z", TimeFormat{Location: seoul}, jan1},
		{"naive Seoul crosses midnight into previous UTC day", "2023-01-01 08:59:59.999", TimeFormat{Location: seoul}, utcMs(2022, 12, 31, 23, 59, 59, 999)},
		{"naive Seoul same UTC day", "2023-01-01 09:00:00", TimeFormat{Location: seoul}, jan1},
		{"leap day", "2024-02-29T12:00:00Z", TimeFormat{}, utcMs(2024, 2, 29, 12, 0, 0, 0)},
		{"before 1970", "1969-12-31T23:59:59.999Z", TimeFormat{}, -1},

		{"epoch seconds", "1672531200", TimeFormat{}, jan1},
		{"epoch seconds fraction", "1672531200.123456", TimeFormat{}, jan1 + 123},
		{"epoch seconds fraction truncated", "1672531200.9999", TimeFormat{}, jan1 + 999},
		{"epoch seconds exponent", "1.6725312e9", TimeFormat{}, jan1},
		{"epoch seconds largest", "99999999999", TimeFormat{}, 99999999999000},
		{"epoch millis smallest", "100000000000", TimeFormat{}, 100000000000},
		{"epoch millis", "1672531200123", TimeFormat{}, jan1 + 123},
		{"epoch millis fraction truncated", "1672531200123.9", TimeFormat{}, jan1 + 123},
		{"epoch micros", "1672531200123456", TimeFormat{}, jan1 + 123},
		{"epoch nanos", "1672531200123456789", TimeFormat{}, jan1 + 123},
		{"epoch zero", "0", TimeFormat{}, 0},
		{"epoch negative seconds", "-1.5", TimeFormat{}, -1500},
		{"epoch negative truncates toward the past", "-0.0005", TimeFormat{}, -1},

		{"forced unix_s", "1672531200.5", TimeFormat{Layout: LayoutUnixS}, jan1 + 500},
		{"forced unix_s small number", "86400", TimeFormat{Layout: LayoutUnixS}, 86400000},
		{"forced unix_ms", "1672531200", TimeFormat{Layout: LayoutUnixMs}, 1672531200},
		{"forced unix_us", "1672531200123456", TimeFormat{Layout: LayoutUnixUs}, jan1 + 123},
		{"forced unix_ns", "1672531200999999999", TimeFormat{Layout: LayoutUnixNs}, jan1 + 999},
		{"explicit auto", "1672531200", TimeFormat{Layout: LayoutAuto}, jan1},
		{"rfc3339 layout", "2023-01-01T09:00:00+09:00", TimeFormat{Layout: LayoutRFC3339}, jan1},
		{"go layout", "01/02/2023 00:00", TimeFormat{Layout: "01/02/2006 15:04"}, utcMs(2023, 1, 2, 0, 0, 0, 0)},
		{"go layout in Location", "2023/01/01 09:00:00", TimeFormat{Layout: "2006/01/02 15:04:05", Location: seoul}, jan1},
		{"go layout extra fraction", "2023/01/01 00:00:00.5", TimeFormat{Layout: "2006/01/02 15:04:05"}, jan1 + 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTimestamp(tt.text, tt.f)
			if err != nil {
				t.Fatalf("ParseTimestamp(%q) error: %v", tt.text, err)
			}
			if got != tt.want {
				t.Errorf("ParseTimestamp(%q) = %d (%s), want %d (%s)", tt.text, got,
					time.UnixMilli(got).UTC().Format(time.RFC3339Nano), tt.want, time.UnixMilli(tt.want).UTC().Format(time.RFC3339Nano))
			}
		})
	}
}

func TestParseTimestampInvalid(t *testing.T) {
	tests := []struct {
		name string
		text string
		f    TimeFormat
	}{
		{"empty", "", TimeFormat{}},
		{"garbage", "yesterday", TimeFormat{}},
		{"date only", "2023-01-01", TimeFormat{}},
		{"month 13", "2023-13-01T00:00:00Z", TimeFormat{}},
		{"Feb 30", "2023-02-30T00:00:00Z", TimeFormat{}},
		{"Feb 29 non-leap", "2023-02-29 00:00:00", TimeFormat{}},
		{"hour 24", "2023-01-01T24:00:00Z", TimeFormat{}},
		{"minute 60", "2023-01-01T00:60:00Z", TimeFormat{}},
		{"second 60", "2023-01-01T00:00:60Z", TimeFormat{}},
		{"dot without digits", "2023-01-01T00:00:00.Z", TimeFormat{}},
		{"unknown zone", "2023-01-01 00:00:00 KST", TimeFormat{}},
		{"offset hour 24", "2023-01-01T00:00:00+24:00", TimeFormat{}},
		{"trailing garbage", "2023-01-01T00:00:00Zx", TimeFormat{}},
		{"slash date", "2023/01/01 00:00:00", TimeFormat{}},
		{"epoch with comma", "1,672,531,200", TimeFormat{}},
		{"epoch too large", "12345678901234567890123", TimeFormat{}},
		{"NaN", "NaN", TimeFormat{}},
		{"Inf", "Inf", TimeFormat{}},
		{"forced unix_s beyond 9999", "1672531200123", TimeFormat{Layout: LayoutUnixS}},
		{"rfc3339 needs zone", "2023-01-01T00:00:00", TimeFormat{Layout: LayoutRFC3339}},
		{"rfc3339 no UTC word", "2023-01-01 00:00:00 UTC", TimeFormat{Layout: LayoutRFC3339}},
		{"rfc3339 no short offset", "2023-01-01T00:00:00+0900", TimeFormat{Layout: LayoutRFC3339}},
		{"unix_ms not a number", "2023-01-01", TimeFormat{Layout: LayoutUnixMs}},
		{"go layout mismatch", "2023-01-01", TimeFormat{Layout: "01/02/2006"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTimestamp(tt.text, tt.f)
			if err == nil {
				t.Fatalf("ParseTimestamp(%q) = %d, want an error", tt.text, got)
			}
			if !strings.Contains(err.Error(), quote(tt.text)) {
				t.Errorf("error %q does not name the value %q", err, tt.text)
			}
		})
	}
}

func TestDayOf(t *testing.T) {
	seoul := mustLoc(t, "Asia/Seoul")
	tests := []struct {
		tz   *time.Location
		ms   int64
		want string
	}{
		{nil, utcMs(2023, 1, 1, 0, 0, 0, 0), "2023-01-01"},
		{nil, utcMs(2022, 12, 31, 23, 59, 59, 999), "2022-12-31"},
		{nil, -1, "1969-12-31"},
		{time.UTC, utcMs(2024, 2, 29, 12, 0, 0, 0), "2024-02-29"},
		{seoul, utcMs(2022, 12, 31, 15, 0, 0, 0), "2023-01-01"},
		{seoul, utcMs(2022, 12, 31, 14, 59, 59, 999), "2022-12-31"},
	}
	for _, tt := range tests {
		r := &Rules{PartitionTZ: tt.tz}
		if got := r.DayOf(tt.ms).String(); got != tt.want {
			t.Errorf("DayOf(%d) in %v = %s, want %s", tt.ms, tt.tz, got, tt.want)
		}
	}
}

func TestParseTimestampNoAlloc(t *testing.T) {
	seoul := mustLoc(t, "Asia/Seoul")
	for _, c := range []struct {
		text string
		f    TimeFormat
	}{
		{"2023-01-01T12:34:56.789123Z", TimeFormat{}},
		{"2023-01-01 12:34:56+09:00", TimeFormat{}},
		{"1672531200123", TimeFormat{}},
		{"1672531200.123", TimeFormat{}},
		{"2023-01-01 12:34:56", TimeFormat{Location: seoul}},
		{"1672531200123", TimeFormat{Layout: LayoutUnixMs}},
	} {
		if n := testing.AllocsPerRun(100, func() { ParseTimestamp(c.text, c.f) }); n != 0 {
			t.Errorf("ParseTimestamp(%q) allocates %v times, want 0", c.text, n)
		}
	}
}

func TestTimeFormatValidate(t *testing.T) {
	for _, layout := range []string{"", "auto", "rfc3339", "unix_s", "unix_ms", "unix_us", "unix_ns", "2006-01-02 15:04:05", "01/02/06 3:04PM"} {
		if err := (TimeFormat{Layout: layout}).Validate(); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", layout, err)
		}
	}
	for _, layout := range []string{"unix", "unix_msec", "epoch", "RFC3339", "15:04:05"} {
		err := (TimeFormat{Layout: layout}).Validate()
		if err == nil || !strings.Contains(err.Error(), `"`+layout+`"`) {
			t.Errorf("Validate(%q) = %v, want an error naming it", layout, err)
		}
	}
}
