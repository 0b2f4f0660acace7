package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrPrecondition is returned (wrapped) by the conditional writes of a
// ConditionalPutter when the condition does not hold. Test with errors.Is.
var ErrPrecondition = errors.New("precondition failed")

// Owner names the run that holds a lock, for the message another run gets.
type Owner struct {
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	Command string    `json:"command"`
}

func (o Owner) String() string {
	return fmt.Sprintf("host %s, pid %d, started %s, command %q", o.Host, o.PID, o.Started.UTC().Format(time.RFC3339), o.Command)
}

// LockedError says that another run holds a lock: nothing was changed.
type LockedError struct {
	Name    string    // what is locked, e.g. "dt=2023-01-01"
	Owner   Owner     // the holder, as it described itself
	Expires time.Time // zero for a lock that lasts as long as its holder's process
}

func (e *LockedError) Error() string {
	s := fmt.Sprintf("%s is being committed by another run (%s)", e.Name, e.Owner)
	if !e.Expires.IsZero() {
		s += fmt.Sprintf("; its lease expires at %s unless renewed", e.Expires.UTC().Format(time.RFC3339))
	}
	return s + "; nothing was changed"
}

// Lock is a held lock.
type Lock interface {
	// Held returns nil while the lock is still this run's, and an error once
	// it was lost (a lease that could not be renewed in time). Check it
	// right before an irreversible step.
	Held() error
	// Unlock releases the lock and removes what it left in the store. It is
	// safe to call more than once.
	Unlock(ctx context.Context) error
}

// Locker is implemented by stores that hold exclusive locks natively (the
// local store, with flock). Lock takes the lock called name (a partition,
// "dt=2023-01-01") for owner, or fails at once with a *LockedError naming
// the holder. A lock whose holder died is free again (the kernel releases
// a flock when its process ends).
type Locker interface {
	Lock(ctx context.Context, name string, owner Owner) (Lock, error)
}

// ConditionalPutter is implemented by stores with conditional writes (S3
// If-None-Match/If-Match, GCS generation preconditions). AcquireLock builds
// an expiring lease on them. A version is the store's own marker of one
// object version (an S3 ETag, a GCS generation).
type ConditionalPutter interface {
	// PutIfAbsent writes data to key only if no object is there, and
	// returns the new version. An existing object is ErrPrecondition.
	PutIfAbsent(ctx context.Context, key string, data []byte) (string, error)
	// PutIfMatch replaces key only if its current version is version, and
	// returns the new version. Any other version, or no object, is
	// ErrPrecondition.
	PutIfMatch(ctx context.Context, key string, data []byte, version string) (string, error)
	// DeleteIfMatch removes key only if its current version is version.
	// Stores that cannot make a delete conditional delete unconditionally.
	DeleteIfMatch(ctx context.Context, key, version string) error
}

// LockPrefix is the folder, at the store's root, where leases live: outside
// every dt= folder, so that nothing reading partitions sees them, and
// '_'-prefixed, so that Hive-style readers skip it.
const LockPrefix = "_hackle_agent_lock/"

// AcquireLock takes the lock called name on st: natively when st is a
// Locker, else as a lease (see Lease) when it is a ConditionalPutter. A
// store with neither cannot make commits exclusive and is an error.
func AcquireLock(ctx context.Context, st Store, name string, owner Owner) (Lock, error) {
	if strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("lock: invalid name %q", name)
	}
	switch s := st.(type) {
	case Locker:
		return s.Lock(ctx, name, owner)
	case ConditionalPutter:
		return acquireLease(ctx, st, s, name, owner, LeaseDuration())
	}
	return nil, fmt.Errorf("%s cannot lock %s: the store offers neither locks nor conditional writes", st, name)
}
