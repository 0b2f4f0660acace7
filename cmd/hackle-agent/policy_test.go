package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPolicyCommandS3(t *testing.T) {
	res := runAgent(t, t.TempDir(), nil, "policy", "--dest", "s3://customer-data-hackle/test/prefix-custom/")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	var p struct {
		Statement []struct {
			Resource  string
			Condition map[string]map[string][]string
		}
	}
	if err := json.Unmarshal([]byte(res.stdout), &p); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, res.stdout)
	}
	if len(p.Statement) != 2 || p.Statement[0].Resource != "arn:aws:s3:::customer-data-hackle/test/prefix-custom/*" ||
		strings.Join(p.Statement[1].Condition["StringLike"]["s3:prefix"], " ") != "test/prefix-custom/* test/prefix-custom/ test/prefix-custom" {
		t.Fatalf("policy not filled in:\n%s", res.stdout)
	}
}

func TestPolicyCommandFromEnvGCS(t *testing.T) {
	res := runAgent(t, t.TempDir(), []string{"HACKLE_AGENT_DEST=gs://b/p"}, "policy")
	if res.code != 0 || !strings.Contains(res.stdout, "gcloud iam roles create hackleDataImport --project=PROJECT_ID") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
}

func TestPolicyCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"policy"}, {"policy", "--dest", "./folder"}, {"policy", "--dest", "s3://b/p", "extra"}} {
		res := runAgent(t, t.TempDir(), nil, args...)
		if res.code != 1 || res.stderr == "" {
			t.Errorf("%q: exit %d, stderr %q; want a usage error (1)", args, res.code, res.stderr)
		}
	}
}
