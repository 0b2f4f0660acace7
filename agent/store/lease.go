package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// LeaseEnv names the environment variable that shortens the lease (a Go
// duration, e.g. "2s"), so that tests can watch one expire. It is for tests.
const LeaseEnv = "HACKLE_AGENT_TEST_LEASE"

// defaultLease is how long a lease lasts without renewal. The holder renews
// it every third of that, so only a holder that stopped (killed, cut off)
// loses it; a crashed holder blocks others for at most this long.
const defaultLease = 2 * time.Minute

// LeaseDuration is the lease length: defaultLease, or LeaseEnv.
func LeaseDuration() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(LeaseEnv)); err == nil && d > 0 {
		return d
	}
	return defaultLease
}

// leaseDoc is the lease object, LockPrefix+name+".json".
type leaseDoc struct {
	Owner   Owner     `json:"owner"`
	Token   string    `json:"token"`   // random, tells two holders apart
	Expires time.Time `json:"expires"` // the holder's clock; others compare with theirs
}

// lease is a held lease (Lease).
type lease struct {
	st      Store
	cp      ConditionalPutter
	key     string
	doc     leaseDoc
	ttl     time.Duration
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	version string
	held    time.Time // until when the last successful write holds it
	err     error     // set once the lease is lost
	once    sync.Once
}

// acquireLease implements the lease on a ConditionalPutter:
//
//   - create the lease object with PutIfAbsent;
//   - when one exists and has expired, replace it with PutIfMatch on the
//     version read, so that of two runs taking over only one wins;
//   - check that the store honours the condition: a second PutIfAbsent of
//     the same key must fail. A store that ignores conditional writes cannot
//     make commits exclusive, and the lock is refused (fail safe);
//   - renew every ttl/3 with PutIfMatch; a failed renewal marks it lost;
//   - Unlock deletes it with DeleteIfMatch.
func acquireLease(ctx context.Context, st Store, cp ConditionalPutter, name string, owner Owner, ttl time.Duration) (Lock, error) {
	l := &lease{st: st, cp: cp, key: LockPrefix + name + ".json", ttl: ttl, stop: make(chan struct{}), done: make(chan struct{})}
	tok := make([]byte, 16)
	rand.Read(tok)
	l.doc = leaseDoc{Owner: owner, Token: hex.EncodeToString(tok)}
	for attempt := 0; ; attempt++ {
		v, err := cp.PutIfAbsent(ctx, l.key, l.encode())
		if err == nil {
			l.version = v
			break
		}
		if !errors.Is(err, ErrPrecondition) {
			return nil, fmt.Errorf("lock %s: %w", name, err)
		}
		cur, curVersion, err := l.read(ctx)
		if errors.Is(err, ErrNotExist) && attempt < 3 {
			continue // released meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", name, err)
		}
		if cur.Token == l.doc.Token { // our own write, whose answer was lost and retried
			l.version = curVersion
			break
		}
		if time.Now().Before(cur.Expires) {
			return nil, &LockedError{Name: name, Owner: cur.Owner, Expires: cur.Expires}
		}
		v, err = cp.PutIfMatch(ctx, l.key, l.encode(), curVersion)
		if errors.Is(err, ErrPrecondition) {
			return nil, &LockedError{Name: name, Owner: cur.Owner, Expires: cur.Expires} // another run took it over first
		}
		if err != nil {
			return nil, fmt.Errorf("lock %s: take over an expired lease: %w", name, err)
		}
		l.version = v
		break
	}
	l.held = l.doc.Expires
	if _, err := cp.PutIfAbsent(ctx, l.key, l.encode()); !errors.Is(err, ErrPrecondition) {
		cp.DeleteIfMatch(context.WithoutCancel(ctx), l.key, l.version)
		if err == nil {
			return nil, fmt.Errorf("lock %s: %s ignores conditional writes (If-None-Match), so two runs could commit the same partition at once: refusing to commit", name, st)
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	go l.renew()
	return l, nil
}

// encode renders the lease with a fresh expiry.
func (l *lease) encode() []byte {
	l.doc.Expires = time.Now().Add(l.ttl).UTC().Truncate(time.Millisecond)
	b, _ := json.Marshal(l.doc)
	return b
}

// read returns the current lease and its version. The version is read
// before the content: a PutIfMatch on it fails if the content changed.
func (l *lease) read(ctx context.Context) (leaseDoc, string, error) {
	var d leaseDoc
	oi, err := l.st.Stat(ctx, l.key)
	if err != nil {
		return d, "", err
	}
	rc, err := l.st.Get(ctx, l.key)
	if err != nil {
		return d, "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil {
		return d, "", err
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&d); err != nil {
		return leaseDoc{}, oi.ETag, nil // unreadable: expired (zero time), may be taken over
	}
	return d, oi.ETag, nil
}

func (l *lease) renew() {
	defer close(l.done)
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), l.ttl/3)
		l.mu.Lock()
		v, err := l.cp.PutIfMatch(ctx, l.key, l.encode(), l.version)
		if err == nil {
			l.version, l.held = v, l.doc.Expires
		} else if l.err == nil && (errors.Is(err, ErrPrecondition) || time.Now().After(l.held.Add(-l.ttl/3))) {
			l.err = fmt.Errorf("lost the lease %s: %w", l.key, err)
		}
		l.mu.Unlock()
		cancel()
	}
}

func (l *lease) Held() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil && time.Now().After(l.held) {
		l.err = fmt.Errorf("lost the lease %s: it expired at %s", l.key, l.held.Format(time.RFC3339))
	}
	return l.err
}

func (l *lease) Unlock(ctx context.Context) error {
	var err error
	l.once.Do(func() {
		close(l.stop)
		<-l.done
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.err == nil {
			err = l.cp.DeleteIfMatch(ctx, l.key, l.version)
		}
	})
	return err
}
