package validate

import "encoding/json"

// Severities of an issue.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Issue type codes used by the validator (from the FHIR issue-type value
// set).
const (
	CodeStructure    = "structure"     // unknown element, wrong JSON shape or kind
	CodeRequired     = "required"      // a required element is missing
	CodeValue        = "value"         // a value does not have its type's format
	CodeInvariant    = "invariant"     // an invariant evaluated to false
	CodeNotSupported = "not-supported" // an unknown resource type
	CodeInvalid      = "invalid"       // the input is not JSON
	CodeCodeInvalid  = "code-invalid"  // a code is not in the value set of a required binding
)

// OperationOutcome is a FHIR OperationOutcome resource. It marshals to FHIR
// JSON; an outcome without issues marshals with a single informational
// issue, since FHIR requires at least one.
type OperationOutcome struct {
	Issues []Issue
}

// Issue is one problem found in a resource.
type Issue struct {
	// Severity is SeverityError or SeverityWarning.
	Severity string `json:"severity"`
	// Code is a FHIR issue type: CodeStructure, CodeRequired, ...
	Code string `json:"code"`
	// Diagnostics says what is wrong, in words.
	Diagnostics string `json:"diagnostics,omitempty"`
	// Expression is the FHIRPath location of the problem
	// ("Patient.name[0].given[1]"); empty when the problem is the input as a
	// whole.
	Expression string `json:"-"`
}

// OK reports whether the outcome has no issue of severity error.
func (o *OperationOutcome) OK() bool {
	for _, is := range o.Issues {
		if is.Severity == SeverityError {
			return false
		}
	}
	return true
}

// Errors returns the issues of severity error.
func (o *OperationOutcome) Errors() []Issue {
	var out []Issue
	for _, is := range o.Issues {
		if is.Severity == SeverityError {
			out = append(out, is)
		}
	}
	return out
}

var _ json.Marshaler = OperationOutcome{}

type jsonIssue struct {
	Issue
	Expression []string `json:"expression,omitempty"`
}

// MarshalJSON writes the outcome as a FHIR OperationOutcome resource.
func (o OperationOutcome) MarshalJSON() ([]byte, error) {
	issues := make([]jsonIssue, 0, len(o.Issues))
	for _, is := range o.Issues {
		ji := jsonIssue{Issue: is}
		if is.Expression != "" {
			ji.Expression = []string{is.Expression}
		}
		issues = append(issues, ji)
	}
	if len(issues) == 0 {
		issues = append(issues, jsonIssue{Issue: Issue{Severity: "information", Code: "informational", Diagnostics: "no issues found"}})
	}
	return json.Marshal(struct {
		ResourceType string      `json:"resourceType"`
		Issue        []jsonIssue `json:"issue"`
	}{"OperationOutcome", issues})
}
