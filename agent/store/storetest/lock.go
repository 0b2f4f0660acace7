package storetest

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/store"
)

func owner(pid int) store.Owner {
	return store.Owner{Host: "test", PID: pid, Started: time.Unix(1700000000, 0), Command: "storetest"}
}

// testLockRace: of several runs locking the same partition at once, exactly
// one wins; the others get a *LockedError naming the winner.
func testLockRace(t *testing.T, st store.Store) {
	const n = 6
	var wg sync.WaitGroup
	locks := make([]store.Lock, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			locks[i], errs[i] = store.AcquireLock(ctx(t), st, "dt=2023-01-01", owner(100+i))
		}()
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		var le *store.LockedError
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("runs %d and %d both hold the lock", winner, i)
		case err == nil:
			winner = i
		case !errors.As(err, &le):
			t.Errorf("run %d: %v, want a *LockedError", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("nobody got the lock: %v", errs)
	}
	for i, err := range errs {
		var le *store.LockedError
		if errors.As(err, &le) && le.Owner.PID != 100+winner {
			t.Errorf("run %d was told the holder is pid %d, want %d", i, le.Owner.PID, 100+winner)
		}
	}
	if err := locks[winner].Unlock(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AcquireLock(ctx(t), st, "dt=2023-01-02", owner(1)); err != nil {
		t.Errorf("another partition: %v", err)
	}
}

// testLockRelease: Unlock frees the lock and leaves nothing in the store.
func testLockRelease(t *testing.T, st store.Store) {
	for i := range 3 {
		l, err := store.AcquireLock(ctx(t), st, "dt=2023-01-01", owner(i))
		if err != nil {
			t.Fatalf("lock %d: %v", i, err)
		}
		if err := l.Held(); err != nil {
			t.Fatal(err)
		}
		if err := l.Unlock(ctx(t)); err != nil {
			t.Fatalf("unlock %d: %v", i, err)
		}
	}
	if got := list(t, st, ""); len(got) != 0 {
		t.Errorf("the store holds %v after Unlock, want nothing", keysOf(got))
	}
}

func leaseStore(t *testing.T, st store.Store) store.ConditionalPutter {
	cp, ok := st.(store.ConditionalPutter)
	if !ok {
		t.Skip("not a lease store (the lock lives as long as its holder's process)")
	}
	return cp
}

// testLeaseTakeover: the lease of a holder that died is taken over once it
// expired, not before.
func testLeaseTakeover(t *testing.T, st store.Store) {
	cp := leaseStore(t, st)
	key := store.LockPrefix + "dt=2023-01-01.json"
	dead, _ := json.Marshal(map[string]any{"owner": owner(7), "token": "x", "expires": time.Now().Add(time.Hour)})
	v, err := cp.PutIfAbsent(ctx(t), key, dead)
	if err != nil {
		t.Fatal(err)
	}
	var le *store.LockedError
	if _, err := store.AcquireLock(ctx(t), st, "dt=2023-01-01", owner(1)); !errors.As(err, &le) || le.Owner.PID != 7 {
		t.Fatalf("a live lease: %v, want a *LockedError naming pid 7", err)
	}
	expired, _ := json.Marshal(map[string]any{"owner": owner(7), "token": "x", "expires": time.Now().Add(-time.Second)})
	if _, err := cp.PutIfMatch(ctx(t), key, expired, "not-"+v); !errors.Is(err, store.ErrPrecondition) {
		t.Fatalf("PutIfMatch of another version: %v, want ErrPrecondition", err)
	}
	if _, err := cp.PutIfMatch(ctx(t), key, expired, v); err != nil {
		t.Fatal(err)
	}
	l, err := store.AcquireLock(ctx(t), st, "dt=2023-01-01", owner(1))
	if err != nil {
		t.Fatalf("an expired lease: %v, want it taken over", err)
	}
	if _, err := store.AcquireLock(ctx(t), st, "dt=2023-01-01", owner(2)); !errors.As(err, &le) || le.Owner.PID != 1 {
		t.Fatalf("after the takeover: %v, want a *LockedError naming pid 1", err)
	}
	if err := l.Unlock(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := list(t, st, ""); len(got) != 0 {
		t.Errorf("the store holds %v after Unlock", keysOf(got))
	}
}

// testLeaseRenewal: a holder that lives renews its lease past its duration.
func testLeaseRenewal(t *testing.T, st store.Store) {
	leaseStore(t, st)
	t.Setenv(store.LeaseEnv, "900ms")
	l, err := store.AcquireLock(ctx(t), st, "dt=2023-01-01", owner(1))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	if err := l.Held(); err != nil {
		t.Fatalf("after renewals: %v", err)
	}
	var le *store.LockedError
	if _, err := store.AcquireLock(ctx(t), st, "dt=2023-01-01", owner(2)); !errors.As(err, &le) {
		t.Fatalf("a renewed lease: %v, want a *LockedError", err)
	}
	if err := l.Unlock(ctx(t)); err != nil {
		t.Fatal(err)
	}
}
