package search

import "fmt"

// ParamError reports a search parameter that cannot be searched as written:
// an unknown parameter or modifier, a malformed value. The REST layer
// answers it with 400, except that an Unknown parameter is ignored (and
// reported) unless the client asked for strict handling.
type ParamError struct {
	// Param is the parameter as written, with its modifier or chain
	// ("birthdate", "subject:Patient.name", "_sort").
	Param string
	// Value is the offending value, "" when the name itself is at fault.
	Value string
	// Reason says what is wrong, in lower case.
	Reason string
	// Unknown is set when the parameter is not one this server searches
	// for the resource type (as opposed to a known one used wrongly).
	Unknown bool
}

func (e *ParamError) Error() string {
	if e.Value != "" {
		return fmt.Sprintf("search parameter %q, value %q: %s", e.Param, e.Value, e.Reason)
	}
	return fmt.Sprintf("search parameter %q: %s", e.Param, e.Reason)
}

func paramErr(param, value, format string, args ...any) *ParamError {
	return &ParamError{Param: param, Value: value, Reason: fmt.Sprintf(format, args...)}
}

func unknownErr(param, format string, args ...any) *ParamError {
	return &ParamError{Param: param, Reason: fmt.Sprintf(format, args...), Unknown: true}
}
