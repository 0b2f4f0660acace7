package export

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestExpandFiltered(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.ndjson", "b.csv.gz", "c.json", "notes.txt", "schema.yaml", "README.md", "0000_part_00", "d.parquet", "_SUCCESS", ".a.ndjson.crc"} {
		os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644)
	}
	names := func(ins []Input) []string {
		var out []string
		for _, in := range ins {
			out = append(out, filepath.Base(in.Name))
		}
		return out
	}
	tests := []struct {
		name          string
		patterns      []string
		filter        Filter
		want, skipped []string
		err           bool
	}{
		{"folder: data files only", []string{dir}, Filter{},
			[]string{"0000_part_00", "a.ndjson", "b.csv.gz", "c.json", "d.parquet"}, []string{"README.md", "notes.txt", "schema.yaml", ".a.ndjson.crc", "_SUCCESS"}, false},
		{"--format keeps any extension", []string{dir}, Filter{AnyExtension: true},
			[]string{"0000_part_00", "README.md", "a.ndjson", "b.csv.gz", "c.json", "d.parquet", "notes.txt", "schema.yaml"}, []string{".a.ndjson.crc", "_SUCCESS"}, false},
		{"include", []string{dir}, Filter{Include: []string{"*.ndjson", "*.csv*"}},
			[]string{"a.ndjson", "b.csv.gz"}, []string{"0000_part_00", "README.md", "c.json", "d.parquet", "notes.txt", "schema.yaml", ".a.ndjson.crc", "_SUCCESS"}, false},
		{"exclude", []string{filepath.Join(dir, "*")}, Filter{Exclude: []string{"*.json", "0000*"}},
			[]string{"a.ndjson", "b.csv.gz", "d.parquet"}, []string{"0000_part_00", "README.md", "c.json", "notes.txt", "schema.yaml"}, false},
		{"a named file is always read", []string{filepath.Join(dir, "notes.txt")}, Filter{Exclude: []string{"*"}},
			[]string{"notes.txt"}, nil, false},
		{"nothing left", []string{dir}, Filter{Include: []string{"*.tsv"}}, nil, nil, true},
		{"bad glob", []string{dir}, Filter{Include: []string{"[a"}}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins, skipped, err := ExpandFiltered(context.Background(), tt.patterns, nil, tt.filter)
			if tt.err {
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("err = %v, want an InputError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var sk []string
			for _, s := range skipped {
				sk = append(sk, filepath.Base(s))
			}
			if !reflect.DeepEqual(names(ins), tt.want) || !reflect.DeepEqual(sk, tt.skipped) {
				t.Errorf("got %q skipped %q\nwant %q skipped %q", names(ins), sk, tt.want, tt.skipped)
			}
		})
	}
}
