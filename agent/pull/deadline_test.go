package pull

import (
	"errors"
	"testing"
	"time"
)

func TestDeadline(t *testing.T) {
	d, err := ParseDeadline("13:00", "Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.export("2023-01-01", events(t, "2023-01-01", 1), 0)
	e.pull(e.options())
	o := e.options()
	tests := []struct {
		now  string // UTC
		late string // partition reported late, "" for none
	}{
		{"2023-01-02T03:59:00Z", ""},           // 12:59 KST on Jan 2: not yet due
		{"2023-01-02T04:00:00Z", ""},           // 13:00 KST: due, and imported
		{"2023-01-03T03:59:00Z", ""},           // 12:59 KST on Jan 3
		{"2023-01-03T04:00:00Z", "2023-01-02"}, // 13:00 KST on Jan 3: Jan 2 missing
		{"2023-01-01T20:00:00Z", ""},           // 05:00 KST on Jan 2, before its deadline
	}
	for _, tt := range tests {
		now, _ := time.Parse(time.RFC3339, tt.now)
		err := o.CheckDeadline(d, now)
		var le *LateError
		switch {
		case tt.late == "" && err != nil:
			t.Errorf("%s: %v, want none", tt.now, err)
		case tt.late != "" && (!errors.As(err, &le) || le.Date != tt.late):
			t.Errorf("%s: %v, want dt=%s late", tt.now, err, tt.late)
		}
	}
	for _, bad := range [][2]string{{"25:00", "UTC"}, {"1pm", "UTC"}, {"13:00", "Mars/Olympus"}} {
		if _, err := ParseDeadline(bad[0], bad[1]); err == nil {
			t.Errorf("ParseDeadline(%q, %q) accepted", bad[0], bad[1])
		}
	}
}
