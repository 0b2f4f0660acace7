package runlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteMetricsKeepsLastSuccessPerCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.prom")
	t0 := time.Unix(1700000000, 500e6)
	ok := &Result{Command: "pull", Outcome: OutcomeOK, FinishedAt: t0,
		Partitions: Partitions{{Date: "2023-01-01", Counts: Counts{Read: 3, Written: 2, Rejected: 1}, Status: "imported"}}}
	if err := WriteMetrics(path, ok); err != nil {
		t.Fatal(err)
	}
	failed := &Result{Command: "pull", Outcome: OutcomeFailed, ExitCode: 2, FinishedAt: t0.Add(time.Hour), Reason: `a "quoted" reason`}
	if err := WriteMetrics(path, failed); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	text := string(b)
	for _, want := range []string{
		`hackle_agent_last_success_timestamp_seconds{command="pull"} 1700000000.5` + "\n",
		`hackle_agent_last_run_timestamp_seconds{command="pull"} 1700003600.5` + "\n",
		`hackle_agent_exit_code{command="pull"} 2` + "\n",
		`hackle_agent_outcome{command="pull",outcome="failed"} 1` + "\n",
		`hackle_agent_rows_read{command="pull"} 0` + "\n", // no partitions: the run's total, without dt
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
	// Another command's success is not this one's.
	other := &Result{Command: "export", Outcome: OutcomeFailed, ExitCode: 2, FinishedAt: t0}
	if err := WriteMetrics(path, other); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), "last_success") {
		t.Errorf("export took pull's last success:\n%s", b)
	}
}

func TestWriteMetricsSeveralDays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.prom")
	r := &Result{Command: "export", Outcome: "committed", FinishedAt: time.Unix(1700000000, 0), Counts: Counts{Read: 10, Written: 8, Rejected: 2},
		Partitions: Partitions{
			{Date: "2023-01-01", Counts: Counts{Read: -1, Written: 5, Rejected: -1, Duplicates: -1}, Bytes: 100},
			{Date: "2023-01-02", Counts: Counts{Read: -1, Written: 3, Rejected: -1, Duplicates: -1}, Bytes: 50},
		}}
	if err := WriteMetrics(path, r); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{
		`hackle_agent_rows_written{command="export",dt="2023-01-01"} 5`,
		`hackle_agent_rows_written{command="export",dt="2023-01-02"} 3`,
		`hackle_agent_bytes{command="export",dt="2023-01-02"} 50`,
		`hackle_agent_rows_read{command="export"} 10`,
		`hackle_agent_rows_rejected{command="export"} 2`,
	} {
		if !strings.Contains(string(b), want+"\n") {
			t.Errorf("missing %q in\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "-1") {
		t.Errorf("a count not kept per day shows as -1:\n%s", b)
	}
}
