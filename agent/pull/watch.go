package pull

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Poll pulls once at now. It opens what the pull needs (source, sink,
// state) and closes it before it returns, so that nothing stays locked
// between polls. It returns the Options it pulled with, or nil when it
// failed before pulling.
type Poll func(ctx context.Context, now time.Time) (*Result, *Options, error)

// WatchOptions configure Watch.
type WatchOptions struct {
	Interval time.Duration // between the start of a poll and the next; must be positive
	// Deadline, when set, is checked after every poll; a missed deadline
	// is logged once per partition day. A poll that closes its sink sets
	// Options.Deadline too, so that Run checks it while the sink is open.
	Deadline *Deadline
	Log      *slog.Logger
	// OnResult, when set, gets what every poll returned (the caller
	// prints a summary).
	OnResult func(res *Result, o *Options, err error)
	Now      func() time.Time                     // nil = time.Now
	After    func(time.Duration) <-chan time.Time // nil = time.After
}

// Watch polls every Interval until ctx ends, and then returns nil. A poll
// that fails is logged and retried at the next poll; a failure never ends
// the watch.
func Watch(ctx context.Context, poll Poll, w WatchOptions) error {
	if w.Interval <= 0 {
		return errors.New("pull: watch: the interval must be positive")
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.After == nil {
		w.After = time.After
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	lateLogged := ""
	for {
		now := w.Now()
		res, o, err := poll(ctx, now)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("pull failed; retrying at the next poll", "err", err, "next", now.Add(w.Interval).Format(time.RFC3339))
		}
		if w.OnResult != nil {
			w.OnResult(res, o, err)
		}
		if w.Deadline != nil && o != nil {
			var late *LateError
			if derr := pollLate(res, o, *w.Deadline, now); errors.As(derr, &late) && late.Date != lateLogged {
				w.Log.Error("partition missed its deadline", "err", derr)
				lateLogged = late.Date
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.After(w.Interval):
		}
	}
}

// pollLate is a poll's deadline answer: Result.Late when the poll's Run
// checked it (Options.Deadline set: a sink may not answer once the poll
// has closed it), else CheckDeadline's.
func pollLate(res *Result, o *Options, d Deadline, now time.Time) error {
	if o.Deadline != nil {
		if res == nil {
			return nil
		}
		return res.Late
	}
	return o.CheckDeadline(d, now)
}
