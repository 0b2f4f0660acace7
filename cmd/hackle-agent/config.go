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

// configFile is a --config YAML file that serves every command. Its
// top-level keys are flag names (dest, input, date, max-error-rate, …),
// used when the flag is not given on the command line or in the
// environment; a section named after a command (export:, validate:,
// pull:, check:, policy:, commit:, inspect:, init:) holds that command's
// own values, which win over the top-level ones; and a mapping section
// (export and validate):
//
//	dest: s3://bucket/events
//	partition-timezone: Asia/Seoul
//	input: [exports/*.csv.gz]
//	mapping:
//	  event_key: event_name
//	validate:
//	  report-dir: /var/lib/hackle-agent/validate
//
// A command applies the top-level keys it has flags for plus its own
// section, and ignores keys that only other commands have. A key no
// command knows (a typo), or a key in a section that its command does not
// have, is an error with its line number.
type configFile struct {
	Path     string
	Flags    map[string]*yaml.Node            // top-level keys
	Sections map[string]map[string]*yaml.Node // command name → its keys
	Mapping  *mapping.Config
	applied  map[string]bool // the flags applyConfig set
}

// fromConfig reports whether the flag's value came from the config file
// (not the command line or the environment).
func fromConfig(c *cli.Context, flag string) bool {
	cf := appliedConfig(c)
	return cf != nil && cf.applied[flag]
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
	cmd.Flags = append([]cli.Flag{stringFlag("config", "", "YAML file: flags by name, shared by every command, with optional per-command sections (export:, pull:, …) and a mapping section", "c")}, cmd.Flags...)
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
	cf := &configFile{Path: path, Flags: map[string]*yaml.Node{}, Sections: map[string]map[string]*yaml.Node{}}
	if len(doc.Content) == 0 {
		return cf, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, usagef("config %s: line %d: expected a map of settings", path, top.Line)
	}
	names := commandFlags()
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch _, isCommand := names[k.Value]; {
		case k.Value == "mapping":
		case isCommand && v.Kind == yaml.MappingNode: // "commit: true" is validate's --commit
			sec := map[string]*yaml.Node{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				sec[v.Content[j].Value] = v.Content[j+1]
				sec[v.Content[j].Value].Line = v.Content[j].Line
			}
			cf.Sections[k.Value] = sec
		default:
			v.Line = k.Line // errors name the key's line
			cf.Flags[k.Value] = v
		}
	}
	if err := cf.checkKeys(names); err != nil {
		return nil, err
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

// commandFlags lists, for each command, the names of its flags (aliases
// included, --config excluded): what a config file may hold.
func commandFlags() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, cmd := range commands() {
		known := map[string]bool{}
		for _, f := range cmd.Flags {
			for _, n := range f.Names() {
				known[n] = n != "config"
			}
		}
		out[cmd.Name] = known
	}
	return out
}

// checkKeys refuses the keys no command knows at the top level, and the
// keys a section's command does not know, naming their lines: whichever
// command reads the file finds every typo in it.
func (cf *configFile) checkKeys(names map[string]map[string]bool) error {
	for _, k := range slices.Sorted(maps.Keys(cf.Flags)) {
		known := false
		for _, flags := range names {
			known = known || flags[k]
		}
		if !known {
			return usagef("config %s: line %d: unknown setting %q (settings are flag names of a command, a command's section such as export:, or mapping)", cf.Path, cf.Flags[k].Line, k)
		}
	}
	for _, cmd := range slices.Sorted(maps.Keys(cf.Sections)) {
		for _, k := range slices.Sorted(maps.Keys(cf.Sections[cmd])) {
			if !names[cmd][k] {
				return usagef("config %s: line %d: unknown setting %q in section %s: (settings there are the flags of %q)", cf.Path, cf.Sections[cmd][k].Line, k, cmd, cmd)
			}
		}
	}
	return nil
}

// applyConfig sets each flag of the command that the config names (its
// section's value, else the top-level one) and the user did not set by
// flag or environment. Keys of other commands' flags are ignored.
func applyConfig(c *cli.Context, cf *configFile) error {
	known := map[string]bool{}
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			known[n] = n != "config"
		}
	}
	settings := map[string]*yaml.Node{}
	for k, node := range cf.Flags {
		if known[k] {
			settings[k] = node
		}
	}
	for k, node := range cf.Sections[c.Command.Name] {
		if !known[k] {
			return usagef("config %s: line %d: unknown setting %q in section %s: (settings there are the flags of %q)", cf.Path, node.Line, k, c.Command.Name, c.Command.Name)
		}
		settings[k] = node // the section wins
	}
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		node := settings[k]
		if c.IsSet(k) {
			continue
		}
		if cf.applied == nil {
			cf.applied = map[string]bool{}
		}
		cf.applied[k] = true
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
