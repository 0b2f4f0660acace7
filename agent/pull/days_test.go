package pull

import (
	"testing"
	"time"

	"github.com/hackle/hackle-agent/validate"
)

func TestParseDays(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2023, 1, 10, 16, 0, 0, 0, time.UTC) // 01:00 on Jan 11 in Seoul
	tests := []struct {
		name           string
		date, from, to string
		since          int
		sinceSet       bool
		zone           *time.Location
		wantFrom       string // "" for an open bound
		wantTo         string
		err            string // the error, "" for none
	}{
		{name: "every day"},
		{name: "one day", date: "2023-01-05", wantFrom: "2023-01-05", wantTo: "2023-01-05"},
		{name: "range", from: "2023-01-01", to: "2023-01-03", wantFrom: "2023-01-01", wantTo: "2023-01-03"},
		{name: "since in UTC", since: 3, sinceSet: true, wantFrom: "2023-01-07", wantTo: "2023-01-09"},
		{name: "since in Seoul", since: 1, sinceSet: true, zone: seoul, wantFrom: "2023-01-10", wantTo: "2023-01-10"},
		{name: "date and since", date: "2023-01-05", since: 2, sinceSet: true, err: "give one of --date, --from/--to and --since"},
		{name: "date and range", date: "2023-01-05", from: "2023-01-01", to: "2023-01-02", err: "give one of --date, --from/--to and --since"},
		{name: "from alone", from: "2023-01-01", err: "--from and --to go together"},
		{name: "since zero", sinceSet: true, err: "--since 0: give a number of days, 1 or more"},
		{name: "bad date", date: "2023-13-01", err: `--date "2023-13-01": not a date: use YYYY-MM-DD, e.g. 2023-01-01`},
		{name: "bad to", from: "2023-01-01", to: "tomorrow", err: `--to "tomorrow": not a date: use YYYY-MM-DD, e.g. 2023-01-01`},
		{name: "backwards", from: "2023-01-03", to: "2023-01-01", err: "--to 2023-01-01 is before --from 2023-01-03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDays(tt.date, tt.from, tt.to, tt.since, tt.sinceSet)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err || !IsDaysError(err) {
					t.Fatalf("error %v, want DaysError %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d.Zone = tt.zone
			from, to := d.Range(now)
			if text(from) != tt.wantFrom || text(to) != tt.wantTo {
				t.Fatalf("Range = %s…%s, want %s…%s", text(from), text(to), tt.wantFrom, tt.wantTo)
			}
		})
	}
}

func text(d validate.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
