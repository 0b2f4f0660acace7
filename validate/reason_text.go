package validate

// TextNUL rejects a row whose event_key, or a map key or value, holds a NUL
// character (a raw 0 byte, or an escaped \u0000 in JSON): PostgreSQL's
// text and jsonb, where Hackle loads the rows, cannot hold one, so the row
// could be exported but never imported.
const TextNUL Reason = "text_nul"

// LoneSurrogate is the warning for a text holding a lone UTF-16 surrogate
// (a JSON escape such as \ud800 without its pair, or its 3-byte encoded
// form): it cannot be UTF-8, so it is replaced by U+FFFD and the row is
// kept.
const LoneSurrogate Reason = "lone_surrogate"
