// Package commit publishes a staged partition to a Store with the protocol
// of docs/commit.md, so that a reader never sees _SUCCESS over a mix of old
// and new part files, and a re-run over the same inputs changes nothing.
// The layout it writes (prefixes, markers, the manifest) is package
// partition's.
package commit

// Schema describes the Parquet schema the parts follow (docs/schema.md).
const Schema = "ts TIMESTAMP(MILLIS,UTC), event_key STRING, identifiers MAP<STRING,STRING>, insert_id STRING, " +
	"metric_value DECIMAL(24,6), user_properties MAP<STRING,STRING>, event_properties MAP<STRING,STRING>, " +
	"platform_properties MAP<STRING,STRING>"
