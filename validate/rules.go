package validate

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Rules hold the per-run configuration of the checks. A Rules value is not
// changed by Check, so one may serve many goroutines.
type Rules struct {
	Time        TimeFormat     // how ts is read
	PartitionTZ *time.Location // zone of partition days; nil = UTC
	// From and To are the inclusive range of partition days accepted.
	// A zero From (or To) leaves that side open.
	From, To Date
	Plan     *Plan // optional tracking plan
}

// DayOf returns the partition day of a timestamp (ms since the epoch) in PartitionTZ.
func (r *Rules) DayOf(millis int64) Date {
	if r.PartitionTZ == nil || r.PartitionTZ == time.UTC {
		return civilFromDays(floorDiv(millis, 86_400_000))
	}
	return DateOf(time.UnixMilli(millis).In(r.PartitionTZ))
}

// Check validates raw and, when it returns no errors, fills ev with the
// normalised row: trimmed event_key, lowercase insert_id, metric as
// DECIMAL(24,6), maps with trimmed lowercase unique keys sorted by key
// (values kept as their source text, except osname, normalised to Android or
// iOS). errs non-empty means the row is rejected; it holds every problem
// found, in field order (ts, event_key, identifiers, insert_id, metric_value,
// user_properties, event_properties, platform_properties) and ev is then
// unspecified. warns are warnings of a kept row. Check reuses ev's slices;
// ev's strings share memory with raw's. It allocates nothing for a valid row
// without warnings whose keys and insert_id are already lowercase, unless a
// tracking plan has schemas for its event.
func (r *Rules) Check(raw *Raw, ev *Event) (errs, warns []Issue) {
	errs = r.checkTS(raw.TS, ev, errs)
	errs, warns = r.checkEventKey(raw.EventKey, ev, errs, warns)
	ev.Identifiers, errs, warns = normMap("identifiers", raw.Identifiers, ev.Identifiers[:0], errs, warns)
	errs = requireKey(ev.Identifiers, "identifiers", "id", errs)
	errs = requireKey(ev.Identifiers, "identifiers", "device_id", errs)
	errs = checkInsertID(raw.InsertID, ev, errs)
	errs, warns = checkMetric(raw.MetricValue, ev, errs, warns)
	ev.UserProps, errs, warns = normMap("user_properties", raw.UserProps, ev.UserProps[:0], errs, warns)
	errs = r.Plan.check(ev.EventKey, "user_properties", ev.UserProps, errs)
	ev.EventProps, errs, warns = normMap("event_properties", raw.EventProps, ev.EventProps[:0], errs, warns)
	errs = r.Plan.check(ev.EventKey, "event_properties", ev.EventProps, errs)
	ev.PlatformProps, errs, warns = normMap("platform_properties", raw.PlatformProps, ev.PlatformProps[:0], errs, warns)
	errs = checkPlatform(ev.PlatformProps, errs)
	return errs, warns
}

func (r *Rules) checkTS(text string, ev *Event, errs []Issue) []Issue {
	if trimSpace(text) == "" {
		return append(errs, issue(TSMissing, "ts", text, "ts is missing."))
	}
	ms, err := ParseTimestamp(text, r.Time)
	if err != nil {
		return append(errs, issue(TSInvalid, "ts", text, err.Error()+"."))
	}
	ev.TS = ms
	day := r.DayOf(ms)
	if (!r.From.IsZero() && day.Before(r.From)) || (!r.To.IsZero() && r.To.Before(day)) {
		return append(errs, issue(TSOutOfRange, "ts", text, "ts "+quote(text)+" falls on "+
			day.String()+" in "+r.zoneName()+", outside the accepted days "+r.rangeText()+"."))
	}
	return errs
}

func (r *Rules) zoneName() string {
	if r.PartitionTZ == nil {
		return "UTC"
	}
	return r.PartitionTZ.String()
}

