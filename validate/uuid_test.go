package validate

import "testing"

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
