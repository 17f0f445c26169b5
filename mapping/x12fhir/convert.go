package x12fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/format/x12"
)

// ErrUnsupported is returned for a transaction set that has no FHIR mapping.
var ErrUnsupported = errors.New("no FHIR mapping for this transaction set")

// Code systems and identifier systems written by the conversion.
const (
	SystemNPI         = "http://hl7.org/fhir/sid/us-npi"
	SystemID          = "urn:plexus:x12:id:" // + the X12 ID qualifier
	SystemClaimID     = "urn:plexus:x12:claim"
	SystemTrace       = "urn:plexus:x12:trace"
	SystemCPT         = "http://www.ama-assn.org/go/cpt"
	SystemICD10       = "http://hl7.org/fhir/sid/icd-10-cm"
	SystemICD9        = "http://hl7.org/fhir/sid/icd-9-cm"
	SystemServiceType = "https://x12.org/codes/service-type-codes"
	SystemRevenue     = "https://www.nubc.org/CodeSystem/RevenueCodes"
	SystemADA         = "http://ada.org/cdt"
)

// Convert converts one transaction set into a FHIR R4 transaction Bundle,
// as JSON. It returns an error wrapping ErrUnsupported for a set other than
// 837, 835, 270 and 271, and an error naming the segment for a set lacking
// what the resources require (no claim, no patient).
func Convert(t *x12.Transaction) ([]byte, error) {
	return convert([]*x12.Transaction{t})
}

// convert converts sets into one Bundle.
func convert(sets []*x12.Transaction) ([]byte, error) {
	if len(sets) == 0 {
		return nil, errors.New("no transaction set to convert")
	}
	c := &conv{byKey: map[string]bool{}}
	for _, t := range sets {
		c.t = t
		var err error
		switch t.ID() {
		case "837":
			err = c.claims()
		case "835":
			err = c.remittance()
		case "270", "271":
			err = c.eligibility()
		default:
			return nil, fmt.Errorf("transaction set %s: %w", quoteID(t.ID()), ErrUnsupported)
		}
		if err != nil {
			return nil, err
		}
	}
	c.t = sets[0]
	return c.bundle()
}

func quoteID(s string) string {
	if len(s) > 6 {
		s = s[:6]
	}
	return strconv.Quote(s)
}

// obj is a FHIR JSON object.
type obj = map[string]any

// conv is one conversion.
type conv struct {
	t     *x12.Transaction
	res   []obj
	byKey map[string]bool
}

// makeID derives a resource id from business identifiers: the same parts
// always give the same id.
func makeID(typ string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(typ))
	for _, p := range parts {
		h.Write([]byte{0x1f})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// add puts a resource in the bundle unless one of the same type and id is
// there already, and returns the reference to it.
func (c *conv) add(r obj, id string) string {
	typ := r["resourceType"].(string)
	ref := typ + "/" + id
	if !c.byKey[ref] {
		r["id"] = id
		c.byKey[ref] = true
		c.res = append(c.res, r)
	}
	return ref
}

// bundle writes the transaction Bundle of PUTs.
func (c *conv) bundle() ([]byte, error) {
	entries := make([]obj, 0, len(c.res))
	for _, r := range c.res {
		id := r["id"].(string)
		entries = append(entries, obj{
			"fullUrl":  "urn:uuid:" + id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:],
			"resource": r,
			"request":  obj{"method": "PUT", "url": r["resourceType"].(string) + "/" + id},
		})
	}
	st := c.t.Segments[0]
	b := obj{"resourceType": "Bundle", "id": makeID("Bundle", c.t.ISA.Value(6), c.t.ISA.Value(13), st.Value(2)), "type": "transaction"}
	if len(entries) > 0 {
		b["entry"] = entries
	}
	return json.Marshal(b)
}

// party is a person or organization named by an NM1 or N1 segment, with the
// segments of its loop.
type party struct {
	seg    *x12.Segment
	person bool
	last   string
	first  string
	qual   string // ID qualifier
	id     string
	loop   []*x12.Segment
}

// nm1 reads a party from an NM1 segment and its loop.
func nm1(s *x12.Segment, loop []*x12.Segment) *party {
	return &party{seg: s, person: s.Value(2) == "1", last: s.Value(3), first: s.Value(4), qual: s.Value(8), id: s.Value(9), loop: loop}
}

