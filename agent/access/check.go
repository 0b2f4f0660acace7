// Package access exercises the permissions Hackle asks for on a customer's
// bucket (docs/schema.md) against a real store (Check) and prints the
// result as a table, and runs the cheap part of it before a command reads
// any input (Preflight). Which permission each step needs is the store
// backend's to say (store.Backend.Permissions), as is the policy that
// grants them (store.PolicyFor).
package access

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hackle/hackle-agent/agent/store"
)

// BucketProber is implemented by stores that can exercise the bucket-level
// permission (S3 GetBucketLocation, GCS storage.buckets.get).
type BucketProber interface {
	ProbeBucket(ctx context.Context) error
}

// VersionProber is implemented by stores with object versions (S3). It
// reads key's current version by id; versioned is false, with no error,
// when the bucket does not keep versions (nothing to check then).
type VersionProber interface {
	ProbeVersion(ctx context.Context, key string) (versioned bool, err error)
}

// CheckResult is one row of the check table.
type CheckResult struct {
	Step       string // what was done, e.g. "delete probe object"
	Permission string // the permission it needs, e.g. "s3:DeleteObject"
	OK         bool
	Skipped    bool   // not applicable here (OK is true)
	Detail     string // the error, or why it was skipped
	Err        error  // the failure, if any
}

// ProbePrefix starts the name of check's probe object, under the store's prefix.
const ProbePrefix = "_hackle_agent_check_"

// Check exercises exactly the permissions Hackle asks for with a probe
// object, removes the probe and reports one result per permission. The
// error is for a check that could not run at all (a canceled context);
// missing permissions are failed results.
func Check(ctx context.Context, st store.Store) ([]CheckResult, error) {
	perms, err := store.PermissionsOf(st)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", st, err)
	}
	key := ProbePrefix + randomHex(8)
	body := []byte("hackle-agent check probe " + time.Now().UTC().Format(time.RFC3339) + "\n")
	var rs []CheckResult
	add := func(step, perm string, err error) bool {
		rs = append(rs, result(step, perm, err))
		return err == nil
	}
	rs = append(rs, probeBucket(ctx, st, perms.Bucket))
	add("list under the prefix", perms.List, listOne(ctx, st))
	put := add("put probe object "+key, perms.Put, st.Put(ctx, key, bytes.NewReader(body), int64(len(body))))
	if put {
		add("get probe object", perms.Get, readBack(ctx, st, key, body))
	} else {
		rs = append(rs, notRun("get probe object", perms.Get))
	}
	rs = append(rs, probeVersion(ctx, st, key, perms.Version, put))
	if !add("delete probe object", perms.Delete, st.Delete(ctx, key)) && put {
		rs[len(rs)-1].Detail += fmt.Sprintf(" (the probe %s is left behind: remove it by hand)", key)
	}
	return rs, ctx.Err()
}

func result(step, perm string, err error) CheckResult {
	if err != nil {
		return CheckResult{Step: step, Permission: perm, Detail: err.Error(), Err: err}
	}
	return CheckResult{Step: step, Permission: perm, OK: true}
}

func notRun(step, perm string) CheckResult {
	return CheckResult{Step: step, Permission: perm, Detail: "not tested: the put failed"}
}

func skipped(step, perm, why string) CheckResult {
	return CheckResult{Step: step, Permission: perm, OK: true, Skipped: true, Detail: why}
}

func probeBucket(ctx context.Context, st store.Store, perm string) CheckResult {
	const step = "get bucket (location)"
	bp, ok := st.(BucketProber)
	if !ok {
		return skipped(step, perm, "no bucket-level permission on this store")
	}
	return result(step, perm, bp.ProbeBucket(ctx))
}

func probeVersion(ctx context.Context, st store.Store, key, perm string, put bool) CheckResult {
	const step = "get probe object version"
	vp, ok := st.(VersionProber)
	if !ok {
		return skipped(step, perm, "no separate version permission on this store")
	}
	if !put {
		return notRun(step, perm)
	}
	versioned, err := vp.ProbeVersion(ctx, key)
	if err == nil && !versioned {
		return skipped(step, perm, "bucket is not versioned")
	}
	return result(step, perm, err)
}

var errStop = errors.New("stop")

func listOne(ctx context.Context, st store.Store) error {
	err := st.List(ctx, "", func(store.ObjectInfo) error { return errStop })
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

func readBack(ctx context.Context, st store.Store, key string, want []byte) error {
	rc, err := st.Get(ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("read back %d bytes that differ from the %d put", len(got), len(want))
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Blocker returns the failure that made every other result meaningless (a
// missing bucket, rejected credentials), or nil. Stores mark such errors
// with a BucketMissing or CredentialsRejected method.
func Blocker(rs []CheckResult) error {
	for _, r := range rs {
		var nb interface{ BucketMissing() bool }
		var cr interface{ CredentialsRejected() bool }
		if r.Err != nil && (errors.As(r.Err, &nb) && nb.BucketMissing() || errors.As(r.Err, &cr) && cr.CredentialsRejected()) {
			return r.Err
		}
	}
	return nil
}

// Passed reports whether every result passed (skipped ones count as passed).
func Passed(rs []CheckResult) bool {
	return len(Missing(rs)) == 0
}

// Missing lists the permissions of the failed results, each once.
func Missing(rs []CheckResult) []string {
	var miss []string
	seen := map[string]bool{}
	for _, r := range rs {
		if !r.OK && !seen[r.Permission] {
			seen[r.Permission] = true
			miss = append(miss, r.Permission)
		}
	}
	return miss
}
