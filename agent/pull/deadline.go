package pull

import (
	"context"
	"fmt"
	"time"

	"github.com/hackle/hackle-agent/validate"
)

// Deadline is the time of day by which a customer promised yesterday's
// partition (docs/schema.md: "e.g. 13:00 KST").
type Deadline struct {
	At  time.Duration // since midnight
	Loc *time.Location
}

// ParseDeadline reads "HH:MM" in the zone named tz (an IANA name).
func ParseDeadline(hhmm, tz string) (Deadline, error) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return Deadline{}, fmt.Errorf("deadline %q: use HH:MM, e.g. 13:00", hhmm)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return Deadline{}, fmt.Errorf("deadline time zone %q: use an IANA name such as Asia/Seoul", tz)
	}
	return Deadline{At: time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, Loc: loc}, nil
}

// Due returns the partition day due at now (yesterday in the deadline's
// zone), the deadline of that day, and whether it has passed.
func (d Deadline) Due(now time.Time) (day validate.Date, deadline time.Time, passed bool) {
	local := now.In(d.Loc)
	today := validate.DateOf(local)
	deadline = today.Start(d.Loc).Add(d.At)
	return today.AddDays(-1), deadline, !local.Before(deadline)
}

// LateError says a partition was not imported by its deadline.
type LateError struct {
	Date     string
	Deadline time.Time
}

func (e *LateError) Error() string {
	return fmt.Sprintf("partition dt=%s was not ready by its deadline %s", e.Date, e.Deadline.Format("2006-01-02 15:04 MST"))
}

// CheckDeadline returns a *LateError when the deadline of the partition due
// at now has passed and that partition has not been imported. Partitions
// are imported only once committed (with _SUCCESS) and valid against their
// manifest, so "not imported" covers missing, uncommitted and refused.
func (o *Options) CheckDeadline(d Deadline, now time.Time) error {
	day, deadline, passed := d.Due(now)
	if !passed {
		return nil
	}
	imp, err := o.Sink.Imported(context.Background(), o.sourceName(), day.String())
	if err != nil {
		return err
	}
	if imp == "" {
		return &LateError{Date: day.String(), Deadline: deadline}
	}
	return nil
}
