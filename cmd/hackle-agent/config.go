package main

import (
	"bytes"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"

	"github.com/hackle/hackle-agent/converters/mapping"
)

// configFile is a --config YAML file. Its top-level keys are the command's
// flag names (dest, input, date, max-error-rate, …), used when the flag is
// not given on the command line or in the environment, plus a mapping
// section:
//
//	dest: ./bucket/events
//	input: [exports/*.csv.gz]
//	partition-timezone: Asia/Seoul
//	mapping:
//	  event_key: event_name
type configFile struct {
	Path    string
	Flags   map[string]*yaml.Node
	Mapping *mapping.Config
}

// configKey is where the applied config file is kept in the app's metadata.
const configKey = "config-file"

// withConfigFile gives a command the --config flag and applies the file
// before the command runs: every command's flags can come from it.
func withConfigFile(cmd *cli.Command) {
	for _, f := range cmd.Flags {
		if f.Names()[0] == "config" {
			return // done already (newApp runs more than once in tests)
		}
	}
	cmd.Flags = append([]cli.Flag{stringFlag("config", "", "YAML file: any flag of this command by name (and a mapping section for export/validate)", "c")}, cmd.Flags...)
	before := cmd.Before
	cmd.Before = func(c *cli.Context) error {
		if path := c.String("config"); path != "" {
			cf, err := loadConfig(path)
			if err != nil {
				return err
			}
			if err := applyConfig(c, cf); err != nil {
				return err
			}
			if c.App.Metadata == nil {
				c.App.Metadata = map[string]any{}
			}
			c.App.Metadata[configKey] = cf
		}
		if before != nil {
			return before(c)
		}
		return nil
	}
}

// appliedConfig is the config file withConfigFile applied, or nil.
func appliedConfig(c *cli.Context) *configFile {
	cf, _ := c.App.Metadata[configKey].(*configFile)
	return cf
}

// envName is the environment variable of a flag: HACKLE_AGENT_MAX_ERROR_RATE.
func envName(flag string) string {
	return "HACKLE_AGENT_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// loadConfig reads a config file; every error names the file (and line).
func loadConfig(path string) (*configFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("config %s: %v", path, unwrapPathError(err))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, usagef("config %s: %v", path, err)
	}
	cf := &configFile{Path: path, Flags: map[string]*yaml.Node{}}
	if len(doc.Content) == 0 {
		return cf, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, usagef("config %s: line %d: expected a map of settings", path, top.Line)
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if k := top.Content[i]; k.Value != "mapping" {
			cf.Flags[k.Value] = top.Content[i+1]
		}
	}
	// Decode the mapping from the file's own text, so that an unknown key's
	// error names its real line.
	var doc2 struct {
		Mapping *mapping.Config      `yaml:"mapping"`
		Other   map[string]yaml.Node `yaml:",inline"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&doc2); err != nil && err != io.EOF {
		return nil, usagef("config %s: mapping: %v", path, err)
	}
	cf.Mapping = doc2.Mapping
	return cf, nil
}

// applyConfig sets each flag the config names and the user did not set by
// flag or environment. Unknown keys are an error listing the known ones.
func applyConfig(c *cli.Context, cf *configFile) error {
	known := map[string]bool{}
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			known[n] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(cf.Flags)) {
		node := cf.Flags[k]
		if !known[k] || k == "config" {
			return usagef("config %s: line %d: unknown setting %q (settings are the flags of %q, plus mapping)", cf.Path, node.Line, k, c.Command.Name)
		}
		if c.IsSet(k) {
			continue
		}
		values := []*yaml.Node{node}
		if node.Kind == yaml.SequenceNode {
			values = node.Content
		}
		for _, v := range values {
			if v.Kind != yaml.ScalarNode {
				return usagef("config %s: line %d: %s: expected a value or a list of values", cf.Path, v.Line, k)
			}
			if err := c.Set(k, v.Value); err != nil {
				return usagef("config %s: line %d: %s: %v", cf.Path, v.Line, k, err)
			}
		}
	}
	return nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
