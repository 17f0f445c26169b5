// Package transform changes a message on its way to a destination: it runs
// a pipeline of steps over a document, each step editing the parsed HL7 v2
// message in place or replacing the document with another format.
//
// A pipeline is declared in a channel's YAML as a list of steps, each with
// exactly one kind and an optional condition (see Spec):
//
//	transform:
//	  - set: {path: MSH-5, value: ARCHIVE}
//	  - set: {path: PID-2, value: '{{field "PID-3(1).1"}}-X'}
//	  - copy: {from: PID-3(1).1, to: PID-2}
//	  - delete: {path: PID-19}
//	  - delete: {segment: NTE}
//	  - map: {path: PV1-2, table: patient-class, default: U}
//	  - when: has("OBX")
//	    map: {path: OBX-3.1, table: lab-codes, keep_unmapped: true}
//	  - to_json: {}
//
// and, to turn the message into a FHIR R4 Bundle (see V2ToFHIRSpec),
// "v2_to_fhir: {bundle: transaction, time_zone: Europe/London}".
//
// Compile checks every step (paths, templates, tables, conditions) and
// builds a Pipeline; Run applies it to a Doc. Steps apply in order; the
// first step that fails stops the pipeline, and its error, a *StepError,
// names the step and the HL7 path but never a value from the message, so
// that it can be stored as the message's error reason and logged.
//
// Paths are hl7v2 terser paths. set and copy write one position: a path
// that names no segment occurrence or repetition means the first one.
// delete and map act on every value a path matches: without an occurrence,
// "NK1-5" means NK1-5 in every NK1 segment and every repetition of the
// field, so that removing or recoding a value cannot leave a copy behind.
//
// A step that changes the format, such as to_json, replaces the document's
// content with Doc.SetContent; HL7 steps after it fail. The HL7 v2 to FHIR
// conversion, v2_to_fhir, is one more Step of that kind.
package transform

import (
	"context"
	"fmt"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/filter"
)

// Step is one operation of a pipeline. Apply changes d in place. A Step is
// built once and applied to many documents, from several goroutines at once
// (each with its own Doc), so it must not keep per-document state.
type Step interface {
	Apply(ctx context.Context, d *Doc) error
}

// Pipeline is a compiled list of steps. It is safe for concurrent use. A
// nil or empty Pipeline leaves documents unchanged.
type Pipeline struct {
	stages []stage
}

// stage is a step with its position, kind and condition.
type stage struct {
	kind string
	when *filter.Filter // nil: always
	step Step
}

// Len returns the number of steps.
func (p *Pipeline) Len() int {
	if p == nil {
		return 0
	}
	return len(p.stages)
}

// Run applies the steps in order to d. A step whose condition is false is
// skipped. The first failure stops the pipeline and is returned as a
// *StepError; d is then partly transformed and should be discarded.
func (p *Pipeline) Run(ctx context.Context, d *Doc) error {
	if p == nil {
		return nil
	}
	for i := range p.stages {
		s := &p.stages[i]
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.when != nil {
			ok, err := d.match(s.when)
			if err != nil {
				return &StepError{Index: i, Kind: s.kind, Err: fmt.Errorf("when: %w", err)}
			}
			if !ok {
				continue
			}
		}
		if err := s.step.Apply(ctx, d); err != nil {
			return &StepError{Index: i, Kind: s.kind, Err: err}
		}
	}
	return nil
}

// match evaluates a condition on the document as it stands: the variables
// come from the inbound message, the functions read the current content.
func (d *Doc) match(f *filter.Filter) (bool, error) {
	var m engine.Message
	if d.Meta != nil {
		m = *d.Meta
	}
	m.ContentType, m.Raw, m.HL7 = d.ContentType, d.Raw, d.HL7
	return f.Match(&m)
}
