package transform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/x12"
)

// ContentX12 is the media type of X12 EDI content.
const ContentX12 = "application/edi-x12"

// X12SetSpec stores a value at an X12 path in every transaction set of the
// document: x12_set: {path: 2010BB/NM1-09, value: "12345"}. The path names
// a loop, a segment, an element and optionally a component (see
// x12.ParsePath); every segment it addresses is changed. Value is written
// as given and must not hold the interchange's separators.
type X12SetSpec struct {
	Path  string `yaml:"path"`
	Value string `yaml:"value"`
}

// X12SplitClaimsSpec splits the 837 claims of the document at loop 2300:
// x12_split_claims: {}. The document becomes one interchange per claim, one
// after the other, each with the envelope, the submitter and receiver and
// the hierarchical levels above its claim, so that a destination writing
// files or a reader splitting at ISA gets each claim on its own.
type X12SplitClaimsSpec struct{}

// X12ToFHIRSpec converts the transaction sets of the document into one FHIR
// R4 transaction Bundle, checked with the FHIR validator: x12_to_fhir: {}.
// 837 claims become Claims, 835 claim payments ExplanationOfBenefits, 270
// and 271 CoverageEligibilityRequests and Responses.
type X12ToFHIRSpec struct{}

// X12Converter converts transaction sets into a FHIR transaction Bundle,
// validated, and lists the segments it left out ("NM1 (segment 5, loop
// 1000A): not mapped"); the program installs mapping/x12fhir's ConvertAll
// with UseX12Converter.
type X12Converter func([]*x12.Transaction) (bundle []byte, unmapped []string, err error)

var x12Converter struct {
	sync.RWMutex
	f X12Converter
}

// UseX12Converter installs the conversion the x12_to_fhir step runs; the
// plexus binary installs mapping/x12fhir's at start-up. Until one is
// installed, a configuration with the step is refused.
func UseX12Converter(f X12Converter) {
	x12Converter.Lock()
	defer x12Converter.Unlock()
	x12Converter.f = f
}

// x12Doc reads the document's X12 content: every segment, the transaction
// sets, and the white space after the last segment.
type x12Doc struct {
	segs    []*x12.Segment
	sets    []*x12.Transaction
	trailer []byte
}

func readX12(d *Doc) (*x12Doc, error) {
	if d.HL7 != nil {
		return nil, errors.New("the step needs X12 content, the document is HL7 v2")
	}
	xd := &x12Doc{}
	sc := x12.NewScanner(bytes.NewReader(d.Raw), x12.Config{})
	sc.Segment = func(s *x12.Segment) { xd.segs = append(xd.segs, s) }
	for {
		t, err := sc.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading X12: %w", err)
		}
		xd.sets = append(xd.sets, t)
	}
	xd.trailer = sc.Reader().Trailer()
	if len(xd.sets) == 0 {
		return nil, errors.New("the document holds no X12 transaction set")
	}
	return xd, nil
}

// x12SetStep is a compiled x12_set.
type x12SetStep struct {
	path  x12.Path
	value string
}

func newX12Set(s *X12SetSpec) (*x12SetStep, error) {
	p, err := x12.ParsePath(s.Path)
	if err != nil {
		return nil, inField("path", err)
	}
	if p.Loop != "" && !x12.KnownLoop(p.Loop) {
		return nil, inField("path", fmt.Errorf("loop %s is not a loop of any transaction set Plexus knows", p.Loop))
	}
	switch p.Segment {
	case "ISA", "IEA", "GS", "GE", "ST", "SE":
		return nil, inField("path", errors.New("envelope segments cannot be set"))
	}
	return &x12SetStep{path: p, value: s.Value}, nil
}

// Apply implements Step.
func (s *x12SetStep) Apply(_ context.Context, d *Doc) error {
	xd, err := readX12(d)
	if err != nil {
		return err
	}
	dl := xd.segs[0].Delims
	for i := 0; i < len(s.value); i++ {
		if c := s.value[i]; c == dl.Element || c == dl.Segment || (s.path.Component > 0 && c == dl.Component) {
			return fmt.Errorf("%s: the value holds a separator of the interchange", s.path)
		}
	}
	for _, t := range xd.sets {
		t.Set(s.path, s.value)
	}
	d.SetContent(ContentX12, x12.Encode(xd.segs, xd.trailer))
	return nil
}

// x12SplitStep is a compiled x12_split_claims.
type x12SplitStep struct{}

// Apply implements Step.
func (x12SplitStep) Apply(_ context.Context, d *Doc) error {
	xd, err := readX12(d)
	if err != nil {
		return err
	}
	var out []byte
	n := 0
	for _, t := range xd.sets {
		claims, err := x12.SplitClaims(t)
		if err != nil {
			return err
		}
		for _, c := range claims {
			out = append(out, c.Interchange...)
			n++
		}
	}
	if n == 0 {
		return errors.New("the 837 holds no claim (loop 2300)")
	}
	d.SetContent(ContentX12, out)
	return nil
}

// x12ToFHIRStep is a compiled x12_to_fhir.
type x12ToFHIRStep struct {
	convert X12Converter
}

func newX12ToFHIR(*X12ToFHIRSpec) (*x12ToFHIRStep, error) {
	x12Converter.RLock()
	f := x12Converter.f
	x12Converter.RUnlock()
	if f == nil {
		return nil, errors.New("x12_to_fhir: no X12 to FHIR mapping is installed in this program")
	}
	return &x12ToFHIRStep{convert: f}, nil
}

// Apply implements Step.
func (s *x12ToFHIRStep) Apply(_ context.Context, d *Doc) error {
	xd, err := readX12(d)
	if err != nil {
		return err
	}
	b, unmapped, err := s.convert(xd.sets)
	if err != nil {
		return fmt.Errorf("converting to FHIR: %w", err)
	}
	d.Unmapped = append(d.Unmapped, unmapped...)
	d.SetContent(engine.ContentFHIR, b)
	return nil
}

var (
	_ Step = (*x12SetStep)(nil)
	_ Step = x12SplitStep{}
	_ Step = (*x12ToFHIRStep)(nil)
)
