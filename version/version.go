// Package version holds the version hackle-agent reports: in --version,
// in reports and manifests, and in the created_by of the Parquet parts it
// writes. Stamp it at build time with
//
//	go build -ldflags "-X github.com/hackle/hackle-agent/version.Version=v1.2.3" ./cmd/hackle-agent
package version

// Version is the agent's version; "dev" in an unstamped build.
var Version = "dev"
