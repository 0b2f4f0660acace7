package main

import (
	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/profile"
)

// guardFlags are export's checks against earlier committed days (README,
// "Guards against days that look wrong").
func guardFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Float64Flag{Name: "min-volume-ratio", Value: 0.5, Usage: "refuse a day whose rows are below this share of the median of the last 7 committed days (needs 3); 0 commits anyway", EnvVars: []string{envName("min-volume-ratio")}},
		boolFlag("fail-on-drift", "refuse a day whose event_keys or property keys appear or vanish, or whose property types change, against the last 7 committed days"),
		&cli.IntFlag{Name: "dedup-days", Usage: "report insert_ids already committed on one of the previous N committed days (0: off)", EnvVars: []string{envName("dedup-days")}},
	}
}

// guardOptions reads guardFlags.
func guardOptions(c *cli.Context) (profile.Options, error) {
	o := profile.Options{MinVolumeRatio: c.Float64("min-volume-ratio"), FailOnDrift: c.Bool("fail-on-drift"), DedupDays: c.Int("dedup-days")}
	if o.MinVolumeRatio < 0 || o.MinVolumeRatio > 1 {
		return o, usagef("--min-volume-ratio %g: give a share between 0 and 1, e.g. 0.5; 0 turns the check off", o.MinVolumeRatio)
	}
	if o.DedupDays < 0 || o.DedupDays > profile.Lookback {
		return o, usagef("--dedup-days %d: give 0 to %d", o.DedupDays, profile.Lookback)
	}
	return o, nil
}
