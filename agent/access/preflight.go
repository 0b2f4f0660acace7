package access

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/store"
)

// PreflightError says a store failed the cheap check a command runs
// before it reads any input (Preflight). It names the store (redacted)
// and the permission of the step that failed.
type PreflightError struct {
	Store      string // the store's redacted location
	Step       string // e.g. "list under the prefix"
	Permission string // e.g. "s3:ListBucket"
	Err        error
}

func (e *PreflightError) Error() string {
	return fmt.Sprintf("%s: %s (%s): %v; see hackle-agent check --dest %s", e.Store, e.Step, e.Permission, e.Err, e.Store)
}

func (e *PreflightError) Unwrap() error { return e.Err }

// Preflight checks, cheaply and before a command reads any input, that
// the bucket of st exists, that the credentials work and, when write is
// true, that writing under the prefix is allowed, so that a wrong key or
// bucket fails a run in about a second instead of after its input was
// read. It reuses check's steps:
//
//   - the bucket probe (S3 GetBucketLocation, GCS buckets.get), which
//     fails the preflight only for a missing bucket or rejected
//     credentials (Blocker): Hackle's S3 policy conditions
//     GetBucketLocation on a prefix, so a plain denial there is normal;
//   - one listing page under the prefix (list permission);
//   - with write, a put and a delete of a small probe object named
//     ProbePrefix+random under the prefix: nothing else proves the put
//     permission, and the delete removes the probe (a run also deletes).
//
// Stores without a bucket (a local folder, whose failures are immediate
// and local) are not probed. The error is a *PreflightError.
func Preflight(ctx context.Context, st store.Store, write bool) error {
	if _, ok := st.(BucketProber); !ok {
		return nil
	}
	perms, err := store.PermissionsOf(st)
	if err != nil {
		return err
	}
	name := redact.URL(st.String())
	fail := func(step, perm string, err error) error {
		return &PreflightError{Store: name, Step: step, Permission: perm, Err: err}
	}
	if r := probeBucket(ctx, st, perms.Bucket); r.Err != nil && (Blocker([]CheckResult{r}) != nil || ctx.Err() != nil) {
		return fail(r.Step, r.Permission, r.Err)
	}
	if err := listOne(ctx, st); err != nil {
		return fail("list under the prefix", perms.List, err)
	}
	if !write {
		return nil
	}
	key := ProbePrefix + randomHex(8)
	body := []byte("hackle-agent preflight probe " + time.Now().UTC().Format(time.RFC3339) + "\n")
	if err := st.Put(ctx, key, bytes.NewReader(body), int64(len(body))); err != nil {
		return fail("put probe object "+key, perms.Put, err)
	}
	if err := st.Delete(ctx, key); err != nil {
		return fail("delete probe object "+key, perms.Delete, fmt.Errorf("%w (the probe is left behind: remove it by hand)", err))
	}
	return nil
}