// n1 reads a party from an N1 segment.
func n1(s *x12.Segment) *party {
	return &party{seg: s, last: s.Value(2), qual: s.Value(3), id: s.Value(4)}
}

// identifier returns the party's identifier as FHIR, or nil.
func (p *party) identifier() []any {
	if p.id == "" {
		return nil
	}
	sys := SystemID + p.qual
	if p.qual == "XX" {
		sys = SystemNPI
	}
	if p.qual == "" {
		sys = SystemID + "ZZ"
	}
	return []any{obj{"system": sys, "value": p.id}}
}

func (p *party) key() []string { return []string{p.qual, p.id, p.last, p.first} }

// organization adds the party as an Organization (or a Practitioner when it
// is a person) and returns the reference.
func (c *conv) organization(p *party) string {
	if p.person {
		return c.practitioner(p)
	}
	r := obj{"resourceType": "Organization"}
	if ids := p.identifier(); ids != nil {
		r["identifier"] = ids
	}
	if p.last != "" {
		r["name"] = p.last
	}
	if a := address(p.loop); a != nil {
		r["address"] = []any{a}
	}
	return c.add(r, makeID("Organization", p.key()...))
}

// practitioner adds the party as a Practitioner.
func (c *conv) practitioner(p *party) string {
	r := obj{"resourceType": "Practitioner"}
	if ids := p.identifier(); ids != nil {
		r["identifier"] = ids
	}
	if n := humanName(p); n != nil {
		r["name"] = []any{n}
	}
	return c.add(r, makeID("Practitioner", p.key()...))
}

// patient adds the party as a Patient, with the demographics of its loop
// (DMG, N3/N4).
func (c *conv) patient(p *party) string {
	r := obj{"resourceType": "Patient"}
	if ids := p.identifier(); ids != nil {
		r["identifier"] = ids
	}
	if n := humanName(p); n != nil {
		r["name"] = []any{n}
	}
	for _, s := range p.loop {
		if s.ID == "DMG" {
			if d := date(s.Value(2)); d != "" && s.Value(1) == "D8" {
				r["birthDate"] = d
			}
			switch s.Value(3) {
			case "M":
				r["gender"] = "male"
			case "F":
				r["gender"] = "female"
			case "U":
				r["gender"] = "unknown"
			}
		}
	}
	if a := address(p.loop); a != nil {
		r["address"] = []any{a}
	}
	return c.add(r, makeID("Patient", p.key()...))
}

// coverage adds the Coverage of a member with a payer.
func (c *conv) coverage(member *party, patientRef, payerRef string) string {
	r := obj{"resourceType": "Coverage", "status": "active",
		"beneficiary": obj{"reference": patientRef}, "payor": []any{obj{"reference": payerRef}}}
	if member.id != "" {
		r["subscriberId"] = member.id
	}
	return c.add(r, makeID("Coverage", append(member.key(), payerRef)...))
}

func humanName(p *party) obj {
	n := obj{}
	if p.last != "" {
		n["family"] = p.last
	}
	if p.first != "" {
		given := []any{p.first}
		if m := p.seg.Value(5); m != "" {
			given = append(given, m)
		}
		n["given"] = given
	}
	if len(n) == 0 {
		return nil
	}
	return n
}

// address reads N3/N4 of a loop.
func address(loop []*x12.Segment) obj {
	a := obj{}
	for _, s := range loop {
		switch s.ID {
		case "N3":
			var lines []any
			for _, i := range []int{1, 2} {
				if v := s.Value(i); v != "" {
					lines = append(lines, v)
				}
			}
			if lines != nil {
				a["line"] = lines
			}
		case "N4":
			for k, i := range map[string]int{"city": 1, "state": 2, "postalCode": 3, "country": 4} {
				if v := s.Value(i); v != "" {
					a[k] = v
				}
			}
		}
	}
	if len(a) == 0 {
		return nil
	}
	return a
}

// date turns CCYYMMDD into a FHIR date, "" when it is not one.
func date(s string) string {
	if len(s) != 8 {
		return ""
	}
	for i := 0; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return ""
		}
	}
	d := s[:4] + "-" + s[4:6] + "-" + s[6:]
	if s[4:6] < "01" || s[4:6] > "12" || s[6:] < "01" || s[6:] > "31" {
		return ""
	}
	return d
}

