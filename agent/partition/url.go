package partition

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hackle/hackle-agent/validate"
)

// ErrNotPartitionURL says a location does not end in a dt=YYYY-MM-DD folder.
var ErrNotPartitionURL = errors.New("name a partition folder ending in dt=YYYY-MM-DD")

// ParseURL splits the location of one partition folder, such as
// "s3://bucket/events/dt=2024-01-02/", "gs://b/dt=2024-01-02",
// "file:///data/dt=2024-01-02" or a folder path, into the location of the
// bucket root holding it ("s3://bucket/events"; "." for a bare
// "dt=2024-01-02") and its date. The last element must be dt=YYYY-MM-DD
// (one trailing '/' or '\' allowed); otherwise the error is
// ErrNotPartitionURL, or says that the date is not one.
func ParseURL(loc string) (root string, date validate.Date, err error) {
	s := loc
	if strings.HasSuffix(s, "/") || strings.HasSuffix(s, `\`) {
		s = s[:len(s)-1]
	}
	i := strings.LastIndexAny(s, `/\`)
	day, ok := strings.CutPrefix(s[i+1:], "dt=")
	if !ok || !dateShaped(day) {
		return "", date, ErrNotPartitionURL
	}
	if date, err = validate.ParseDate(day); err != nil {
		return "", date, fmt.Errorf("dt=%s: not a date: use YYYY-MM-DD, e.g. 2023-01-01", day)
	}
	switch root = s[:max(i, 0)]; {
	case i < 0:
		root = "." // "dt=2024-01-02": the working directory
	case i == 0 || strings.HasSuffix(root, ":"):
		root = s[:i+1] // "/dt=…", `C:\dt=…`: keep the separator that makes it a root
	}
	return root, date, nil
}

// dateShaped reports whether s is dddd-dd-dd.
func dateShaped(s string) bool {
	if len(s) != len("YYYY-MM-DD") {
		return false
	}
	for i := range len(s) {
		if (i == 4 || i == 7) != (s[i] == '-') || s[i] != '-' && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}
