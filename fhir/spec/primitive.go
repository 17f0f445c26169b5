package spec

import "regexp"

// PrimitiveDef is a primitive data type with the format of its values.
type PrimitiveDef struct {
	// Name is the type name: "date", "id", "decimal".
	Name string
	// Base is the type it specializes ("string" for code, "integer" for
	// positiveInt), or "Element".
	Base string
	// Regex is the format of the value's string form as the definition gives
	// it (the regex extension on the value element), unanchored. It is empty
	// for xhtml, which has no format.
	Regex string
	// FHIRPathType is the FHIRPath system type of the value: "System.String",
	// "System.Date", "System.Decimal", ...
	FHIRPathType string

	re *regexp.Regexp
}

// Regexp returns Regex compiled and anchored to the whole value, or nil when
// the type has no format.
func (p *PrimitiveDef) Regexp() *regexp.Regexp {
	return p.re
}

// Valid reports whether s, the string form of a value (as in JSON, with
// numbers and booleans written as text), matches the type's format. A type
// without a format accepts any value. The regexes check form, not meaning:
// "2023-02-30" has the form of a date.
func (p *PrimitiveDef) Valid(s string) bool {
	if p.re == nil {
		return true
	}
	return p.re.MatchString(s)
}

func (p *PrimitiveDef) compile() error {
	if p.Regex == "" {
		return nil
	}
	re, err := regexp.Compile(`^(?:` + p.Regex + `)$`)
	if err != nil {
		return err
	}
	p.re = re
	return nil
}
