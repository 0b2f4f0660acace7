package report

import "github.com/hackle/hackle-agent/validate"

// TimezoneHint is report.json's timezone_hint: the diagnosis of a run whose
// rows fall outside the accepted days by what looks like one constant
// offset, as when naive times written in Korean time are read in UTC.
type TimezoneHint struct {
	Reason validate.Reason `json:"reason"` // validate.TSTimezoneSuspected
	// Message is the sentence the summary and inspect print.
	Message string `json:"message"`
	// Offset is the UTC offset the timestamps look written in ("+09:00"),
	// and Zone a --source-timezone with that offset ("Asia/Seoul"), or "".
	Offset string `json:"offset"`
	Zone   string `json:"zone,omitempty"`
	// Share is the share of rows with a valid ts that would fall on the
	// accepted days if read at Offset; ShareAsRead the share that does.
	Share       float64 `json:"share"`
	ShareAsRead float64 `json:"share_as_read"`
}
