// Package postgres is the PostgreSQL sink of pull: one table (default
// hackle_events, created if missing) holding every imported row with its
// partition day and version. Each partition version is loaded in one
// transaction that deletes the day's earlier rows and COPYs the new ones,
// so readers see either the old rows or the new, and a re-load of the same
// version leaves the same rows.
package postgres

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/validate"
)

// DefaultTable is the table rows go to when Options.Table is empty.
const DefaultTable = "hackle_events"

// batchRows is how many rows one COPY sends; a load is several COPYs in
// one transaction, so memory stays bounded.
const batchRows = 10_000

// columns are the table's columns in COPY order.
var columns = []string{
	"source", "partition_date", "partition_version", "ts", "event_key", "identifiers", "insert_id",
	"metric_value", "user_properties", "event_properties", "platform_properties",
}

func init() {
	sink.Register(sink.Backend[Options]{
		Schemes: []string{"postgres", "postgresql"},
		Open: func(ctx context.Context, url string, opts *Options) (sink.Sink, error) {
			return Open(ctx, url, *opts)
		},
	})
}

// Options configure the PostgreSQL sink; pull makes a flag of each.
type Options struct {
	Table string `option:"table" default:"hackle_events" help:"PostgreSQL sink: table (created if missing; schema.table accepted)"`
}

// Sink is a connection to the database and the table it loads.
type Sink struct {
	conn  *pgx.Conn
	table pgx.Identifier
	name  string
}

var _ sink.Sink = (*Sink)(nil)

// Open connects to url (postgres://user:pw@host:port/db?sslmode=…) and
// creates the table and its partition_date index when missing. A
// schema-qualified table ("analytics.events") is accepted.
func Open(ctx context.Context, url string, opts Options) (sink.Sink, error) {
	table := opts.Table
	if table == "" {
		table = DefaultTable
	}
	shown := redact.URL(url)
	cfg, err := pgx.ParseConfig(url)
	var notURL *neturl.Error
	if errors.As(err, &notURL) {
		// Its message quotes the URL, password and all, or a part of it.
		return nil, fmt.Errorf("postgres: %s is not a valid connection URL: percent-encode the special characters "+
			"of the password (%% as %%25, @ as %%40, / as %%2F, # as %%23, ? as %%3F, : as %%3A), or give it in PGPASSWORD or ~/.pgpass", shown)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", shown, redact.Error(err, url))
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect to %s: %w", shown, redact.Error(err, url, cfg.Password))
	}
	s := &Sink{conn: conn, table: pgx.Identifier(strings.Split(table, ".")), name: shown + "#" + table}
	if err := s.createTable(ctx); err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return s, nil
}

func (s *Sink) createTable(ctx context.Context) error {
	t := s.table.Sanitize()
	idx := pgx.Identifier{s.table[len(s.table)-1] + "_source_date_idx"}.Sanitize()
	sql := createTableSQL(t, idx)
	if _, err := s.conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("postgres: create table %s: %w", t, err)
	}
	return nil
}

// String names the database and table, without a password.
func (s *Sink) String() string { return s.name }

// Close closes the connection.
func (s *Sink) Close() error { return s.conn.Close(context.Background()) }

// Begin opens the load's transaction, takes a transaction lock on the day
// (two pulls into one table do not interleave) and deletes the day's rows.
func (s *Sink) Begin(ctx context.Context, p sink.Partition) (sink.Load, error) {
	day, err := time.Parse(time.DateOnly, p.Date)
	if err != nil {
		return nil, fmt.Errorf("postgres: partition date %q: %w", p.Date, err)
	}
	tx, err := s.conn.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: begin: %w", err)
	}
	l := &load{s: s, tx: tx, ctx: ctx, source: p.Source, day: day, version: p.Version}
	lockKey := s.table.Sanitize() + "/" + p.Source + "/" + p.Date
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, lockKey); err != nil {
		tx.Rollback(ctx)
		return nil, fmt.Errorf("postgres: lock %s: %w", lockKey, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM `+s.table.Sanitize()+` WHERE source = $1 AND partition_date = $2`, p.Source, day); err != nil {
		tx.Rollback(ctx)
		return nil, fmt.Errorf("postgres: delete rows of %s: %w", p.Date, err)
	}
	return l, nil
}

type load struct {
	s       *Sink
	tx      pgx.Tx
	ctx     context.Context
	source  string
	day     time.Time
	version string
	batch   [][]any
	done    bool
}

// Write adds a row to the batch, COPYing the batch when it is full.
func (l *load) Write(ev *validate.Event) error {
	if l.done {
		return errors.New("postgres: load already finished")
	}
	l.batch = append(l.batch, []any{
		l.source, l.day, l.version, time.UnixMilli(ev.TS).UTC(), ev.EventKey, jsonObject(ev.Identifiers),
		pgtype.UUID{Bytes: validate.UUIDKey(ev.InsertID), Valid: true},
		pgtype.Numeric{Int: ev.MetricValue.Unscaled(), Exp: -validate.DecimalScale, Valid: true},
		jsonObject(ev.UserProps), jsonObject(ev.EventProps), jsonObject(ev.PlatformProps),
	})
	if len(l.batch) >= batchRows {
		return l.flush(l.ctx)
	}
	return nil
}

func (l *load) flush(ctx context.Context) error {
	if len(l.batch) == 0 {
		return nil
	}
	if _, err := l.tx.CopyFrom(ctx, l.s.table, columns, pgx.CopyFromRows(l.batch)); err != nil {
		return fmt.Errorf("postgres: copy into %s: %w", l.s.table.Sanitize(), err)
	}
	l.batch = l.batch[:0]
	return nil
}

// Commit sends the last batch and commits the transaction.
func (l *load) Commit(ctx context.Context, _ *sink.Summary) error {
	if l.done {
		return errors.New("postgres: load already finished")
	}
	if err := l.flush(ctx); err != nil {
		return err
	}
	l.done = true
	if err := l.tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// Abort rolls the transaction back.
func (l *load) Abort() error {
	if l.done {
		return nil
	}
	l.done = true
	return l.tx.Rollback(context.Background())
}
