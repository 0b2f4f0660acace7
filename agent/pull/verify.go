package pull

import (
	"errors"

	"github.com/hackle/hackle-agent/agent/partition"
)

// RefusedError is a partition pull will not import because it does not
// match its manifest (or cannot be read as the layout). It is not imported
// and not recorded, so the next run tries again.
type RefusedError struct {
	Date   string
	Reason string
}

func (e *RefusedError) Error() string {
	return "partition dt=" + e.Date + " refused: " + e.Reason
}

// refusal turns the partition's fault (a *partition.FileError) into a
// *RefusedError; other errors are returned as they are.
func refusal(date string, err error) error {
	var fe *partition.FileError
	if errors.As(err, &fe) {
		return &RefusedError{Date: date, Reason: fe.Reason}
	}
	return err
}
