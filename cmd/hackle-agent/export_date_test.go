package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestExportDefaultDate: without --date the export takes yesterday in the
// partition time zone, as Hackle imports D-1.
func TestExportDefaultDate(t *testing.T) {
	work := t.TempDir()
	seoul, _ := time.LoadLocation("Asia/Seoul")
	yesterday := time.Now().In(seoul).AddDate(0, 0, -1)
	noon := time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), 12, 0, 0, 0, seoul)
	in := filepath.Join(work, "e.ndjson")
	row := fmt.Sprintf(`{"insert_id":"8fb8e088-9245-4fce-bb87-7e09d9917ed6","event_key":"a","ts":%q,"identifiers":{"id":"1","device_id":"d"},"platform_properties":{"osname":"iOS","appversion":"1"}}`, noon.Format(time.RFC3339))
	os.WriteFile(in, []byte(row+"\n"), 0o644)
	dest := filepath.Join(work, "bucket")
	res := runAgent(t, work, nil, "export", "--input", in, "--dest", dest, "--partition-timezone", "Asia/Seoul")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	day := noon.Format("2006-01-02")
	if _, err := os.Stat(filepath.Join(dest, "dt="+day, "_SUCCESS")); err != nil {
		t.Errorf("no committed partition for yesterday (%s) in Asia/Seoul: %v", day, err)
	}
	if _, err := os.Stat(filepath.Join(work, "hackle-agent-report", "export", "dt="+day, "report.json")); err != nil {
		t.Errorf("no report in the default folder: %v", err)
	}
}
