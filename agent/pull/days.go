package pull

import (
	"errors"
	"fmt"
	"time"

	"github.com/hackle/hackle-agent/validate"
)

// Days says which partition days a pull takes: the one day Date, the days
// From to To (inclusive), or the Since days up to yesterday in Zone. The
// zero Days takes every day.
type Days struct {
	Date, From, To validate.Date
	Since          int
	Zone           *time.Location // whose yesterday Since counts back from; nil = UTC
}

// DaysError is a day selection that cannot be used, in the words of the
// command line's flags (--date, --from/--to, --since).
type DaysError struct{ msg string }

func (e *DaysError) Error() string { return e.msg }

func daysErrorf(format string, args ...any) error {
	return &DaysError{fmt.Sprintf(format, args...)}
}

// ParseDays reads a day selection as given on the command line: date, from
// and to as YYYY-MM-DD ("" when not given), since when sinceSet; the caller
// sets Zone. The three ways exclude each other; from and to go together.
// Errors are *DaysError.
func ParseDays(date, from, to string, since int, sinceSet bool) (Days, error) {
	d := Days{Since: since}
	n := 0
	for _, set := range []bool{date != "", from != "" || to != "", sinceSet} {
		if set {
			n++
		}
	}
	var err error
	switch {
	case n > 1:
		return d, daysErrorf("give one of --date, --from/--to and --since")
	case (from == "") != (to == ""):
		return d, daysErrorf("--from and --to go together")
	case sinceSet && since < 1:
		return d, daysErrorf("--since %d: give a number of days, 1 or more", since)
	case date != "":
		d.Date, err = parseDay("date", date)
	case from != "":
		if d.From, err = parseDay("from", from); err == nil {
			d.To, err = parseDay("to", to)
		}
		if err == nil && d.To.Before(d.From) {
			err = daysErrorf("--to %s is before --from %s", to, from)
		}
	}
	return d, err
}

func parseDay(flag, s string) (validate.Date, error) {
	d, err := validate.ParseDate(s)
	if err != nil {
		return d, daysErrorf("--%s %q: not a date: use YYYY-MM-DD, e.g. 2023-01-01", flag, s)
	}
	return d, nil
}

// Range is the first and last day to pull at now; a zero bound is open.
func (d Days) Range(now time.Time) (from, to validate.Date) {
	switch {
	case !d.Date.IsZero():
		return d.Date, d.Date
	case d.Since > 0:
		yesterday := validate.Yesterday(now, d.Zone)
		return yesterday.AddDays(1 - d.Since), yesterday
	}
	return d.From, d.To
}

// IsDaysError reports whether err is a day selection that cannot be used.
func IsDaysError(err error) bool {
	var de *DaysError
	return errors.As(err, &de)
}