func (r *Rules) rangeText() string {
	from, to := "the beginning", "no end"
	if !r.From.IsZero() {
		from = r.From.String()
	}
	if !r.To.IsZero() {
		to = r.To.String()
	}
	if from == to {
		return from + " only"
	}
	return from + " to " + to
}

func (r *Rules) checkEventKey(text string, ev *Event, errs, warns []Issue) ([]Issue, []Issue) {
	key := trimSpace(text)
	if f := checkText(key); f != textOK {
		is := textIssue(f, "event_key", "event_key", text)
		if f != textSurrogate {
			ev.EventKey = key
			return append(errs, is), warns
		}
		warns, key = append(warns, is), fixSurrogates(key)
	}
	ev.EventKey = key
	if key == "" {
		return append(errs, issue(EventKeyEmpty, "event_key", text, "event_key is empty.")), warns
	}
	return r.Plan.checkPlanned(key, errs, warns)
}

func checkInsertID(text string, ev *Event, errs []Issue) []Issue {
	id, ok := ParseUUID(text)
	ev.InsertID = id
	switch {
	case ok:
		return errs
	case trimSpace(text) == "":
		return append(errs, issue(InsertIDMissing, "insert_id", text, "insert_id is missing."))
	case !utf8.ValidString(text):
		return append(errs, issue(InvalidUTF8, "insert_id", text, "insert_id is not valid UTF-8."))
	}
	return append(errs, issue(InsertIDInvalid, "insert_id", text,
		"insert_id "+quote(text)+" is not a UUID (8-4-4-4-12 hex digits)."))
}

func checkMetric(text string, ev *Event, errs, warns []Issue) ([]Issue, []Issue) {
	d, rounded, reason := ParseDecimal(text)
	ev.MetricValue = d
	switch reason {
	case MetricInvalid:
		return append(errs, issue(reason, "metric_value", text, "metric_value "+quote(text)+
			" is not a number such as 12.5, -3 or 1e3.")), warns
	case MetricTooLarge:
		return append(errs, issue(reason, "metric_value", text, "metric_value "+quote(text)+
			" has more than 18 integer digits, the limit of DECIMAL(24,6).")), warns
	}
	if rounded {
		warns = append(warns, issue(MetricRounded, "metric_value", text, "metric_value "+quote(text)+
			" has more than 6 decimals and was rounded half-even to "+d.String()+"."))
	}
	return errs, warns
}

func requireKey(m []KV, field, key string, errs []Issue) []Issue {
	if v, ok := lookup(m, key); ok && trimSpace(v) != "" {
		return errs
	} else if ok {
		return append(errs, issue(IdentifierMissing, field+"."+key, v, field+"."+key+" is empty."))
	}
	return append(errs, issue(IdentifierMissing, field+"."+key, "", field+"."+key+" is missing."))
}

func checkPlatform(m []KV, errs []Issue) []Issue {
	i := index(m, "osname")
	switch {
	case i < 0:
		errs = append(errs, issue(OSNameInvalid, "platform_properties.osname", "",
			"platform_properties.osname is missing; it must be Android or iOS."))
	case strings.EqualFold(trimSpace(m[i].Value), "android"):
		m[i].Value = "Android"
	case strings.EqualFold(trimSpace(m[i].Value), "ios"):
		m[i].Value = "iOS"
	default:
		errs = append(errs, issue(OSNameInvalid, "platform_properties.osname", m[i].Value,
			"platform_properties.osname "+quote(m[i].Value)+" is neither Android nor iOS."))
	}
	if v, ok := lookup(m, "appversion"); !ok || trimSpace(v) == "" {
		errs = append(errs, issue(AppVersionMissing, "platform_properties.appversion", v,
			"platform_properties.appversion is missing or empty."))
	}
	return errs
}

// index returns the position of key in a normalised map, or -1.
func index(m []KV, key string) int {
	for i := range m {
		if m[i].Key == key {
			return i
		}
	}
	return -1
}

func lookup(m []KV, key string) (string, bool) {
	if i := index(m, key); i >= 0 {
		return m[i].Value, true
	}
	return "", false
}
