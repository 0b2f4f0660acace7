// Package registry maps URL schemes to backend constructors (stores,
// sinks). Backends register themselves from their init functions, the way
// benthos components register by name.
package registry

import (
	"sort"
	"sync"
)

// Registry maps schemes to values of T. It is safe for concurrent use.
type Registry[T any] struct {
	kind string
	mu   sync.RWMutex
	m    map[string]T
}

// New returns an empty registry; kind names it in panics ("store", "sink").
func New[T any](kind string) *Registry[T] {
	return &Registry[T]{kind: kind, m: map[string]T{}}
}

// Register adds v under scheme. Registering a scheme twice is a
// programming error and panics.
func (r *Registry[T]) Register(scheme string, v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.m[scheme]; dup {
		panic(r.kind + ": scheme registered twice: " + scheme)
	}
	r.m[scheme] = v
}

// Get returns the value registered under scheme.
func (r *Registry[T]) Get(scheme string) (T, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.m[scheme]
	return v, ok
}

// Schemes lists the registered schemes as "scheme://", sorted.
func (r *Registry[T]) Schemes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s := make([]string, 0, len(r.m))
	for k := range r.m {
		s = append(s, k+"://")
	}
	sort.Strings(s)
	return s
}
