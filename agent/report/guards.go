package report

// Guards is report.json's "guards" section (docs/report.md): what the
// checks against earlier committed days found. Lines holds each finding
// as the summary prints it.
type Guards struct {
	Volume             []VolumeCheck        `json:"volume,omitempty"`
	Drift              []Drift              `json:"drift,omitempty"`
	CrossDayDuplicates []CrossDayDuplicates `json:"cross_day_duplicates,omitempty"`
	Lines              []string             `json:"lines,omitempty"`
}

// VolumeCheck is the volume guard's verdict on one day.
type VolumeCheck struct {
	Date     string   `json:"date"`
	Rows     int64    `json:"rows"`
	Median   int64    `json:"median,omitempty"`
	Days     []string `json:"days"`  // the earlier committed days used
	Ratio    float64  `json:"ratio"` // rows / median
	MinRatio float64  `json:"min_ratio"`
	Applied  bool     `json:"applied"` // false: too few earlier days, or off
	Refused  bool     `json:"refused"`
}

// Drift kinds.
const (
	DriftEventKeyNew  = "event_key_new"
	DriftEventKeyGone = "event_key_gone"
	DriftPropertyNew  = "property_key_new"
	DriftPropertyGone = "property_key_gone"
	DriftPropertyType = "property_type_changed"
)

// Drift is one change of a day against the profiles of recent days.
type Drift struct {
	Date   string `json:"date"`
	Kind   string `json:"kind"`             // one of the Drift* constants
	Column string `json:"column,omitempty"` // the map column of a property
	Key    string `json:"key"`              // the event_key or property key
	Was    string `json:"was,omitempty"`    // property_type_changed: the recent types
	Now    string `json:"now,omitempty"`    // property_type_changed: today's types
	Rows   int64  `json:"rows,omitempty"`   // event_key_new: its rows today
}

// CrossDayDuplicates counts the insert_ids a day shares with one earlier
// committed day.
type CrossDayDuplicates struct {
	Date        string   `json:"date"`
	EarlierDate string   `json:"earlier_date"`
	Count       int64    `json:"count"`
	InsertIDs   []string `json:"insert_ids"` // the first ones, at most 20
}
