package runlog

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/hackle/hackle-agent/agent/atomicfile"
)

// Metric names of the textfile (docs/logging.md). Every series carries the
// label command; the row and byte series carry dt, the partition day, when
// the run had partitions.
const (
	MetricLastRun     = "hackle_agent_last_run_timestamp_seconds"
	MetricLastSuccess = "hackle_agent_last_success_timestamp_seconds"
	MetricExitCode    = "hackle_agent_exit_code"
	MetricOutcome     = "hackle_agent_outcome"
	MetricDuration    = "hackle_agent_duration_seconds"
	MetricRead        = "hackle_agent_rows_read"
	MetricWritten     = "hackle_agent_rows_written"
	MetricRejected    = "hackle_agent_rows_rejected"
	MetricDuplicates  = "hackle_agent_rows_duplicates"
	MetricBytes       = "hackle_agent_bytes"
)

// WriteMetrics writes r to path as a Prometheus textfile, the node_exporter
// textfile collector's convention for batch jobs: the text goes to a
// temporary file in the same folder, which is then renamed over path, so
// that the collector never reads half a file. The last success timestamp is
// the run's end when it exited 0, else the one of path's earlier content
// for the same command (absent when there was none).
func WriteMetrics(path string, r *Result) error {
	lastSuccess := 0.0
	if r.ExitCode == 0 {
		lastSuccess = seconds(r)
	} else if old, err := os.ReadFile(path); err == nil {
		lastSuccess = previousSuccess(old, r.Command)
	}
	var b bytes.Buffer
	cmd := label("command", r.Command)
	gauge := func(name, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
	}
	gauge(MetricLastRun, "Unix time the last run ended.")
	fmt.Fprintf(&b, "%s{%s} %s\n", MetricLastRun, cmd, num(seconds(r)))
	if lastSuccess > 0 {
		gauge(MetricLastSuccess, "Unix time the last successful run (exit code 0) ended.")
		fmt.Fprintf(&b, "%s{%s} %s\n", MetricLastSuccess, cmd, num(lastSuccess))
	}
	gauge(MetricExitCode, "Exit code of the last run: 0 ok, 1 usage, 2 runtime failure, 3 data refused, 4 late.")
	fmt.Fprintf(&b, "%s{%s} %d\n", MetricExitCode, cmd, r.ExitCode)
	gauge(MetricOutcome, "Outcome of the last run: 1 for the outcome label it ended with.")
	fmt.Fprintf(&b, "%s{%s,%s} 1\n", MetricOutcome, cmd, label("outcome", r.Outcome))
	gauge(MetricDuration, "Duration of the last run in seconds.")
	fmt.Fprintf(&b, "%s{%s} %s\n", MetricDuration, cmd, num(r.Duration))
	parts := r.Partitions
	if len(parts) == 0 {
		parts = []Partition{{Counts: r.Counts, Bytes: r.Bytes}}
	}
	series := []struct {
		name, help string
		value      func(Partition) int64
	}{
		{MetricRead, "Rows read by the last run.", func(p Partition) int64 { return p.Read }},
		{MetricWritten, "Rows written by the last run.", func(p Partition) int64 { return p.Written }},
		{MetricRejected, "Rows rejected by the last run.", func(p Partition) int64 { return p.Rejected }},
		{MetricDuplicates, "Duplicate rows (same insert_id) dropped by the last run.", func(p Partition) int64 { return p.Duplicates }},
		{MetricBytes, "Parquet bytes written (export) or read (pull) by the last run.", func(p Partition) int64 { return p.Bytes }},
	}
	total := Partition{Counts: r.Counts, Bytes: r.Bytes}
	for _, s := range series {
		gauge(s.name, s.help)
		for _, p := range parts {
			if s.value(p) < 0 { // not counted per day: the run's total, without dt
				fmt.Fprintf(&b, "%s{%s} %d\n", s.name, cmd, s.value(total))
				break
			}
			labels := cmd
			if p.Date != "" {
				labels += "," + label("dt", p.Date)
			}
			fmt.Fprintf(&b, "%s{%s} %d\n", s.name, labels, s.value(p))
		}
	}
	return writeAtomic(path, b.Bytes())
}

func seconds(r *Result) float64 {
	return float64(r.FinishedAt.UnixMilli()) / 1000
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// label formats name="value", escaped as the text format wants.
func label(name, value string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return name + `="` + r.Replace(value) + `"`
}

// previousSuccess finds the last success timestamp of command in an earlier
// textfile; 0 when there is none.
func previousSuccess(text []byte, command string) float64 {
	want := MetricLastSuccess + "{" + label("command", command) + "} "
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), want); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				return f
			}
		}
	}
	return 0
}

// writeAtomic writes data to a temporary file next to path and renames it
// over path.
func writeAtomic(path string, data []byte) error {
	err := atomicfile.Write(path, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("metrics file %s: %w", path, err)
	}
	return nil
}
