package export

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/hackle/hackle-agent/agent/report"
)

// stagingFolder is the staging folder a local destination keeps inside
// itself (agent/store/file).
const stagingFolder = "_hackle_agent_tmp"

// Outputs are where a run writes, so that it never reads them back as
// inputs: the report folder and, for a local destination, its folder.
// Either may hold the inputs themselves (--input . --report-dir .): only
// what the agent writes there is skipped.
type Outputs struct {
	ReportDir string
	Dest      string // a local folder; empty for a bucket
}

// SkipOwnOutputs removes from the inputs found by expanding a folder or a
// glob (not the files named one by one) the agent's own outputs: the
// report files in the report folder, the partitions (dt=…/) and staging
// folder of the local destination, anything in a staging folder, and the
// report.json and rejects.ndjson of any report folder of ours (a folder
// whose report.json we wrote). It returns the inputs kept and the names
// skipped.
func SkipOwnOutputs(ins []Input, out Outputs) (kept []Input, skipped []string) {
	for _, in := range ins {
		if in.expanded && isOwnOutput(in.Name, out) {
			skipped = append(skipped, in.Name)
			continue
		}
		kept = append(kept, in)
	}
	return kept, skipped
}

func isOwnOutput(name string, out Outputs) bool {
	abs, err := filepath.Abs(name)
	if err != nil {
		return false
	}
	dir, base := filepath.Split(abs)
	dir = filepath.Clean(dir)
	isReport := base == report.ReportName || base == report.RejectsName
	if rd, err := filepath.Abs(out.ReportDir); out.ReportDir != "" && err == nil && isReport && dir == rd {
		return true
	}
	if d, err := filepath.Abs(out.Dest); out.Dest != "" && err == nil {
		if rel, err := filepath.Rel(d, abs); err == nil && !strings.HasPrefix(rel, "..") {
			if first, _, _ := strings.Cut(filepath.ToSlash(rel), "/"); strings.HasPrefix(first, "dt=") && first != rel {
				return true
			}
		}
	}
	for _, part := range strings.Split(filepath.ToSlash(abs), "/") {
		if part == stagingFolder {
			return true
		}
	}
	return isReport && isReportDir(dir)
}

// isReportDir reports whether dir holds a report.json written by the
// agent: a JSON object naming its command, agent version and rejects file.
func isReportDir(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, report.ReportName))
	if err != nil {
		return false
	}
	var rep struct {
		Command      string `json:"command"`
		AgentVersion string `json:"agent_version"`
		RejectsFile  string `json:"rejects_file"`
	}
	return json.Unmarshal(b, &rep) == nil && rep.Command != "" && rep.AgentVersion != "" && rep.RejectsFile == report.RejectsName
}
