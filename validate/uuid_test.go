package validate

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseUUID(t *testing.T) {
	tests := []struct {
		text string
		want string
		ok   bool
	}{
		{"123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174000", true},
		{"123E4567-E89B-12D3-A456-426614174000", "123e4567-e89b-12d3-a456-426614174000", true},
		{"  123e4567-e89b-12d3-a456-426614174000 ", "123e4567-e89b-12d3-a456-426614174000", true},
		{"00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000", true},
		{"", "", false},
		{"{123e4567-e89b-12d3-a456-426614174000}", "", false},
		{"urn:uuid:123e4567-e89b-12d3-a456-426614174000", "", false},
		{"123e4567e89b12d3a456426614174000", "", false},
		{"123e4567-e89b-12d3-a456-42661417400g", "", false},
		{"123e4567-e89b-12d3-a456_426614174000", "", false},
		{"123e4567-e89b-12d3-a456-4266141740000", "", false},
		{"123e4567-e89b-12d3-a4564-26614174000", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseUUID(tt.text)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseUUID(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

func TestUUIDKey(t *testing.T) {
	k := UUIDKey("123e4567-e89b-12d3-a456-426614174000")
	want := [16]byte{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00}
	if k != want {
		t.Errorf("UUIDKey = % x, want % x", k, want)
	}
	if UUIDKey("00000000-0000-0000-0000-000000000001") == UUIDKey("00000000-0000-0000-0000-000000000002") {
		t.Error("different UUIDs gave the same key")
	}
}

func TestParseUUIDNoAllocLowercase(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() { ParseUUID("123e4567-e89b-12d3-a456-426614174000") })
	if allocs != 0 {
		t.Errorf("ParseUUID of a lowercase UUID allocates %v times, want 0", allocs)
	}
}

// Every digit, in both cases, at every place of a UUID: ParseUUID and
// UUIDKey agree with strconv's hexadecimal reading, and a byte that is not
// a digit anywhere makes the text no UUID.
func TestUUIDEveryDigit(t *testing.T) {
	const base = "00000000-0000-0000-0000-000000000000"
	for i := range len(base) {
		if base[i] == '-' {
			continue
		}
		for c := range 256 {
			text := base[:i] + string(rune(c)) + base[i+1:]
			if c >= 0x80 {
				text = base[:i] + string([]byte{byte(c)}) + base[i+1:]
			}
			v, err := strconv.ParseUint(string(rune(c)), 16, 8)
			got, ok := ParseUUID(text)
			if ok != (err == nil) {
				t.Fatalf("ParseUUID(%q) ok = %v", text, ok)
			}
			if !ok {
				continue
			}
			if want := strings.ToLower(text); got != want {
				t.Fatalf("ParseUUID(%q) = %q, want %q", text, got, want)
			}
			k := UUIDKey(got)
			var want [16]byte
			j := 0
			for p := 0; p < i; p++ {
				if base[p] != '-' {
					j++
				}
			}
			want[j/2] = byte(v) << (4 * (1 - j%2))
			if k != want {
				t.Fatalf("UUIDKey(%q) = % x, want % x", got, k, want)
			}
		}
	}
}

func BenchmarkUUID(b *testing.B) {
	ids := []string{"168a4339-6334-428f-aadf-24d2261a23c4", "4ea4cb4a-db09-420c-97e1-c392dc82b985",
		"9f1c2e3d-4b5a-6978-8a9b-0c1d2e3f4a5b", "0a1b2c3d-e4f5-a6b7-c8d9-eafbfcfdfeff"}
	b.ReportAllocs()
	var k [16]byte
	for i := 0; b.Loop(); i++ {
		s, _ := ParseUUID(ids[i%len(ids)])
		k = UUIDKey(s)
	}
	_ = k
}
