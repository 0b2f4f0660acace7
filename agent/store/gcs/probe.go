package gcs

import "context"

// ProbeBucket exercises storage.buckets.get (for the check command).
func (s *Store) ProbeBucket(ctx context.Context) error {
	if _, err := s.bucket.Attrs(ctx); err != nil {
		return s.wrap("get bucket", "", err)
	}
	return nil
}
