package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/pull/sink/sinktest"
	"github.com/hackle/hackle-agent/validate"
)

// TestBinaryValues loads values at the edges of each column's encoding and
// reads them back as the server understood them: numeric signs, scales and
// magnitudes, JSON escapes, timestamps before and after 2000.
func TestBinaryValues(t *testing.T) {
	s, table := openTable(t)
	ctx := context.Background()
	metrics := []string{"0", "0.000001", "-0.000001", "1", "-1", "10000", "0.0001", "12.345678", "-98765.4321",
		"999999999999999999.999999", "-999999999999999999.999999", "100000000", "0.5", "123456789012.000100"}
	strs := []string{"plain", `quo"te`, `back\slash`, "new\nline\ttab\r", "ctl\x01\x1f", "<html>&amp;", "한국어 ✓", "bad\xffutf8"}
	evs := make([]validate.Event, len(metrics))
	for i, m := range metrics {
		evs[i] = sinktest.Event("1999-12-31", i+1)
		evs[i].TS = int64(946684800000 - 86400000 + i*3_600_000 - 5) // around the 2000 epoch
		evs[i].MetricValue, _, _ = validate.ParseDecimal(m)
		str := strs[i%len(strs)]
		evs[i].UserProps = []validate.KV{{Key: "k", Value: str}, {Key: str, Value: "v"}}
		evs[i].EventKey = fmt.Sprintf("e%d", i)
	}
	sinktest.Load(t, s, sink.Partition{Source: "src", Date: "1999-12-31", Version: "v"}, evs, true)
	for i, ev := range evs {
		var metric, props string
		var ms int64
		err := s.conn.QueryRow(ctx, "SELECT metric_value::text, user_properties::text, (extract(epoch FROM ts) * 1000)::bigint FROM "+
			pgx.Identifier{table}.Sanitize()+" WHERE event_key = $1", ev.EventKey).Scan(&metric, &props, &ms)
		if err != nil {
			t.Fatal(err)
		}
		if want := ev.MetricValue.String(); metric != want {
			t.Errorf("metric %s: the server has %s, want %s", metrics[i], metric, want)
		}
		var got map[string]string
		if err := json.Unmarshal([]byte(props), &got); err != nil {
			t.Fatalf("user_properties %q: %v", props, err)
		}
		want := map[string]string{}
		for _, kv := range ev.UserProps {
			var k, v string
			kb, _ := json.Marshal(kv.Key)
			vb, _ := json.Marshal(kv.Value)
			json.Unmarshal(kb, &k)
			json.Unmarshal(vb, &v)
			want[k] = v
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("user_properties: the server has %v, want %v", got, want)
		}
		if ms != ev.TS {
			t.Errorf("ts: the server has %d, want %d", ms, ev.TS)
		}
	}
}

// TestAbortKeepsConnection: an aborted load in the middle of its COPY
// leaves the connection usable for the next partition.
func TestAbortKeepsConnection(t *testing.T) {
	s, _ := openTable(t)
	ids := make([]int, 3000)
	for i := range ids {
		ids[i] = i
	}
	sinktest.Load(t, s, sink.Partition{Source: "src", Date: "2023-01-01", Version: "v1"}, sinktest.Events("2023-01-01", ids...), false)
	sinktest.Load(t, s, sink.Partition{Source: "src", Date: "2023-01-02", Version: "v1"}, sinktest.Events("2023-01-02", 1, 2), true)
	if v, err := s.Imported(context.Background(), "src", "2023-01-02"); v != "v1" || err != nil {
		t.Errorf("after an aborted load: Imported = %q, %v", v, err)
	}
}
