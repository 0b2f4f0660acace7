package version

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name     string
		stamped  string
		bi       *debug.BuildInfo
		version  string
		commit   string
		modified bool
	}{
		{"no build info", "dev", nil, "dev", "", false},
		{"ldflags stamp wins", "v9.9.9", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v9.9.9", "", false},
		{"empty stamp is unstamped", "", nil, "dev", "", false},
		{"go install @v1.2.3", "dev", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/hackle/hackle-agent", Version: "v1.2.3"}}, "v1.2.3", "", false},
		{"clone build, pseudo-version", "dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201100000-0123456789ab+dirty"}, Settings: vcs(rev, "true")},
			"v0.0.0-20261201100000-0123456789ab+dirty", rev, true},
		{"clone build, (devel), clean", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false")}, "devel-0123456789ab", rev, false},
		{"clone build, (devel), dirty", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "true")}, "devel-0123456789ab-dirty", rev, true},
		{"stamped clone build keeps the commit", "v2.0.0", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false")}, "v2.0.0", rev, false},
		{"test binary", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromBuildInfo(tt.stamped, tt.bi)
			if got.Version != tt.version || got.Commit != tt.commit || got.Modified != tt.modified {
				t.Fatalf("got version %q commit %q modified %v, want %q %q %v", got.Version, got.Commit, got.Modified, tt.version, tt.commit, tt.modified)
			}
			if got.OS != runtime.GOOS || got.Arch != runtime.GOARCH || got.GoVersion == "" {
				t.Fatalf("platform %s/%s go %q", got.OS, got.Arch, got.GoVersion)
			}
			if tt.bi != nil && tt.bi.GoVersion != "" && got.GoVersion != tt.bi.GoVersion {
				t.Fatalf("go version %q, want the build info's %q", got.GoVersion, tt.bi.GoVersion)
			}
			if tt.commit != "" && got.CommitTime != "2026-12-01T10:00:00Z" {
				t.Fatalf("commit time %q", got.CommitTime)
			}
		})
	}
}

// TestTestBinaryIsDev pins what converters/parquetfile's tests rely on: a
// test binary has no stamp and no module version, so it reports "dev".
func TestTestBinaryIsDev(t *testing.T) {
	if Version != "dev" {
		t.Fatalf("test binary reports %q", Version)
	}
}
