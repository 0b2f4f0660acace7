package commit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/hackle/hackle-agent/agent/partition"
	"github.com/hackle/hackle-agent/agent/redact"
	"github.com/hackle/hackle-agent/agent/store"
)

// started is when this process started, as the lock's owner says.
var started = time.Now().UTC().Truncate(time.Second)

// lockPartition takes the partition's lock for a commit, so that at most
// one run publishes a dt= folder at a time; another run holding it is a
// *store.LockedError, before anything was changed.
func lockPartition(ctx context.Context, st store.Store, date string) (store.Lock, error) {
	host, _ := os.Hostname()
	args := make([]string, len(os.Args))
	for i, a := range os.Args {
		args[i] = redact.URL(a)
	}
	cmd := strings.Join(args, " ")
	if len(cmd) > 300 {
		cmd = cmd[:300] + "…"
	}
	owner := store.Owner{Host: host, PID: os.Getpid(), Started: started, Command: cmd}
	return store.AcquireLock(ctx, st, strings.TrimSuffix(partition.Prefix(date), "/"), owner)
}

// unlock releases l even when ctx was cancelled.
func unlock(ctx context.Context, l store.Lock, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := l.Unlock(ctx); err != nil {
		log.Warn("could not release the partition lock; it expires by itself", "err", err)
	}
}

// ListingError says that, right before _SUCCESS, the partition folder did
// not hold exactly the files of the manifest: _SUCCESS was not written.
type ListingError struct {
	Prefix     string
	Unexpected []string // objects the manifest does not list
	Missing    []string // files it lists that are absent or of another size
}

func (e *ListingError) Error() string {
	s := fmt.Sprintf("%s does not match its manifest, so _SUCCESS was not written", e.Prefix)
	if len(e.Unexpected) > 0 {
		s += "; unexpected: " + strings.Join(e.Unexpected, ", ")
	}
	if len(e.Missing) > 0 {
		s += "; missing or of another size: " + strings.Join(e.Missing, ", ")
	}
	return s
}

// checkListing lists day date's partition again and checks that it holds
// files (names and sizes), and besides them only objects marker allows.
// _SUCCESS is never allowed: it is written next.
func checkListing(ctx context.Context, st store.Store, date string, files []partition.Part, marker func(string) bool) error {
	listed, err := listPartition(ctx, st, date)
	if err != nil {
		return err
	}
	d := listed.Compare(files)
	e := &ListingError{Prefix: partition.Prefix(date), Missing: append(d.Missing, resizedNames(d)...)}
	for _, name := range d.Unlisted {
		if name == partition.SuccessName || !marker(name) {
			e.Unexpected = append(e.Unexpected, name)
		}
	}
	if len(e.Unexpected)+len(e.Missing) == 0 {
		return nil
	}
	return e
}

// resizedNames are the names of the parts d found with another size.
func resizedNames(d partition.Difference) []string {
	names := make([]string, len(d.Resized))
	for i, r := range d.Resized {
		names[i] = r.Name
	}
	return names
}

// onlyManifest allows only _manifest.json beside the parts: Publish has
// deleted everything else. (Seal allows every hidden name, partition.IsHidden:
// the markers another tool leaves, Spark's _committed_* and dot files, and
// the shards' manifests.)
func onlyManifest(name string) bool { return name == partition.ManifestName }

// abortUploads removes the unfinished uploads a killed run left in the
// partition (S3 multipart uploads). Under the lock no live run is uploading
// there. A failure is only logged: it costs storage, not correctness.
func abortUploads(ctx context.Context, st store.Store, prefix string, log *slog.Logger) {
	ua, ok := st.(store.UploadAborter)
	if !ok {
		return
	}
	n, err := ua.AbortUploads(ctx, prefix)
	var coded interface{ ErrorCode() string }
	if err != nil && errors.As(err, &coded) && coded.ErrorCode() == "AccessDenied" {
		// Hackle's policy grants neither s3:ListBucketMultipartUploads nor
		// s3:AbortMultipartUpload: not worth a warning on every run.
		log.Debug("not allowed to list or abort unfinished uploads", "partition", prefix, "err", err)
	} else if err != nil {
		log.Warn("could not abort the unfinished uploads of an interrupted run", "partition", prefix, "err", err)
	}
	if n > 0 {
		log.Info("aborted the unfinished uploads of an interrupted run", "partition", prefix, "uploads", n)
	}
}
