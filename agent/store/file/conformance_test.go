package file_test

import (
	"testing"

	"github.com/hackle/hackle-agent/agent/store"
	"github.com/hackle/hackle-agent/agent/store/file"
	"github.com/hackle/hackle-agent/agent/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		st, err := file.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}
