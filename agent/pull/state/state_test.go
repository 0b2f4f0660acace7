package state

import (
	"crypto/rand"
	"testing"

	"github.com/hackle/hackle-agent/validate"
)

func randomKeys(n int) []Key {
	keys := make([]Key, n)
	for i := range keys {
		rand.Read(keys[i][:])
	}
	return keys
}

func TestKeyFileContains(t *testing.T) {
	for _, n := range []int{0, 1, 255, 256, 257, 1000, 5000} {
		s, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		keys := randomKeys(n)
		in := append([]Key(nil), keys...)
		if err := s.WriteKeys("2023-01-01", in); err != nil {
			t.Fatal(err)
		}
		kf, err := s.OpenKeys("2023-01-01")
		if err != nil || kf == nil {
			t.Fatalf("n=%d: OpenKeys = %v, %v", n, kf, err)
		}
		for _, k := range keys {
			if ok, err := kf.Contains(k); !ok || err != nil {
				t.Fatalf("n=%d: Contains(present) = %v, %v", n, ok, err)
			}
		}
		for _, k := range randomKeys(200) {
			if ok, _ := kf.Contains(k); ok {
				t.Fatalf("n=%d: Contains(absent) = true", n)
			}
		}
		if len(kf.sparse) > n/blockKeys+1 {
			t.Errorf("n=%d: %d sparse keys in memory", n, len(kf.sparse))
		}
		kf.Close()
	}
}

func TestWindow(t *testing.T) {
	s, _ := Open(t.TempDir())
	k := randomKeys(3)
	s.WriteKeys("2023-01-01", []Key{k[0]})
	s.WriteKeys("2023-01-05", []Key{k[1]})
	s.WriteKeys("2023-01-08", []Key{k[2]}) // the day itself: not in its window
	day, _ := validate.ParseDate("2023-01-08")
	tests := []struct {
		days int
		key  Key
		want string
	}{
		{7, k[0], "2023-01-01"},
		{6, k[0], ""},
		{7, k[1], "2023-01-05"},
		{7, k[2], ""},
		{0, k[1], ""},
	}
	for _, tt := range tests {
		w, err := s.OpenWindow(day, tt.days)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := w.Seen(tt.key); got != tt.want || err != nil {
			t.Errorf("days %d: Seen = %q, %v; want %q", tt.days, got, err, tt.want)
		}
		w.Close()
	}
}

func TestRecord(t *testing.T) {
	s, _ := Open(t.TempDir())
	if imp, err := s.Imported("2023-01-01"); imp != nil || err != nil {
		t.Fatalf("fresh state: %v, %v", imp, err)
	}
	if err := s.Record(Imported{Date: "2023-01-01", Version: "m-abc", Rows: 3}); err != nil {
		t.Fatal(err)
	}
	imp, err := s.Imported("2023-01-01")
	if err != nil || imp.Version != "m-abc" || imp.Rows != 3 {
		t.Fatalf("Imported = %+v, %v", imp, err)
	}
}

func TestLocked(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil {
		t.Fatal("a second Open of a state in use succeeded")
	}
	s.Close()
	s2, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}