// money returns a Money, or nil when s is not a decimal.
func money(s string) obj {
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "eEx") {
		return nil
	}
	return obj{"value": json.Number(strconv.FormatFloat(v, 'f', -1, 64)), "currency": "USD"}
}

// number returns a JSON decimal, or nil.
func number(s string) any {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "eEx") {
		return nil
	}
	return json.Number(strconv.FormatFloat(v, 'f', -1, 64))
}

// coding returns a CodeableConcept of one coding.
func coding(system, code string) obj {
	return obj{"coding": []any{obj{"system": system, "code": code}}}
}

// procedure maps an X12 procedure composite (qualifier:code) to a
// CodeableConcept.
func procedure(s *x12.Segment, elem int) obj {
	q, code := string(s.Component(elem, 1)), string(s.Component(elem, 2))
	if code == "" {
		return nil
	}
	switch q {
	case "HC", "HP":
		return coding(SystemCPT, code)
	case "AD":
		return coding(SystemADA, code)
	}
	return obj{"coding": []any{obj{"system": SystemID + q, "code": code}}}
}

// createdOf returns the date of the transaction's BHT-04, or of the
// interchange (GS-04) when it has none.
func (c *conv) createdOf() string {
	for _, s := range c.t.Segments {
		if s.ID == "BHT" {
			if d := date(s.Value(4)); d != "" {
				return d
			}
		}
	}
	if c.t.GS != nil {
		if d := date(c.t.GS.Value(4)); d != "" {
			return d
		}
	}
	return ""
}

// segErr is a conversion error at a segment; it carries no value.
func segErr(s *x12.Segment, loop, msg string) error {
	return &x12.Error{Pos: s.Pos, Offset: s.Offset, Segment: s.ID, Loop: loop, Msg: msg}
}

// loopSegments returns the segments of the loop started at index i: i and
// those after it in the same loop.
func (c *conv) loopSegments(i int) []*x12.Segment {
	loop := c.t.Loops[i]
	out := []*x12.Segment{c.t.Segments[i]}
	for k := i + 1; k < len(c.t.Segments) && c.t.Loops[k] == loop; k++ {
		out = append(out, c.t.Segments[k])
	}
	return out
}

// InvalidError is returned by ConvertValidated for a Bundle the FHIR
// validator refuses; Issues are its errors, each with its FHIRPath.
type InvalidError struct {
	Issues []validate.Issue
}

// Error implements error.
func (e *InvalidError) Error() string {
	var b strings.Builder
	b.WriteString("the FHIR Bundle is not valid: ")
	for i, is := range e.Issues {
		if i > 0 {
			b.WriteString("; ")
		}
		if i == 5 {
			b.WriteString(strconv.Itoa(len(e.Issues)-5) + " more")
			break
		}
		b.WriteString(is.Expression + ": " + is.Code)
	}
	return b.String()
}

// ConvertValidated converts like Convert and checks the Bundle with the
// FHIR validator (fhir/validate), returning an *InvalidError when a
// resource lacks what FHIR requires (a claim without a date, say).
func ConvertValidated(t *x12.Transaction) ([]byte, error) {
	return validated([]*x12.Transaction{t})
}

// ConvertAll converts several transaction sets (those of one interchange,
// say) into one Bundle and validates it like ConvertValidated. It also
// returns what the conversion left out (see Unmapped). It is the conversion
// the engine's x12_to_fhir step runs.
func ConvertAll(sets []*x12.Transaction) ([]byte, []string, error) {
	b, err := validated(sets)
	if err != nil {
		return nil, nil, err
	}
	var unmapped []string
	for _, t := range sets {
		unmapped = append(unmapped, Unmapped(t)...)
	}
	return b, unmapped, nil
}

// validated converts and validates.
func validated(sets []*x12.Transaction) ([]byte, error) {
	b, err := convert(sets)
	if err != nil {
		return nil, err
	}
	out, err := validate.Validate(b)
	if err != nil {
		return nil, fmt.Errorf("loading the FHIR definitions: %w", err)
	}
	if errs := out.Errors(); len(errs) > 0 {
		return nil, &InvalidError{Issues: errs}
	}
	return b, nil
}
