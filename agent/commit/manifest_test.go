package commit

import "testing"

// TestSchemaTextPinned pins the manifest's schema text byte for byte:
// manifests already in buckets are compared with it, so deriving it from
// the declaration must not change it.
func TestSchemaTextPinned(t *testing.T) {
	const want = "ts TIMESTAMP(MILLIS,UTC), event_key STRING, identifiers MAP<STRING,STRING>, insert_id STRING, " +
		"metric_value DECIMAL(24,6), user_properties MAP<STRING,STRING>, event_properties MAP<STRING,STRING>, " +
		"platform_properties MAP<STRING,STRING>"
	if Schema != want {
		t.Fatalf("manifest schema text changed:\n got %s\nwant %s", Schema, want)
	}
}
