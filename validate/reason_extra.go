package validate

// EmptyKey is the warning for a map entry whose key is empty after trimming:
// the entry is dropped (a map column cannot hold an empty key that means
// anything) and the row is kept. A warning rather than a rejection, because
// the rest of the event is sound and the entry carries no name to analyse by.
const EmptyKey Reason = "empty_key"

// TSTimezoneSuspected is a run-level warning, not a row's: many rows fall
// outside the accepted days, and most would fall on them if their
// timestamps were read in another zone by one constant offset. It names
// the offset and a --source-timezone to set (report.TimezoneHint).
const TSTimezoneSuspected Reason = "ts_timezone_suspected"
