// Package postgres is the PostgreSQL sink of pull: one table (default
// hackle_events, created if missing) holding every imported row with its
// source, partition day and version, and next to it <table>_imports,
// pull's record of which version of each source's day it holds. Each
// partition version is loaded in one transaction that deletes the day's
// earlier rows, streams the new ones with one binary COPY and records the
// version, so readers see either the old rows or the new, the record is
// never ahead of (or behind) the rows, and any host or working directory
// that pulls into the database sees the same state.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/hackle/hackle-agent/agent/dedup"
	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/pull/state"
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/validate"
)

// DefaultTable is the table rows go to when Options.Table is empty.
const DefaultTable = "hackle_events"

// ImportsSuffix makes the name of the table of records from the events
// table's: hackle_events → hackle_events_imports (same schema).
const ImportsSuffix = "_imports"

// Write hands the rows to the COPY goroutine in buffers of about
// bufferBytes, queueBuffers of which may wait: memory stays bounded (a few
// MiB) while the client decodes the next rows and the server stores the
// last ones, through one COPY per partition.
const (
	bufferBytes  = 256 << 10
	queueBuffers = 8
)

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

// Sink is a connection to the database and the tables it loads.
type Sink struct {
	conn    *pgx.Conn
	table   pgx.Identifier
	imports pgx.Identifier
	name    string
	locked  map[string]bool // sources this connection holds the lock of
}

var _ sink.Sink = (*Sink)(nil)

// Open connects to url (postgres://user:pw@host:port/db?sslmode=…) and
// creates the table, its index and the imports table when missing. A
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
	t := pgx.Identifier(strings.Split(table, "."))
	imports := append(pgx.Identifier{}, t...)
	imports[len(imports)-1] += ImportsSuffix
	s := &Sink{conn: conn, table: t, imports: imports, name: shown + "#" + table, locked: map[string]bool{}}
	if _, err := s.conn.Exec(ctx, ddl(s.table, s.imports)); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("postgres: create table %s: %w", s.table.Sanitize(), err)
	}
	return s, nil
}

// ddl creates the events table (createTableSQL), its (source,
// partition_date) index and the imports table when missing.
func ddl(table, imports pgx.Identifier) string {
	idx := pgx.Identifier{table[len(table)-1] + "_source_date_idx"}.Sanitize()
	return createTableSQL(table.Sanitize(), idx) + `;
CREATE TABLE IF NOT EXISTS ` + imports.Sanitize() + ` (
	source              text          NOT NULL,
	partition_date      date          NOT NULL,
	partition_version   text          NOT NULL,
	rows                bigint        NOT NULL,
	imported_at         timestamptz   NOT NULL,
	agent_version       text          NOT NULL,
	summary             jsonb         NOT NULL,
	PRIMARY KEY (source, partition_date)
)`
}

// String names the database and table, without a password.
func (s *Sink) String() string { return s.name }

// Close releases the source locks and closes the connection. (The
// server would release them too, but only once the backend has exited,
// after Close returns.)
func (s *Sink) Close() error {
	ctx := context.Background()
	if len(s.locked) > 0 && !s.conn.IsClosed() {
		s.conn.Exec(ctx, `SELECT pg_advisory_unlock_all()`)
		s.locked = map[string]bool{}
	}
	return s.conn.Close(ctx)
}

// lockSource takes, once per connection, a session lock on the table and
// source: two pulls of one source into one table would import the same
// days twice, so the second one fails at once, as two pulls of one folder
// sink do.
func (s *Sink) lockSource(ctx context.Context, source string) error {
	if s.locked[source] {
		return nil
	}
	var ok bool
	key := "hackle-pull/" + s.table.Sanitize() + "/" + source
	if err := s.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, key).Scan(&ok); err != nil {
		return fmt.Errorf("postgres: lock %s: %w", source, err)
	}
	if !ok {
		return fmt.Errorf("postgres: %w (source %s into %s); wait for it to finish, or stop it", state.ErrLocked, source, s.table.Sanitize())
	}
	s.locked[source] = true
	return nil
}

// Imported reads the version recorded in the imports table.
func (s *Sink) Imported(ctx context.Context, source, date string) (string, error) {
	if err := s.lockSource(ctx, source); err != nil {
		return "", err
	}
	var v string
	err := s.conn.QueryRow(ctx, `SELECT partition_version FROM `+s.imports.Sanitize()+
		` WHERE source = $1 AND partition_date = $2::date`, source, date).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("postgres: read %s: %w", s.imports.Sanitize(), err)
	}
	return v, nil
}

