package validate

// EmptyKey is the warning for a map entry whose key is empty after trimming:
// the entry is dropped (a map column cannot hold an empty key that means
// anything) and the row is kept. A warning rather than a rejection, because
// the rest of the event is sound and the entry carries no name to analyse by.
const EmptyKey Reason = "empty_key"
