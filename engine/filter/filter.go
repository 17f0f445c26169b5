// Package filter decides which messages a channel (or a transform step)
// handles, with an expression over the message's metadata and content:
//
//	type == "ADT" && trigger in ["A01", "A04", "A08"] && age() >= 18
//
// Expressions are written in the expr language (github.com/expr-lang/expr):
// typed, free of side effects and always terminating. An expression is
// compiled once, type-checked against the environment below, and then
// evaluated for each message, from many goroutines at once.
//
// Variables, taken from the inbound message's metadata (engine.Message):
//
//	type            MSH-9.1, for example "ADT"
//	trigger         MSH-9.2, for example "A01"
//	controlId       MSH-10
//	sendingApp      MSH-3.1
//	sendingFacility MSH-4.1
//	patientId       PID-3(1).1
//	channel         channel name
//	source          source type, for example "mllp"
//	contentType     for example "application/hl7-v2"
//	priority        int
//
// Functions over the parsed HL7 v2 message (hl7v2 terser paths; when the
// message is not HL7 v2 they return "", an empty list, false or 0):
//
//	field("PID-8")      decoded text at a path ("" when absent)
//	fields("PID-3.1")   the path in every repetition of the field, and in
//	                    every segment of that name unless the path names an
//	                    occurrence, as in "OBX(2)-5"
//	has("OBX")          whether a segment is present; with a field path,
//	                    has("PID-8"), whether that value is non-empty
//	count("OBX")        number of segments of that name; with a field path,
//	                    count("PID-3"), its number of repetitions
//	age()               the patient's age in whole years from PID-7, or -1
//	                    when the birth date is absent, malformed or in the
//	                    future
//
// age() counts the years the patient has certainly completed: a birth date
// given to the year (YYYY) or month (YYYYMM) only is taken as the last day
// of that year or month, so that age() >= 18 never admits a 17-year-old.
// Time of day and UTC offset are ignored; a 29 February birthday falls on 1
// March in other years. Because an unknown age is -1, age() < 18 is true for
// it: write age() >= 0 && age() < 18 for children.
//
// For JSON content, json("a.b[0].c") returns the value at a dotted path
// (string, float64, bool, nil, or a nested list or map), nil when absent.
//
// For X12 content (application/edi-x12), x12("2300/CLM-02") returns the
// value at a loop path (see format/x12's ParsePath) in the first transaction
// set that has it, "" when none does. It is text: compare amounts as
// numbers with float(x12("2300/CLM-02")) > 1000, since "900" > "1000" as
// strings. Interchanges that cannot be read make Match fail.
//
// Regular expressions use expr's own operator, compiled once with the
// expression: field("PID-5.1") matches "^O'?BRIEN$".
//
// Paths given as string literals are checked when the expression is
// compiled; a bad path computed at run time makes Match fail.
package filter

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/plexus-health/plexus/engine"
)

// Filter is a compiled expression. It is safe for concurrent use.
type Filter struct {
	src     string
	program *vm.Program
	now     func() time.Time
	envs    sync.Pool // of *env, each with its own VM
}

// Option configures Compile.
type Option func(*Filter)

// WithClock sets the clock age() measures against; the default is time.Now.
// The age is computed on the calendar date of the time now returns, in that
// time's location.
func WithClock(now func() time.Time) Option {
	return func(f *Filter) { f.now = now }
}

// Compile parses and type-checks an expression that must yield a bool.
// A syntax or type error is an *Error giving its line and column.
func Compile(src string, opts ...Option) (*Filter, error) {
	f := &Filter{src: src, now: time.Now}
	for _, o := range opts {
		o(f)
	}
	program, err := expr.Compile(src, expr.Env(env{}), expr.AsBool())
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			line, col := position(src, fe.From)
			return nil, &Error{Line: line, Column: col, Msg: strings.TrimSpace(fe.Message)}
		}
		return nil, &Error{Line: 1, Column: 1, Msg: err.Error()}
	}
	if err := checkLiterals(src, program.Node()); err != nil {
		return nil, err
	}
	f.program = program
	f.envs.New = func() any { return newEnv(f.now) }
	return f, nil
}

// String returns the expression's source.
func (f *Filter) String() string { return f.src }

// Match evaluates the filter for a message. It reads msg and never keeps it.
// An error means the expression could not be evaluated on this message (a
// runtime type error, a bad computed path, malformed JSON content).
func (f *Filter) Match(msg *engine.Message) (bool, error) {
	e := f.envs.Get().(*env)
	e.load(msg)
	out, err := e.vm.Run(f.program, e)
	ferr := e.err
	e.reset()
	f.envs.Put(e)
	if ferr != nil {
		return false, ferr
	}
	if err != nil {
		return false, f.evalError(err)
	}
	b, ok := out.(bool)
	if !ok {
		// A value of type any (json) that was not a bool at run time.
		return false, &EvalError{Line: 1, Column: 1, what: fmt.Sprintf("the expression gave %T, not bool", out)}
	}
	return b, nil
}

// evalError turns an error from expr's VM into an EvalError pointing at the
// operation that failed.
func (f *Filter) evalError(err error) error {
	ee := &EvalError{Line: 1, Column: 1, err: err}
	var fe *file.Error
	if errors.As(err, &fe) {
		ee.Line, ee.Column = position(f.src, fe.From)
	}
	return ee
}

// Error is a compile error: a syntax error, an unknown name, a type
// mismatch, or a bad path in a literal argument. Line and Column (1-based,
// counted in characters) locate it in the expression.
type Error struct {
	Line, Column int
	Msg          string
}

// Error renders the error with its position, "column 6: ..." or "line 2,
// column 3: ...".
func (e *Error) Error() string {
	if e.Line > 1 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("column %d: %s", e.Column, e.Msg)
}

// EvalError reports an expression that failed on a particular message, at
// the operation that failed. Its message never includes message data, so it
// may be stored as the reason of an error status and logged; the underlying
// error from the expression engine, which may quote values from the message,
// is only available through Unwrap.
type EvalError struct {
	Line, Column int
	what         string
	err          error
}

// Error says where the evaluation failed, without the values involved.
func (e *EvalError) Error() string {
	what := e.what
	if what == "" {
		what = "an operation failed on this message's values"
	}
	if e.Line > 1 {
		return fmt.Sprintf("filter evaluation failed at line %d, column %d: %s", e.Line, e.Column, what)
	}
	return fmt.Sprintf("filter evaluation failed at column %d: %s", e.Column, what)
}

// Unwrap returns the expression engine's error. It may contain patient data:
// do not log or store it.
func (e *EvalError) Unwrap() error { return e.err }

// position converts a character offset in src into a 1-based line and column.
func position(src string, offset int) (line, col int) {
	line, col = 1, 1
	n := 0
	for _, r := range src {
		if n == offset {
			break
		}
		n++
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
