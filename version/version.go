// Package version holds the version hackle-agent reports: in --version and
// the version command, in reports and manifests, and in the created_by of
// the Parquet parts it writes.
//
// A release build stamps it with
//
//	go build -ldflags "-X github.com/hackle/hackle-agent/version.Version=v1.2.3" ./cmd/hackle-agent
//
// Without that stamp the version comes from the module's build info, which
// the Go toolchain always records: `go install
// github.com/hackle/hackle-agent/cmd/hackle-agent@v1.2.3` reports v1.2.3,
// and a build from a clone reports the toolchain's pseudo-version (or
// "devel-<commit>") with the commit and whether the tree was modified.
// Only a binary with neither (a test binary) reports "dev".
package version

import (
	"runtime"
	"runtime/debug"
)

// Version is the agent's version: the -ldflags stamp, else the module
// version from the build info, else "dev". It is settled before any
// package that imports this one initializes.
var Version = "dev"

// unstamped is Version's value when -ldflags did not set it.
const unstamped = "dev"

func init() {
	bi, _ := debug.ReadBuildInfo()
	Version = FromBuildInfo(Version, bi).Version
}

// Info is what the version command prints; its JSON field names are
// stable.
type Info struct {
	// Version is the agent's version, as in Version.
	Version string `json:"version"`
	// Commit is the VCS revision the binary was built from, when the
	// toolchain recorded it (builds from a clone).
	Commit string `json:"commit,omitempty"`
	// CommitTime is the revision's commit time (RFC 3339).
	CommitTime string `json:"commit_time,omitempty"`
	// Modified is true when the working tree had uncommitted changes.
	Modified bool `json:"modified,omitempty"`
	// GoVersion is the toolchain that built the binary.
	GoVersion string `json:"go_version"`
	// OS and Arch are the platform the binary runs on.
	OS   string `json:"os"`
	Arch string `json:"arch"`
}

// Get describes the running binary.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return FromBuildInfo(Version, bi)
}

// FromBuildInfo describes a binary stamped with stamped (the value of
// Version after -ldflags; "dev" when unstamped) and built as bi (nil when
// the binary has no build info). A stamp wins; otherwise the main module's
// version (v1.2.3 after go install …@v1.2.3, a pseudo-version for a build
// from a clone); otherwise "devel-<commit>" when the commit is known; and
// "dev" when nothing is.
func FromBuildInfo(stamped string, bi *debug.BuildInfo) Info {
	info := Info{Version: stamped, GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if info.Version == "" {
		info.Version = unstamped
	}
	if bi == nil {
		return info
	}
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.time":
			info.CommitTime = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	if info.Version != unstamped {
		return info
	}
	switch v := bi.Main.Version; {
	case v != "" && v != "(devel)":
		info.Version = v
	case info.Commit != "":
		info.Version = "devel-" + short(info.Commit)
		if info.Modified {
			info.Version += "-dirty"
		}
	}
	return info
}

// short is a commit's first 12 characters, as git abbreviates long ones.
func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
