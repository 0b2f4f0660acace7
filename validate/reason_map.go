package validate

// MapInvalid rejects a row whose map column (a JSON-object cell mapped to
// identifiers or properties) is not a JSON object.
const MapInvalid Reason = "map_invalid"
