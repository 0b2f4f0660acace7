// Package rejectgen writes large, deterministic rejects.ndjson files for
// benchmarks of the inspect UI. The same n always gives the same bytes.
package rejectgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/validate"
)

type kind struct {
	reason validate.Reason
	field  string
	msg    string
}

var kinds = []kind{
	{validate.TSOutOfRange, "ts", "ts is outside the partition day 2023-01-01 (Asia/Seoul)"},
	{validate.InsertIDInvalid, "insert_id", "insert_id is not a UUID"},
	{validate.IdentifierMissing, "identifiers.device_id", "identifiers.device_id is missing"},
	{validate.OSNameInvalid, "platform_properties.osname", "osname must be Android or iOS"},
	{validate.MetricInvalid, "metric_value", "metric_value is not a number"},
	{validate.EventKeyEmpty, "event_key", "event_key is empty"},
	{validate.PlanViolation, "event_properties.price", "price: Invalid type. Expected: number, given: string"},
}

var events = []string{"purchase", "view_item", "add_to_cart", "login", "구매완료", "app_open", ""}

// Write writes n reject lines to w, spread over three source files.
func Write(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		b, err := json.Marshal(reject(rng, i))
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

func reject(rng *rand.Rand, i int) report.Reject {
	k := kinds[rng.IntN(len(kinds))]
	ev := events[rng.IntN(len(events))]
	file := fmt.Sprintf("events-%02d.ndjson", i%3)
	value := fmt.Sprintf("v-%d", rng.IntN(100000))
	raw := map[string]any{
		"insert_id":   fmt.Sprintf("%08x-0000-4000-8000-%012x", i, rng.Int64N(1<<40)),
		"event_key":   ev,
		"ts":          1672531200000 + rng.Int64N(86400000),
		"identifiers": map[string]string{"id": fmt.Sprintf("u%d", i), "device_id": fmt.Sprintf("d%d", i%5000)},
		"platform_properties": map[string]string{
			"osname": "Android", "appversion": "5.2.1", "language": "ko",
		},
		"event_properties": map[string]any{"price": value, "item": "상품-" + fmt.Sprint(i%97)},
	}
	rawJSON, _ := json.Marshal(raw)
	return report.Reject{
		File: file, Line: int64(i/3 + 1), Row: int64(i/3 + 1),
		Reason: k.reason, Field: k.field, Message: k.msg, Value: value,
		EventKey: ev, Raw: rawJSON,
	}
}
