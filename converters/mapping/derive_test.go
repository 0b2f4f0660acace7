package mapping

import (
	"crypto/sha1"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hackle/hackle-agent/converters/source"
	"github.com/hackle/hackle-agent/validate"
)

// TestDeriveNamespace: the documented namespace is the UUIDv5 of its name
// in the URL namespace, and the bytes used are the documented ones.
func TestDeriveNamespace(t *testing.T) {
	url := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.Sum(append(url[:], "hackle-agent insert_id"...))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	if [16]byte(h[:16]) != deriveNS {
		t.Fatalf("namespace bytes %x, want %x", h[:16], deriveNS)
	}
	if c, ok := validate.ParseUUID(DeriveNamespace); !ok || validate.UUIDKey(c) != deriveNS {
		t.Fatalf("DeriveNamespace %s does not match its bytes", DeriveNamespace)
	}
}

func TestDeriveID(t *testing.T) {
	// Python: uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "hackle-agent insert_id"), "4:u-17|8:purchase")
	if got := DeriveID(" u-17 ", "purchase"); got != "0f50417c-707f-5f06-9def-64ea3389a63e" {
		t.Errorf("DeriveID = %s", got)
	}
	id := DeriveID("u-17", "purchase", "2023-01-01 09:00:00.000")
	if _, ok := validate.ParseUUID(id); !ok || id[14] != '5' || (id[19] != '8' && id[19] != '9' && id[19] != 'a' && id[19] != 'b') {
		t.Errorf("%s is not a UUIDv5", id)
	}
	if DeriveID("a|b", "c") == DeriveID("a", "b|c") || DeriveID("ab", "") == DeriveID("a", "b") {
		t.Error("different values give the same id")
	}
	if DeriveID(" x ", "y") != DeriveID("x", "y") {
		t.Error("white space changes the id")
	}
}

func TestDeriveMapping(t *testing.T) {
	var doc struct{ Mapping Config }
	if err := yaml.Unmarshal([]byte("mapping:\n  insert_id: {derive: [user, event]}\n"), &doc); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"insert_id: {derive: []}", "insert_id: {derive: [a], column: b}", "insert_id: {derive: [\"\"]}"} {
		var d struct{ Mapping Config }
		if err := yaml.Unmarshal([]byte("mapping:\n  "+bad+"\n"), &d); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	m, err := Compile(&doc.Mapping, []string{"user", "event"})
	if err != nil {
		t.Fatal(err)
	}
	var raw validate.Raw
	m.Map(&source.Record{Fields: []source.Field{{Text: "u-17"}, {Text: "purchase"}}}, &raw)
	if raw.InsertID != DeriveID("u-17", "purchase") {
		t.Errorf("insert_id %q", raw.InsertID)
	}
	if _, err := Compile(&doc.Mapping, []string{"user"}); err == nil {
		t.Error("a derive column not in the header is no error")
	}
}

func TestSourceWord(t *testing.T) {
	var doc struct{ Mapping Config }
	y := "mapping:\n  platform_properties: {keys: {osname: {column: os, word: 1}, osversion: {column: os, word: 2}, x: {column: os, word: 3}}}\n"
	if err := yaml.Unmarshal([]byte(y), &doc); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"ts: {word: 1}", "ts: {column: a, word: -1}", "ts: {const: a, word: 1}"} {
		var d struct{ Mapping Config }
		if err := yaml.Unmarshal([]byte("mapping:\n  "+bad+"\n"), &d); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	m, err := Compile(&doc.Mapping, []string{"os"})
	if err != nil {
		t.Fatal(err)
	}
	var raw validate.Raw
	m.Map(&source.Record{Fields: []source.Field{{Text: " iOS  17.2 "}}}, &raw)
	got := map[string]string{}
	for _, kv := range raw.PlatformProps {
		got[kv.Key] = kv.Value
	}
	if got["osname"] != "iOS" || got["osversion"] != "17.2" || len(got) != 2 {
		t.Errorf("platform_properties %v, want osname iOS, osversion 17.2 and no third word", got)
	}
}
