package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/pull/sink/sinktest"
	"github.com/hackle/hackle-agent/validate"
)

func TestConformance(t *testing.T) {
	url := testURL(t)
	ctx := context.Background()
	reader, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close(ctx)
	tables := map[sink.Sink]string{}
	sinktest.Run(t, sinktest.Harness{
		Open: func(t *testing.T) sink.Sink {
			s, table := openTable(t)
			tables[s] = table
			return s
		},
		Reopen: func(t *testing.T, s sink.Sink) sink.Sink {
			s2, err := Open(ctx, url, Options{Table: tables[s]})
			if err != nil {
				t.Fatal(err)
			}
			tables[s2] = tables[s]
			return s2
		},
		// Another connection, as a reader of the table sees it.
		Rows: func(t *testing.T, s sink.Sink, source, date string) []string {
			rows, err := reader.Query(ctx, "SELECT insert_id::text FROM "+pgx.Identifier{tables[s]}.Sanitize()+
				" WHERE source = $1 AND partition_date = $2::date", source, date)
			if err != nil {
				t.Fatal(err)
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			return ids
		},
		// The connection dies while the rows are being sent, before the
		// transaction commits.
		Crash: func(t *testing.T, s sink.Sink, p sink.Partition, evs []validate.Event) {
			cctx, cancel := context.WithCancel(ctx)
			l, err := s.Begin(cctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for i := range evs {
				if err := l.Write(cctx, &evs[i]); err != nil {
					t.Fatal(err)
				}
			}
			cancel()
			if err := l.Commit(cctx, &sink.Summary{}); err == nil {
				t.Fatal("Commit succeeded on a dead connection")
			}
			s.Close()
		},
	})
}
