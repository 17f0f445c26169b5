package filter

import "fmt"

// fnError wraps an error met by one of the expression's functions.
func fnError(fn string, err error) error {
	return fmt.Errorf("%s: %w", fn, err)
}

// errNoField is the error for a path that names only a segment where a
// field is needed.
func errNoField(path string) error {
	return fmt.Errorf("path %q must name a field", path)
}

// errCountPath is the error for a count() argument that is neither a segment
// name nor a whole field.
func errCountPath(path string) error {
	return fmt.Errorf("path %q: count takes a segment name or a field without repetition or component", path)
}
