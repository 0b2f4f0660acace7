package access

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// PrintTable writes the results as a pass/fail table, then a line naming
// the missing permissions (or saying that all passed).
func PrintTable(w io.Writer, target string, rs []CheckResult) error {
	fmt.Fprintf(w, "check %s\n\n", target)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RESULT\tPERMISSION\tSTEP\tDETAIL")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", status(r), r.Permission, r.Step, oneLine(r.Detail))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if b := Blocker(rs); b != nil {
		_, err := fmt.Fprintf(w, "\nFAILED: %v\n(fix this first: the permissions could not be tested)\n", b)
		return err
	}
	if miss := Missing(rs); len(miss) > 0 {
		_, err := fmt.Fprintf(w, "\nFAILED: missing permission(s): %s\n", strings.Join(miss, ", "))
		return err
	}
	_, err := fmt.Fprintln(w, "\nOK: every permission Hackle needs works")
	return err
}

func status(r CheckResult) string {
	switch {
	case r.Skipped:
		return "skip"
	case r.OK:
		return "pass"
	}
	return "FAIL"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
