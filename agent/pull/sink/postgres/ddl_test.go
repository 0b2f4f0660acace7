package postgres

import (
	"slices"
	"testing"
)

// TestCreateTableSQL pins the table the sink creates: derived from the
// schema declaration, it is the table earlier versions created.
func TestCreateTableSQL(t *testing.T) {
	const want = `CREATE TABLE IF NOT EXISTS "t" (
	source              text          NOT NULL,
	partition_date      date          NOT NULL,
	partition_version   text          NOT NULL,
	ts                  timestamptz   NOT NULL,
	event_key           text          NOT NULL,
	identifiers         jsonb         NOT NULL,
	insert_id           uuid          NOT NULL,
	metric_value        numeric(24,6) NOT NULL,
	user_properties     jsonb         NOT NULL,
	event_properties    jsonb         NOT NULL,
	platform_properties jsonb         NOT NULL
);
CREATE INDEX IF NOT EXISTS "i" ON "t" (source, partition_date)`
	if got := createTableSQL(`"t"`, `"i"`); got != want {
		t.Fatalf("DDL\n%s\nwant\n%s", got, want)
	}
}

// TestCopyColumnsFollowSchema checks that the rows COPYed have the
// table's columns, in its order.
func TestCopyColumnsFollowSchema(t *testing.T) {
	if !slices.Equal(columns, tableColumns()) {
		t.Fatalf("COPY columns %v, table columns %v", columns, tableColumns())
	}
}
