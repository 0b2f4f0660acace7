package main

import (
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/hackle/hackle-agent/agent/option"
	"github.com/hackle/hackle-agent/agent/pull/sink"
	"github.com/hackle/hackle-agent/agent/store"
	_ "github.com/hackle/hackle-agent/agent/store/gcs" // gs:// and gcs://
	_ "github.com/hackle/hackle-agent/agent/store/s3"  // s3://
)

// storeFlags are the connection flags of every command that opens a
// store (export, validate, check, pull): one per option the registered
// backends declare (credentials, region, endpoint…), an option two
// backends share being one flag. The destination flag itself belongs to
// each command.
func storeFlags() []cli.Flag {
	return optionFlags(store.OptionSpecs())
}

// storeOptions collects the store flags for store.Open, which hands each
// backend the ones it declares.
func storeOptions(c *cli.Context) store.Options {
	return optionValues(c, store.OptionSpecs())
}

// sinkFlags are pull's flags for the registered sink backends' options
// (--table…); the --sink flag itself belongs to pull.
func sinkFlags() []cli.Flag {
	return optionFlags(sink.OptionSpecs())
}

// sinkOptions collects the sink flags for sink.Open.
func sinkOptions(c *cli.Context) sink.Options {
	return optionValues(c, sink.OptionSpecs())
}

// optionFlags makes a flag of each backend option, named and set from the
// environment like every other flag.
func optionFlags(specs []option.Spec) []cli.Flag {
	var flags []cli.Flag
	for _, s := range specs {
		switch {
		case s.Bool:
			flags = append(flags, &cli.BoolFlag{Name: s.Name, Aliases: s.Aliases, Usage: s.Help, EnvVars: []string{envName(s.Name)}})
		case s.Int:
			n, _ := strconv.ParseInt(s.Default, 10, 64)
			flags = append(flags, &cli.Int64Flag{Name: s.Name, Aliases: s.Aliases, Usage: s.Help, Value: n, EnvVars: []string{envName(s.Name)}})
		default:
			f := stringFlag(s.Name, s.Default, s.Help, s.Aliases...)
			if s.URL {
				spec := s
				f.Action = func(_ *cli.Context, v string) error { // a usage error before anything runs
					if err := spec.Check(v); err != nil {
						return usagef("--%s: %v", spec.Name, err)
					}
					return nil
				}
			}
			flags = append(flags, f)
		}
	}
	return flags
}

// optionValues reads the flags optionFlags made, as text.
func optionValues(c *cli.Context, specs []option.Spec) option.Values {
	vals := option.Values{}
	for _, s := range specs {
		vals[s.Name] = c.String(s.Name)
	}
	return vals
}

// destFlag is --dest for the commands that only name a destination.
func destFlag() cli.Flag {
	return stringFlag("dest", "", "bucket root: s3://bucket/prefix, gs://bucket/prefix or a folder", "d")
}