// Window reads the insert_ids of source's rows of each day of the window
// from the events table into sorted key files in a temporary folder (a
// local cache searched on disk, removed by Close): the keys are never all
// in memory.
func (s *Sink) Window(ctx context.Context, source, date string, days int) (sink.Window, error) {
	if err := s.lockSource(ctx, source); err != nil {
		return nil, err
	}
	d, err := validate.ParseDate(date)
	if err != nil {
		return nil, fmt.Errorf("postgres: window: %w", err)
	}
	w := &window{}
	if days <= 0 {
		return w, nil
	}
	if w.dir, err = os.MkdirTemp("", "hackle-pull-window-*"); err != nil {
		return nil, fmt.Errorf("postgres: window: %w", err)
	}
	for i := 1; i <= days; i++ {
		day := d.AddDays(-i).String()
		kf, err := s.dayKeys(ctx, w.dir, source, day)
		if err != nil {
			w.Close()
			return nil, err
		}
		if kf != nil {
			w.Add(kf)
		}
	}
	return w, nil
}

// dayKeys writes the insert_ids of source's day into a key file under dir
// and opens it; nil when the day has no rows.
func (s *Sink) dayKeys(ctx context.Context, dir, source, day string) (*state.KeyFile, error) {
	kw := dedup.NewKeyWriter(dir)
	defer kw.Discard()
	rows, err := s.conn.Query(ctx, `SELECT insert_id FROM `+s.table.Sanitize()+
		` WHERE source = $1 AND partition_date = $2::date`, source, day)
	if err != nil {
		return nil, fmt.Errorf("postgres: read the insert_ids of %s: %w", day, err)
	}
	defer rows.Close()
	var k state.Key
	for rows.Next() {
		if raw := rows.RawValues()[0]; len(raw) == 16 { // binary uuid
			copy(k[:], raw)
		} else {
			var u pgtype.UUID
			if err := rows.Scan(&u); err != nil {
				return nil, fmt.Errorf("postgres: read the insert_ids of %s: %w", day, err)
			}
			k = u.Bytes
		}
		if err := kw.Add(k); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: read the insert_ids of %s: %w", day, err)
	}
	if kw.Len() == 0 {
		return nil, nil
	}
	path := filepath.Join(dir, "dt="+day+".keys")
	if err := kw.Finish(path); err != nil {
		return nil, err
	}
	return state.OpenKeyFile(path, day)
}

// window is a state.Window over a temporary folder.
type window struct {
	state.Window
	dir string
}

func (w *window) Close() error {
	w.Window.Close()
	if w.dir != "" {
		return os.RemoveAll(w.dir)
	}
	return nil
}

// Begin opens the load's transaction, takes a transaction lock on the day
// (two pulls into one table do not interleave) and deletes the day's rows.
func (s *Sink) Begin(ctx context.Context, p sink.Partition) (sink.Load, error) {
	day, err := time.Parse(time.DateOnly, p.Date)
	if err != nil {
		return nil, fmt.Errorf("postgres: partition date %q: %w", p.Date, err)
	}
	if err := s.lockSource(ctx, p.Source); err != nil {
		return nil, err
	}
	tx, err := s.conn.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: begin: %w", err)
	}
	l := &load{s: s, tx: tx, ctx: ctx, p: p, day: day}
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
	s    *Sink
	tx   pgx.Tx
	ctx  context.Context
	p    sink.Partition
	day  time.Time
	rows int64
	done bool

	// The COPY runs in its own goroutine from the first Write to Commit,
	// reading encoded rows from queue while Write encodes the next ones
	// into buf; used buffers come back through free. copied is closed when
	// the COPY ends, with copyErr set; closing abort makes it fail.
	prefix  []byte
	buf     []byte
	queue   chan []byte
	free    chan []byte
	abort   chan struct{}
	copied  chan struct{}
	copyErr error
}

// Write encodes a row into the current buffer and hands full buffers to
// the COPY goroutine, waiting when queueBuffers are already queued.
func (l *load) Write(ctx context.Context, ev *validate.Event) error {
	if l.done {
		return errors.New("postgres: load already finished")
	}
	if l.queue == nil {
		l.startCopy()
	}
	l.buf = appendRow(append(l.buf, l.prefix...), ev)
	l.rows++
	if len(l.buf) >= bufferBytes {
		return l.send(ctx)
	}
	return nil
}

