package transform

import (
	"fmt"
	"strconv"
)

// StepError reports a step that is misconfigured (from Compile) or that
// failed on a message (from Run). Its message names the step's position,
// its kind and the spec field or HL7 path at fault, never a value from the
// message.
type StepError struct {
	Index int    // position of the step in the pipeline, from 0
	Kind  string // "set", "copy", "delete", "map", "to_json", "v2_to_fhir"; "" when the spec has none
	Field string // the spec field at fault ("path", "when", ...), "" for a failure on a message
	Err   error
}

// Error renders a compile error as "transform[2].map.table: ..." (or
// "transform[2].when: ..." for the condition) and a failure on a message as
// "transform[2] (map): ...".
func (e *StepError) Error() string {
	at := "transform[" + strconv.Itoa(e.Index) + "]"
	switch {
	case e.Kind == "":
		return fmt.Sprintf("%s: %v", at, e.Err)
	case e.Field == "when":
		return fmt.Sprintf("%s.when: %v", at, e.Err)
	case e.Field != "":
		return fmt.Sprintf("%s.%s.%s: %v", at, e.Kind, e.Field, e.Err)
	default:
		return fmt.Sprintf("%s (%s): %v", at, e.Kind, e.Err)
	}
}

// Unwrap returns the underlying error.
func (e *StepError) Unwrap() error { return e.Err }
