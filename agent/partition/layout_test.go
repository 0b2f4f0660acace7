package partition

import "testing"

func TestIsDataFile(t *testing.T) {
	tests := []struct {
		name         string
		data, hidden bool
	}{
		{"000000000000.parquet", true, false},
		{"part-00000-1b2c.snappy.parquet", true, false}, // Spark
		{"data_0_0_0.snappy.parquet", true, false},      // Snowflake
		{"000000000000", true, false},                   // BigQuery, no extension
		{"_SUCCESS", false, true},
		{"_manifest.json", false, true},
		{"_shard-00001-of-00004.json", false, true},
		{"_committed_8364", false, true}, // Databricks
		{"_started_8364", false, true},
		{".part-00000.snappy.parquet.crc", false, true}, // Hadoop checksum
		{"._SUCCESS.crc", false, true},
		{"_temporary/0/_temporary/attempt_1/part-0.parquet", false, true},
		{".hackle-agent-123.tmp", false, true},
		{"hour=01/part-0.parquet", false, false}, // a subfolder: neither
		{"", false, false},
	}
	for _, tt := range tests {
		if got := IsDataFile(tt.name); got != tt.data {
			t.Errorf("IsDataFile(%q) = %v, want %v", tt.name, got, tt.data)
		}
		if got := IsHidden(tt.name); got != tt.hidden {
			t.Errorf("IsHidden(%q) = %v, want %v", tt.name, got, tt.hidden)
		}
	}
}

func TestPrefix(t *testing.T) {
	if got := Prefix("2023-01-01"); got != "dt=2023-01-01/" {
		t.Errorf("Prefix = %q", got)
	}
}
