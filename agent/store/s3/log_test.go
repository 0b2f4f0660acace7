package s3

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/aws/smithy-go/logging"
)

func TestSDKLoggerGoesThroughSlog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	l := sdkLogger{log: func() *slog.Logger { return log }}
	l.Logf(logging.Warn, "Response has no supported checksum. Not validating response payload. %d", 7)
	l.Logf(logging.Debug, "dropped at INFO")
	var rec map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &rec); err != nil {
		t.Fatalf("not one JSON record: %v\n%s", err, buf.String())
	}
	if rec["level"] != "WARN" || rec["source"] != "aws-sdk" || rec["msg"] != "Response has no supported checksum. Not validating response payload. 7" {
		t.Errorf("record %v", rec)
	}
}
