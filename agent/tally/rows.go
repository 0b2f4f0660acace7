package tally

import (
	"fmt"
	"os"

	"github.com/hackle/hackle-agent/agent/dedup"
	"github.com/hackle/hackle-agent/agent/report"
	"github.com/hackle/hackle-agent/converters/tolerant"
	"github.com/hackle/hackle-agent/validate"
)

// Earlier says whether an insert_id (validate.UUIDKey) was kept on an
// earlier day: the day, or "" when none kept it. Pull's window of
// already imported days is one.
type Earlier interface {
	Seen(key [16]byte) (day string, err error)
}

// Verdict is what Partition.Row did with a row.
type Verdict int

const (
	Rejected         Verdict = iota // failed the rules: counted, written to rejects.ndjson
	Duplicate                       // its insert_id is earlier in the partition
	DuplicateEarlier                // its insert_id was kept on an earlier day (Earlier)
	Accepted                        // counted as written: the caller writes the event
)

// PartitionOptions configure the checking of one partition day's rows.
type PartitionOptions struct {
	Rules validate.Rules // the rules of the day (From = To = the day)
	Day   validate.Date
	// Earlier, when set, is asked about each insert_id new to the
	// partition: a row it has seen is a duplicate.
	Earlier Earlier
	// Message words the message of a duplicate row: earlierDay is the day
	// Earlier named, or "" for a duplicate within the partition.
	Message func(insertID, earlierDay string) string
	// TempDir holds the spill files of the insert_ids ("": the system's).
	TempDir string
	// BudgetKeys is how many insert_ids are kept in memory before they
	// spill to disk (dedup.NewBudget); 0: dedup.DefaultKeys.
	BudgetKeys int
}

// Partition checks the rows read from one partition day (the tolerant
// reader's rows: raw values and decoding issues) with the rules, drops the
// duplicate insert_ids (the first row is kept) with bounded memory, and
// counts all of them in a Tally. It is not safe for concurrent use; Close
// it.
type Partition struct {
	t   *Tally
	o   PartitionOptions
	dir string
	set *dedup.Set
	ev  validate.Event
}

// NewPartition starts checking a partition's rows into t.
func NewPartition(t *Tally, o PartitionOptions) (*Partition, error) {
	if o.BudgetKeys <= 0 {
		o.BudgetKeys = dedup.DefaultKeys
	}
	dir, err := os.MkdirTemp(o.TempDir, "hackle-insert-ids-")
	if err != nil {
		return nil, fmt.Errorf("insert_id spill folder: %w", err)
	}
	set := dedup.NewSet(dir, "dt="+o.Day.String(), dedup.NewBudget(o.BudgetKeys))
	return &Partition{t: t, o: o, dir: dir, set: set}, nil
}

// Row checks one row of src: a row with decoding issues or failing the
// rules is rejected, a row whose insert_id came before (in the partition,
// or on an earlier day) is a duplicate, and the others are accepted. Each
// is counted, and the rejected and duplicate ones written to the report.
// The event of an accepted row is valid until the next call. An error is
// the report's, the spill's or Earlier's: not the row's fault.
func (p *Partition) Row(src *report.SourceStats, r *tolerant.Row) (*validate.Event, Verdict, error) {
	errs, warns := r.Issues, []validate.Issue(nil)
	if len(errs) == 0 {
		errs, warns = p.o.Rules.Check(&r.Raw, &p.ev)
	}
	if len(errs) > 0 {
		return nil, Rejected, p.t.Reject(src, p.o.Day, p.reject(src, r), errs)
	}
	k := validate.UUIDKey(p.ev.InsertID)
	// Earlier first: a row kept on an earlier day is never kept in this
	// partition, so every copy of it here is a duplicate of that day's.
	if p.o.Earlier != nil {
		day, err := p.o.Earlier.Seen(k)
		if err != nil {
			return nil, DuplicateEarlier, err
		}
		if day != "" {
			return nil, DuplicateEarlier, p.duplicate(src, r, day)
		}
	}
	isNew, err := p.set.Add(k)
	if err != nil {
		return nil, Duplicate, fmt.Errorf("partition %s: %w", p.o.Day, err)
	}
	if !isNew {
		return nil, Duplicate, p.duplicate(src, r, "")
	}
	p.t.Accept(src, p.o.Day, warns)
	return &p.ev, Accepted, nil
}

func (p *Partition) reject(src *report.SourceStats, r *tolerant.Row) *report.Reject {
	return &report.Reject{File: src.File, Row: r.Num, EventKey: r.Raw.EventKey, Raw: r.Raw.JSON()}
}

func (p *Partition) duplicate(src *report.SourceStats, r *tolerant.Row, earlierDay string) error {
	rj := p.reject(src, r)
	rj.Reason, rj.Field, rj.Value = validate.DuplicateInsertID, "insert_id", p.ev.InsertID
	rj.Message = p.o.Message(p.ev.InsertID, earlierDay)
	return p.t.Duplicate(src, p.o.Day, rj)
}

// Close removes the spilled insert_ids. It may be called more than once.
func (p *Partition) Close() error {
	if p.set == nil {
		return nil
	}
	err := p.set.Close()
	if rerr := os.RemoveAll(p.dir); err == nil && rerr != nil {
		err = fmt.Errorf("insert_id spill folder: %w", rerr)
	}
	p.set = nil
	return err
}
