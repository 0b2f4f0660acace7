package validate

// Reason is the typed code of a rejected row or a warning. Codes are stable:
// they appear in report.json, rejects.ndjson and the TUI.
type Reason string

// Reasons a row is rejected.
const (
	InsertIDMissing   Reason = "insert_id_missing"
	InsertIDInvalid   Reason = "insert_id_invalid"
	EventKeyEmpty     Reason = "event_key_empty"
	TSMissing         Reason = "ts_missing"
	TSInvalid         Reason = "ts_invalid"
	TSOutOfRange      Reason = "ts_out_of_range"
	MetricInvalid     Reason = "metric_invalid"
	MetricTooLarge    Reason = "metric_too_large"
	IdentifierMissing Reason = "identifier_missing"
	OSNameInvalid     Reason = "osname_invalid"
	AppVersionMissing Reason = "appversion_missing"
	InvalidUTF8       Reason = "invalid_utf8"
	PlanViolation     Reason = "plan_violation"
	UnplannedEvent    Reason = "unplanned_event"
	RecordInvalid     Reason = "record_invalid" // the source record itself could not be parsed (bad JSON line, wrong CSV field count)
	// A CSV quote that does not close its cell (never closed, followed by
	// other text, or past the record limits): taken for a stray quote, the
	// record is only the lines up to the one where it opened.
	CSVUnterminatedQuote Reason = "csv_unterminated_quote"
	RecordTooLarge       Reason = "record_too_large" // a record longer than --max-record-bytes
)

// Reasons a row is kept with a warning.
const (
	MetricRounded     Reason = "metric_rounded"
	DuplicateKey      Reason = "duplicate_key"
	DuplicateInsertID Reason = "duplicate_insert_id"
	UnplannedWarning  Reason = "unplanned_event_warning"
)

// Issue is one problem found in a row: a rejection or a warning.
type Issue struct {
	Reason  Reason `json:"reason"`
	Field   string `json:"field"`   // schema field, e.g. "ts", "identifiers.device_id"
	Message string `json:"message"` // one sentence for a person
	Value   string `json:"value"`   // the offending source text, possibly shortened
}
