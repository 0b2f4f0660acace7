package parquetfile

import (
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func TestSchemaDifferences(t *testing.T) {
	str := parquet.String()
	fields := Schema.Fields()
	swapped := append([]parquet.Field{}, fields...)
	swapped[2], swapped[3] = swapped[3], swapped[2]
	// Spark's way: INT96 ts, identifiers as JSON text, nullable columns and
	// map values, a column of its own.
	spark := withField("ts", parquet.Optional(parquet.Leaf(parquet.Int96Type)))
	spark[2] = field("identifiers", parquet.Optional(str))
	spark[5] = field("user_properties", parquet.Map(str, parquet.Optional(str)))
	spark = append(spark, field("spark_batch_id", parquet.Optional(str)))
	tests := []struct {
		name   string
		fields []parquet.Field
		want   []string // substrings, one per difference, in order
	}{
		{"our schema", fields, nil},
		{"spark", spark, []string{
			"column ts: expected REQUIRED INT64 TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS), found OPTIONAL INT96",
			"column identifiers: expected REQUIRED group(1) MAP, found OPTIONAL BYTE_ARRAY STRING",
			"column user_properties.key_value.value: expected REQUIRED BYTE_ARRAY STRING, found OPTIONAL BYTE_ARRAY STRING",
			"extra column spark_batch_id",
		}},
		{"missing column", withField("platform_properties", nil), []string{"missing column platform_properties"}},
		{"order only", swapped, []string{"columns in the order ts, event_key, insert_id, identifiers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SchemaDifferences(schemaFile(t, tt.fields...))
			ok := len(got) == len(tt.want)
			for i := range tt.want {
				ok = ok && strings.Contains(got[i], tt.want[i])
			}
			if !ok {
				t.Errorf("SchemaDifferences =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if (len(got) == 0) != (CheckSchema(schemaFile(t, tt.fields...)) == nil) {
				t.Errorf("SchemaDifferences %v disagrees with CheckSchema", got)
			}
		})
	}
}
