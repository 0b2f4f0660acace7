package tally

import (
	"strings"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/validate"
)

func TestTZHistogram(t *testing.T) {
	day := validate.Date{Year: 2023, Month: 1, Day: 1}
	seoul, _ := time.LoadLocation("Asia/Seoul")
	kathmandu := time.FixedZone("", 5*3600+45*60)
	start := day.Start(time.UTC)
	tests := []struct {
		name string
		// written is the zone the naive times of the day were written in;
		// they are read in read.
		written, read *time.Location
		outside       int // rows truly on other days, appended
		want          string
	}{
		{name: "a normal day", written: time.UTC, read: time.UTC},
		{name: "the input holds the next day too", written: time.UTC, read: time.UTC, outside: 96},
		{name: "Korean time read in UTC", written: seoul, read: time.UTC, want: "100% of rows fall on the expected day if read in UTC+09:00: set --source-timezone Asia/Seoul (or the zone of your data)"},
		{name: "UTC read in Korean time", written: time.UTC, read: seoul, want: "read in UTC+00:00: set --source-timezone UTC (or the zone of your data), or --partition-timezone Asia/Seoul if days should start at midnight there"},
		{name: "a :45 zone", written: kathmandu, read: time.UTC, want: "read in UTC+05:45: set --source-timezone Asia/Kathmandu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewTZHistogram(day, day, time.UTC)
			for i := range 96 {
				true := start.Add(time.Duration(i) * 15 * time.Minute)
				naive := true.In(tt.written).Format("2006-01-02 15:04:05")
				ms, err := validate.ParseTimestamp(naive, validate.TimeFormat{Location: tt.read})
				if err != nil {
					t.Fatal(err)
				}
				h.Observe(ms)
			}
			for i := range tt.outside {
				h.Observe(start.Add(24*time.Hour + time.Duration(i)*15*time.Minute).UnixMilli())
			}
			hint := h.Hint(tt.read)
			if tt.want == "" {
				if hint != nil {
					t.Fatalf("hint %q on a normal day", hint.Message)
				}
				return
			}
			if hint == nil || !strings.Contains(hint.Message, tt.want) || hint.Reason != validate.TSTimezoneSuspected {
				t.Fatalf("hint %+v, want %q", hint, tt.want)
			}
		})
	}
	if NewTZHistogram(validate.Date{}, validate.Date{}, nil) != nil || NewTZHistogram(day, day.AddDays(100), nil) != nil {
		t.Error("a histogram without days or over 100 days")
	}
	var none *TZHistogram
	none.Observe(1)
	if none.Hint(nil) != nil {
		t.Error("nil histogram gives a hint")
	}
}
