package tally

import (
	"fmt"
	"time"

	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/validate"
)

// Bounds of the offsets TZHistogram considers: the UTC offsets of real
// zones, −14:00 to +14:00, in quarter hours (for the :30 and :45 zones).
const (
	quarter    = 15 * 60 * 1000 // ms
	maxQuarter = 14 * 4
)

// Thresholds of a timezone hint: at least minOutside of the rows with a
// valid ts fall outside the accepted days as read, and at least minShare
// would fall on them read at the offset found.
const (
	minOutside = 0.05
	minShare   = 0.5
)

// TZHistogram counts the valid timestamps of a run by quarter hour
// relative to the accepted days, to tell whether rows outside them are
// off by one constant zone offset. Its memory is bounded by the window: one
// counter per quarter hour of the accepted days plus 14 hours either side
// (208 for one day); rows further out count only in the total. Not safe
// for concurrent use; the zero of *TZHistogram (nil) observes nothing.
type TZHistogram struct {
	start, end int64 // the accepted days, [start, end) in ms
	partition  *time.Location
	buckets    []int64 // quarter hours from start−14h to end+14h
	total      int64   // rows with a valid ts
	inside     int64   // rows in [start, end)
}

// maxWindowDays bounds the histogram of a backfill: past it (a long range,
// where rows outside can only be at its ends) there is no diagnosis.
const maxWindowDays = 62

// NewTZHistogram returns the histogram of the days from..to in loc, or nil
// (no diagnosis) when from is zero or the range is longer than 62 days.
func NewTZHistogram(from, to validate.Date, loc *time.Location) *TZHistogram {
	if from.IsZero() || to.IsZero() {
		return nil
	}
	if loc == nil {
		loc = time.UTC
	}
	start, end := from.Start(loc).UnixMilli(), to.AddDays(1).Start(loc).UnixMilli()
	if end <= start || end-start > maxWindowDays*24*3600*1000 {
		return nil
	}
	n := (end-start+quarter-1)/quarter + 2*maxQuarter
	return &TZHistogram{start: start, end: end, partition: loc, buckets: make([]int64, n)}
}

// Observe counts one valid timestamp (ms since the epoch).
func (h *TZHistogram) Observe(ms int64) {
	if h == nil {
		return
	}
	h.total++
	if ms >= h.start && ms < h.end {
		h.inside++
	}
	q := floorDiv(ms-h.start, quarter) + maxQuarter
	if q >= 0 && q < int64(len(h.buckets)) {
		h.buckets[q]++
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Hint returns the ts_timezone_suspected diagnosis, or nil: when at least
// 5% of the rows fall outside the accepted days, and reading every ts at
// one offset more (a whole hour, :30 or :45, within ±14 h of source, the
// zone naive times were read in) would put at least half of them, and more
// than as read, on the accepted days. When source is neither UTC nor the
// partition's zone, the message also offers --partition-timezone source:
// times right in their zone, cut into days of another, look the same.
// The offset that puts most on them
// wins; on a tie, whole hours, then the smaller shift.
func (h *TZHistogram) Hint(source *time.Location) *report.TimezoneHint {
	if h == nil || h.total == 0 || float64(h.total-h.inside)/float64(h.total) < minOutside {
		return nil
	}
	w := (h.end - h.start + quarter - 1) / quarter
	best, bestN := 0, int64(-1)
	for o := -maxQuarter; o <= maxQuarter; o++ {
		if o == 0 || !zoneStep(o) {
			continue
		}
		// Read at o quarter hours more, a ts is o quarters earlier: the
		// bucket b lands in the window when 0 <= b−o−maxQuarter < w.
		var n int64
		for b := int64(o + maxQuarter); b < int64(o+maxQuarter)+w; b++ {
			if b >= 0 && b < int64(len(h.buckets)) {
				n += h.buckets[b]
			}
		}
		if n > bestN || (n == bestN && better(o, best)) {
			best, bestN = o, n
		}
	}
	share := float64(bestN) / float64(h.total)
	if bestN <= h.inside || share < minShare {
		return nil
	}
	if source == nil {
		source = time.UTC
	}
	_, srcOff := time.UnixMilli(h.start).In(source).Zone()
	off := srcOff + best*15*60
	offText, zone := offsetText(off), zoneFor(off)
	set := "set --source-timezone to the zone of your data"
	if zone != "" {
		set = fmt.Sprintf("set --source-timezone %s (or the zone of your data)", zone)
	}
	if source.String() != h.partition.String() && source.String() != "UTC" {
		// The data may be right and the days wrong.
		set += fmt.Sprintf(", or --partition-timezone %s if days should start at midnight there", source)
	}
	return &report.TimezoneHint{
		Reason:      validate.TSTimezoneSuspected,
		Message:     fmt.Sprintf("%.0f%% of rows fall on the expected day if read in UTC%s: %s", share*100, offText, set),
		Offset:      offText,
		Zone:        zone,
		Share:       share,
		ShareAsRead: float64(h.inside) / float64(h.total),
	}
}

// zoneStep: o quarter hours is a shift some zone has (whole hours, :30, :45).
func zoneStep(o int) bool {
	return abs(o)%4 != 1 // no zone is off by an odd quarter past the hour
}

func better(o, than int) bool {
	if (o%4 == 0) != (than%4 == 0) {
		return o%4 == 0
	}
	return abs(o) < abs(than)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func offsetText(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("%c%02d:%02d", sign, sec/3600, sec%3600/60)
}

// zones name one common zone per UTC offset, for the hint's suggestion.
var zones = map[int]string{
	0: "UTC", 1 * 3600: "Europe/Paris", 2 * 3600: "Europe/Athens", 3 * 3600: "Europe/Moscow",
	4 * 3600: "Asia/Dubai", 5 * 3600: "Asia/Karachi", 5*3600 + 1800: "Asia/Kolkata", 5*3600 + 2700: "Asia/Kathmandu",
	6 * 3600: "Asia/Dhaka", 7 * 3600: "Asia/Bangkok", 8 * 3600: "Asia/Shanghai", 9 * 3600: "Asia/Seoul",
	9*3600 + 1800: "Australia/Darwin", 10 * 3600: "Australia/Brisbane", 12 * 3600: "Pacific/Auckland",
	-3 * 3600: "America/Sao_Paulo", -5 * 3600: "America/New_York", -6 * 3600: "America/Chicago",
	-7 * 3600: "America/Denver", -8 * 3600: "America/Los_Angeles", -10 * 3600: "Pacific/Honolulu",
}

func zoneFor(sec int) string { return zones[sec] }
