package pull

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestWatch polls a real folder source with a scripted clock: a poll that
// fails is logged and retried, a missed deadline is logged once per day,
// a partition committed later is imported at the next poll, and the watch
// ends without error when its context does.
func TestWatch(t *testing.T) {
	e := newEnv(t)
	var logs bytes.Buffer
	o := e.options()
	o.Log = slog.New(slog.NewTextHandler(&logs, nil))
	deadline, err := ParseDeadline("00:00", "UTC") // yesterday's partition is always due
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	now := time.Date(2023, 1, 2, 12, 0, 0, 0, time.UTC) // due: dt=2023-01-01
	var polls []time.Time
	var results []string
	poll := func(ctx context.Context, at time.Time) (*Result, *Options, error) {
		polls = append(polls, at)
		switch len(polls) {
		case 2:
			return nil, nil, errors.New("source unreachable")
		case 4:
			e.export("2023-01-01", events(t, "2023-01-01", 1, 2, 3), 0)
		}
		res, err := Run(ctx, o)
		return res, &o, err
	}
	err = Watch(ctx, poll, WatchOptions{
		Interval: time.Minute, Deadline: &deadline, Log: o.Log,
		OnResult: func(res *Result, _ *Options, err error) {
			switch {
			case err != nil:
				results = append(results, "failed")
			default:
				results = append(results, strings.Repeat("I", res.Count(Imported))+strings.Repeat("U", res.Count(Unchanged)))
			}
			if len(results) == 5 {
				cancel() // SIGINT during the wait
			}
		},
		Now: func() time.Time { now = now.Add(time.Minute); return now },
		After: func(d time.Duration) <-chan time.Time {
			if d != time.Minute {
				t.Errorf("waits %v, want the interval", d)
			}
			ch := make(chan time.Time, 1)
			if ctx.Err() == nil {
				ch <- now
			}
			return ch
		},
	})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	if want := "[ failed  I U]"; fmtSlice(results) != want {
		t.Fatalf("results %s, want %s", fmtSlice(results), want)
	}
	if len(polls) != 5 || polls[1].Sub(polls[0]) != time.Minute {
		t.Fatalf("polls at %v", polls)
	}
	log := logs.String()
	if n := strings.Count(log, "partition missed its deadline"); n != 1 {
		t.Errorf("deadline logged %d times, want once:\n%s", n, log)
	}
	if n := strings.Count(log, "pull failed; retrying at the next poll"); n != 1 || !strings.Contains(log, "source unreachable") {
		t.Errorf("failure logged %d times, want once:\n%s", n, log)
	}
	e.checkSink("2023-01-01", 1, 2, 3)
}

func TestWatchNeedsAnInterval(t *testing.T) {
	called := false
	poll := func(context.Context, time.Time) (*Result, *Options, error) { called = true; return nil, nil, nil }
	if err := Watch(context.Background(), poll, WatchOptions{}); err == nil || called {
		t.Fatalf("Watch with no interval: %v, polled %v", err, called)
	}
}

func fmtSlice(s []string) string { return "[" + strings.Join(s, " ") + "]" }
