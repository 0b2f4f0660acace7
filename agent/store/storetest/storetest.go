// Package storetest is the one conformance suite of the store.Store
// contract. Every backend runs it in a single line against a real server:
//
//	storetest.Run(t, func(t *testing.T) store.Store { return newTestStore(t) })
//
// newStore must return an empty store (a fresh bucket or prefix) each call.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hackle/hackle-agent/agent/store"
)

// Run runs every contract test against stores made by newStore.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"EmptyObject", testEmptyObject},
		{"LargeObject", testLargeObject},
		{"LargeObjectKnownSize", testLargeObjectKnownSize},
		{"Overwrite", testOverwrite},
		{"Missing", testMissing},
		{"DeleteMissing", testDeleteMissing},
		{"Delete", testDelete},
		{"ListOrderAndSizes", testListOrder},
		{"ListSiblingPrefix", testListSibling},
		{"ListStopsOnError", testListStops},
		{"OddKeys", testOddKeys},
		{"Stat", testStat},
		{"String", testString},
		{"Canceled", testCanceled},
		{"LockRace", testLockRace},
		{"LockRelease", testLockRelease},
		{"LeaseExpiredTakeover", testLeaseTakeover},
		{"LeaseRenewal", testLeaseRenewal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

// Env returns the values of the named environment variables. When one is
// unset the test is skipped, except under CI (env CI set), where a missing
// test server is a failure: CI must not pass by skipping.
func Env(t testing.TB, names ...string) []string {
	t.Helper()
	vals := make([]string, len(names))
	for i, n := range names {
		vals[i] = os.Getenv(n)
		if vals[i] == "" {
			msg := fmt.Sprintf("%s not set: start the test servers with .ci/servers.sh and source its env file", n)
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	return vals
}

// UniqueName returns a bucket-safe name (lowercase, digits, '-') unique to
// this run, starting with base.
func UniqueName(base string) string {
	b := make([]byte, 5)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%x", base, time.Now().UnixNano()%1e9, b)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

func put(t *testing.T, st store.Store, key string, data []byte) {
	t.Helper()
	if err := st.Put(ctx(t), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func get(t *testing.T, st store.Store, key string) []byte {
	t.Helper()
	rc, err := st.Get(ctx(t), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): read: %v", key, err)
	}
	return b
}

func list(t *testing.T, st store.Store, prefix string) []store.ObjectInfo {
	t.Helper()
	var got []store.ObjectInfo
	err := st.List(ctx(t), prefix, func(oi store.ObjectInfo) error {
		got = append(got, oi)
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return got
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func testRoundTrip(t *testing.T, st store.Store) {
	data := []byte("hello, parquet")
	put(t, st, "dt=2023-01-01/000000000000.parquet", data)
	if got := get(t, st, "dt=2023-01-01/000000000000.parquet"); !bytes.Equal(got, data) {
		t.Fatalf("Get = %q, want %q", got, data)
	}
}

func testEmptyObject(t *testing.T, st store.Store) {
	put(t, st, "dt=2023-01-01/_SUCCESS", nil)
	if got := get(t, st, "dt=2023-01-01/_SUCCESS"); len(got) != 0 {
		t.Fatalf("Get = %d bytes, want 0", len(got))
	}
	oi, err := st.Stat(ctx(t), "dt=2023-01-01/_SUCCESS")
	if err != nil || oi.Size != 0 {
		t.Fatalf("Stat = %+v, %v; want size 0", oi, err)
	}
}

// testLargeObject puts a multi-MiB object of unknown size through a plain
// reader (no Seek, no Len), the way export streams a part.
func testLargeObject(t *testing.T, st store.Store) {
	data := randomBytes(17<<20 + 123)
	r := struct{ io.Reader }{bytes.NewReader(data)}
	if err := st.Put(ctx(t), "big/unknown.bin", r, -1); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if got := get(t, st, "big/unknown.bin"); !bytes.Equal(got, data) {
		t.Fatalf("Get: %d bytes differ from the %d put", len(got), len(data))
	}
	checkSize(t, st, "big/unknown.bin", int64(len(data)))
}

func testLargeObjectKnownSize(t *testing.T, st store.Store) {
	data := randomBytes(9<<20 + 7)
	r := struct{ io.Reader }{bytes.NewReader(data)}
	if err := st.Put(ctx(t), "big/known.bin", r, int64(len(data))); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if got := get(t, st, "big/known.bin"); !bytes.Equal(got, data) {
		t.Fatalf("Get: %d bytes differ from the %d put", len(got), len(data))
	}
}

func checkSize(t *testing.T, st store.Store, key string, want int64) {
	t.Helper()
	oi, err := st.Stat(ctx(t), key)
	if err != nil {
		t.Fatalf("Stat(%q): %v", key, err)
	}
	if oi.Size != want || oi.Key != key {
		t.Fatalf("Stat(%q) = key %q size %d, want size %d", key, oi.Key, oi.Size, want)
	}
}

func testOverwrite(t *testing.T, st store.Store) {
	put(t, st, "k", []byte("first version"))
	put(t, st, "k", []byte("second"))
	if got := string(get(t, st, "k")); got != "second" {
		t.Fatalf("Get after overwrite = %q", got)
	}
	checkSize(t, st, "k", 6)
}

func testMissing(t *testing.T, st store.Store) {
	if _, err := st.Get(ctx(t), "no/such/key"); !errors.Is(err, store.ErrNotExist) {
		t.Fatalf("Get missing: err = %v, want ErrNotExist", err)
	}
	if _, err := st.Stat(ctx(t), "no/such/key"); !errors.Is(err, store.ErrNotExist) {
		t.Fatalf("Stat missing: err = %v, want ErrNotExist", err)
	}
}

func testDeleteMissing(t *testing.T, st store.Store) {
	if err := st.Delete(ctx(t), "no/such/key"); err != nil {
		t.Fatalf("Delete missing: %v, want nil", err)
	}
}

func testDelete(t *testing.T, st store.Store) {
	put(t, st, "gone", []byte("x"))
	if err := st.Delete(ctx(t), "gone"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := st.Stat(ctx(t), "gone"); !errors.Is(err, store.ErrNotExist) {
		t.Fatalf("Stat after Delete: err = %v, want ErrNotExist", err)
	}
	if got := list(t, st, ""); len(got) != 0 {
		t.Fatalf("List after Delete = %v, want nothing", got)
	}
}

func testListOrder(t *testing.T, st store.Store) {
	keys := []string{"dt=2023-01-02/b", "dt=2023-01-01/a", "dt=2023-01-01/_SUCCESS", "dt=2023-01-01/c/d", "other/x"}
	for i, k := range keys {
		put(t, st, k, bytes.Repeat([]byte("z"), i+1))
	}
	got := list(t, st, "dt=2023-01-")
	want := []store.ObjectInfo{
		{Key: "dt=2023-01-01/_SUCCESS", Size: 3},
		{Key: "dt=2023-01-01/a", Size: 2},
		{Key: "dt=2023-01-01/c/d", Size: 4},
		{Key: "dt=2023-01-02/b", Size: 1},
	}
	compareList(t, got, want)
	if all := list(t, st, ""); len(all) != len(keys) {
		t.Fatalf("List(\"\") returned %d objects, want %d", len(all), len(keys))
	}
	if none := list(t, st, "zzz"); len(none) != 0 {
		t.Fatalf("List(\"zzz\") = %v, want nothing", none)
	}
}

func compareList(t *testing.T, got, want []store.ObjectInfo) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("List = %v, want %v", keysOf(got), keysOf(want))
	}
	for i := range want {
		if got[i].Key != want[i].Key || got[i].Size != want[i].Size {
			t.Fatalf("List[%d] = %q (%d bytes), want %q (%d bytes)", i, got[i].Key, got[i].Size, want[i].Key, want[i].Size)
		}
		if got[i].ModTime.IsZero() {
			t.Errorf("List[%d] %q: zero ModTime", i, got[i].Key)
		}
	}
}

func keysOf(ois []store.ObjectInfo) []string {
	var ks []string
	for _, oi := range ois {
		ks = append(ks, oi.Key)
	}
	return ks
}

func testListSibling(t *testing.T, st store.Store) {
	put(t, st, "dt=2023-01-01/a", []byte("1"))
	put(t, st, "dt=2023-01-010/a", []byte("22"))
	got := list(t, st, "dt=2023-01-01/")
	compareList(t, got, []store.ObjectInfo{{Key: "dt=2023-01-01/a", Size: 1}})
}

func testListStops(t *testing.T, st store.Store) {
	for _, k := range []string{"a", "b", "c"} {
		put(t, st, k, []byte(k))
	}
	stop := errors.New("stop here")
	n := 0
	err := st.List(ctx(t), "", func(store.ObjectInfo) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("List with failing fn: err = %v after %d calls, want %v after 1", err, n, stop)
	}
}

func testOddKeys(t *testing.T, st store.Store) {
	keys := []string{"with space/a b.parquet", "한글/데이터.parquet", "plus+and%percent/x", "é/ü"}
	for _, k := range keys {
		put(t, st, k, []byte(k))
		if got := string(get(t, st, k)); got != k {
			t.Fatalf("Get(%q) = %q", k, got)
		}
		checkSize(t, st, k, int64(len(k)))
	}
	got := list(t, st, "")
	if len(got) != len(keys) {
		t.Fatalf("List = %q, want %q", keysOf(got), keys)
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Key >= got[i].Key {
			t.Fatalf("List not in lexical order: %q", keysOf(got))
		}
	}
	if l := list(t, st, "with space/"); len(l) != 1 || l[0].Key != keys[0] {
		t.Fatalf("List(%q) = %q", "with space/", keysOf(l))
	}
	if l := list(t, st, "한글/"); len(l) != 1 || l[0].Key != keys[1] {
		t.Fatalf("List(%q) = %q", "한글/", keysOf(l))
	}
}

func testStat(t *testing.T, st store.Store) {
	before := time.Now().Add(-time.Hour)
	put(t, st, "dt=2023-01-01/_manifest.json", []byte(`{"files":[]}`))
	oi, err := st.Stat(ctx(t), "dt=2023-01-01/_manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if oi.Key != "dt=2023-01-01/_manifest.json" || oi.Size != 12 {
		t.Fatalf("Stat = %+v", oi)
	}
	if oi.ModTime.Before(before) || oi.ModTime.After(time.Now().Add(time.Hour)) {
		t.Fatalf("Stat ModTime = %v, not about now", oi.ModTime)
	}
}

// testString checks that String names the store and carries no secret. The
// secret candidates are the usual credential variables of the environment.
func testString(t *testing.T, st store.Store) {
	s := st.String()
	if s == "" {
		t.Fatal("String() is empty")
	}
	for _, v := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "HACKLE_TEST_S3_SECRET_KEY"} {
		if sec := os.Getenv(v); len(sec) >= 4 && strings.Contains(s, sec) {
			t.Fatalf("String() = %q contains the value of %s", s, v)
		}
	}
}

func testCanceled(t *testing.T, st store.Store) {
	c, cancel := context.WithCancel(context.Background())
	cancel()
	if err := st.Put(c, "canceled", strings.NewReader("x"), 1); err == nil {
		t.Error("Put with a canceled context: nil error")
	}
	if _, err := st.Stat(ctx(t), "canceled"); !errors.Is(err, store.ErrNotExist) {
		t.Errorf("Put with a canceled context left an object: Stat err = %v", err)
	}
	if err := st.List(c, "", func(store.ObjectInfo) error { return nil }); err == nil {
		t.Error("List with a canceled context: nil error")
	}
}