func (l *load) startCopy() {
	l.prefix = rowPrefix(l.p.Source, l.day, l.p.Version)
	l.queue, l.free = make(chan []byte, queueBuffers), make(chan []byte, queueBuffers+2)
	l.abort, l.copied = make(chan struct{}), make(chan struct{})
	l.buf = append(make([]byte, 0, bufferBytes+bufferBytes/4), copyHeader...)
	r := &queueReader{queue: l.queue, free: l.free, abort: l.abort}
	sql := `COPY ` + l.s.table.Sanitize() + ` (` + strings.Join(columns, ", ") + `) FROM STDIN (FORMAT binary)`
	go func() {
		defer close(l.copied)
		if _, err := l.tx.Conn().PgConn().CopyFrom(l.ctx, r, sql); err != nil {
			l.copyErr = fmt.Errorf("postgres: copy into %s: %w", l.s.table.Sanitize(), err)
		}
	}()
}

// send queues the current buffer; it returns the COPY's error if the COPY
// has stopped.
func (l *load) send(ctx context.Context) error {
	if len(l.buf) == 0 {
		return nil
	}
	select {
	case l.queue <- l.buf:
	case <-l.copied:
		if l.copyErr == nil {
			return errors.New("postgres: copy ended early")
		}
		return l.copyErr
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case l.buf = <-l.free:
	default:
		l.buf = make([]byte, 0, bufferBytes+bufferBytes/4)
	}
	return nil
}

// finishCopy sends the last rows and the trailer, ends the COPY and waits
// for the server's answer.
func (l *load) finishCopy(ctx context.Context) error {
	if l.queue == nil {
		return nil
	}
	l.buf = append(l.buf, copyTrailer...)
	if err := l.send(ctx); err != nil {
		l.stopCopy()
		return err
	}
	close(l.queue)
	l.queue = nil
	<-l.copied
	return l.copyErr
}

// stopCopy makes a running COPY fail (the server discards its rows, and
// the connection stays usable) and waits for it.
func (l *load) stopCopy() {
	if l.queue == nil {
		return
	}
	close(l.abort)
	l.queue = nil
	<-l.copied
}

// errAborted is what the COPY is failed with when a load is aborted.
var errAborted = errors.New("load aborted")

// queueReader is the COPY's input: the buffers Write queues, in order.
type queueReader struct {
	queue <-chan []byte
	free  chan<- []byte
	abort <-chan struct{}
	cur   []byte
	off   int
}

func (r *queueReader) Read(p []byte) (int, error) {
	for r.off >= len(r.cur) {
		if r.cur != nil {
			select {
			case r.free <- r.cur[:0]:
			default:
			}
			r.cur = nil
		}
		select {
		case b, ok := <-r.queue:
			if !ok {
				return 0, io.EOF
			}
			r.cur, r.off = b, 0
		case <-r.abort:
			return 0, errAborted
		}
	}
	n := copy(p, r.cur[r.off:])
	r.off += n
	return n, nil
}

// Commit ends the COPY, records the version in the imports table and
// commits the transaction: rows and record become visible together.
func (l *load) Commit(ctx context.Context, sum *sink.Summary) error {
	if l.done {
		return errors.New("postgres: load already finished")
	}
	if err := l.finishCopy(ctx); err != nil {
		return err
	}
	l.done = true
	at := sum.ImportedAt
	if at.IsZero() {
		at = time.Now().UTC()
	}
	js, err := json.Marshal(sum)
	if err != nil {
		l.tx.Rollback(context.Background())
		return fmt.Errorf("postgres: summary: %w", err)
	}
	if _, err := l.tx.Exec(ctx, `INSERT INTO `+l.s.imports.Sanitize()+`
	(source, partition_date, partition_version, rows, imported_at, agent_version, summary)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (source, partition_date) DO UPDATE SET partition_version = EXCLUDED.partition_version,
	rows = EXCLUDED.rows, imported_at = EXCLUDED.imported_at, agent_version = EXCLUDED.agent_version, summary = EXCLUDED.summary`,
		l.p.Source, l.day, l.p.Version, l.rows, at, sum.AgentVersion, string(js)); err != nil {
		l.tx.Rollback(context.Background())
		return fmt.Errorf("postgres: record %s in %s: %w", l.p.Date, l.s.imports.Sanitize(), err)
	}
	if err := l.tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// Abort stops the COPY and rolls the transaction back.
func (l *load) Abort() error {
	if l.done {
		return nil
	}
	l.done = true
	l.stopCopy()
	return l.tx.Rollback(context.Background())
}
