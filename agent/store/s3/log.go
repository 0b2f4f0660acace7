package s3

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/smithy-go/logging"
)

// sdkLogger passes the AWS SDK's own log output (retry and region
// warnings, "SDK … WARN" lines) to slog's default logger, so that in JSON
// mode stderr stays JSON lines. Each record has source=aws-sdk.
type sdkLogger struct{ log func() *slog.Logger }

// Logf implements logging.Logger: WARN becomes slog's WARN, DEBUG its DEBUG.
func (l sdkLogger) Logf(c logging.Classification, format string, v ...any) {
	level := slog.LevelInfo
	switch c {
	case logging.Warn:
		level = slog.LevelWarn
	case logging.Debug:
		level = slog.LevelDebug
	}
	log := slog.Default()
	if l.log != nil {
		log = l.log()
	}
	log.Log(context.Background(), level, fmt.Sprintf(format, v...), "source", "aws-sdk")
}

var _ logging.Logger = sdkLogger{}
