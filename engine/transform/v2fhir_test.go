package transform

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/mapping/v2fhir"
)

// The program installs the mapping layer's conversions; so does this test.
func init() {
	UseFHIRConverters(engineConverter)
}

func engineConverter(s FHIRConverterSpec) (ConvertFunc, error) {
	var files v2fhir.OverrideFiles
	if o := s.Overrides; o != nil {
		files = v2fhir.OverrideFiles{Segments: o.Segments, DataTypes: o.DataTypes, CodeSystems: o.CodeSystems}
	}
	return v2fhir.EngineConverter(s.Mapping, s.Zone, s.Systems, files)
}

// fhirBundle is the part of a Bundle the step tests read.
type fhirBundle struct {
	ResourceType string `json:"resourceType"`
	Type         string `json:"type"`
	Entry        []struct {
		FullURL  string          `json:"fullUrl"`
		Resource json.RawMessage `json:"resource"`
		Request  *struct {
			Method string `json:"method"`
			URL    string `json:"url"`
		} `json:"request"`
	} `json:"entry"`
}

// convertDoc runs a pipeline of YAML steps over the adt message and returns
// the document.
func convertDoc(t *testing.T, steps string) *Doc {
	t.Helper()
	p, err := Compile(specs(t, steps), nil)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	d, err := NewDoc(message(t, hl7(adt...)))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context(), d); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return d
}

func decodeBundle(t *testing.T, d *Doc) fhirBundle {
	t.Helper()
	out, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	var b fhirBundle
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatalf("the payload is not JSON: %v\n%s", err, out)
	}
	return b
}

func TestV2ToFHIRTransaction(t *testing.T) {
	d := convertDoc(t, `[{v2_to_fhir: {}}]`)
	if d.ContentType != engine.ContentFHIR || d.HL7 != nil {
		t.Fatalf("content type %q, HL7 kept %v; want %s and the HL7 message dropped", d.ContentType, d.HL7 != nil, engine.ContentFHIR)
	}
	b := decodeBundle(t, d)
	if b.ResourceType != "Bundle" || b.Type != "transaction" {
		t.Fatalf("resourceType %q type %q, want a transaction Bundle", b.ResourceType, b.Type)
	}
	var patients int
	for _, e := range b.Entry {
		if e.Request == nil {
			t.Errorf("entry %s has no request", e.FullURL)
		} else if strings.HasPrefix(e.Request.URL, "Patient/") {
			patients++
		}
	}
	if patients != 1 {
		t.Errorf("%d Patient entries, want 1", patients)
	}

	// The step gives exactly what the converter gives, unmapped list
	// included: the step adds nothing and loses nothing.
	ms, err := v2fhir.Default()
	if err != nil {
		t.Fatal(err)
	}
	res, err := v2fhir.New(ms, v2fhir.Options{}).Convert(message(t, hl7(adt...)).HL7)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, u := range res.Unmapped {
		want = append(want, u.String())
	}
	if len(want) == 0 {
		t.Fatal("the converter reports nothing unmapped for a message with NTE segments: the test cannot check the list")
	}
	if !slices.Equal(d.Unmapped, want) {
		t.Errorf("Unmapped = %q\nwant %q", d.Unmapped, want)
	}
	if got, _ := d.Bytes(); string(got) != string(res.Bundle) {
		t.Errorf("the transaction Bundle differs from the converter's")
	}
}

func TestV2ToFHIRBundleTypes(t *testing.T) {
	tx := decodeBundle(t, convertDoc(t, `[{v2_to_fhir: {}}]`))
	for _, tc := range []struct {
		bundle      string
		wantRequest bool
	}{
		{"batch", true},
		{"collection", false},
	} {
		t.Run(tc.bundle, func(t *testing.T) {
			d := convertDoc(t, `[{v2_to_fhir: {bundle: `+tc.bundle+`}}]`)
			out, _ := d.Bytes()
			if !strings.HasPrefix(string(out), `{"resourceType":"Bundle",`) {
				t.Errorf("the rewritten Bundle does not start with its resourceType: %.60s", out)
			}
			b := decodeBundle(t, d)
			if b.Type != tc.bundle {
				t.Errorf("type %q, want %q", b.Type, tc.bundle)
			}
			if len(b.Entry) != len(tx.Entry) {
				t.Fatalf("%d entries, the transaction has %d", len(b.Entry), len(tx.Entry))
			}
			for i, e := range b.Entry {
				if (e.Request != nil) != tc.wantRequest {
					t.Errorf("entry %d: request present %v, want %v", i, e.Request != nil, tc.wantRequest)
				}
				if e.FullURL != tx.Entry[i].FullURL || string(e.Resource) != string(tx.Entry[i].Resource) {
					t.Errorf("entry %d differs from the transaction's", i)
				}
			}
		})
	}
}

func TestV2ToFHIRTimeZone(t *testing.T) {
	// MSH-7 and EVN-2 carry no zone: 2025-06-01 12:00 in London is +01:00.
	d := convertDoc(t, `[{v2_to_fhir: {time_zone: Europe/London}}]`)
	out, _ := d.Bytes()
	if !strings.Contains(string(out), "2025-06-01T12:00:00+01:00") {
		t.Errorf("no date/time in the sender's zone in the Bundle:\n%s", out)
	}
	plain := convertDoc(t, `[{v2_to_fhir: {}}]`)
	out, _ = plain.Bytes()
	if strings.Contains(string(out), "2025-06-01T12:00:00") {
		t.Errorf("without time_zone a zone-less time was given a zone:\n%s", out)
	}
}

func TestV2ToFHIRConversionFailure(t *testing.T) {
	// A message type the mapping set does not convert fails the step with
	// the converter's reason: the engine then keeps the message with status
	// error, it is not dropped.
	p, err := Compile(specs(t, `[{v2_to_fhir: {}}]`), nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDoc(message(t, hl7(`MSH|^~\&|A|B|C|D|20250601120000||ZZZ^Z99|1|P|2.5`, `PID|1||P123^^^NORTH^MR`)))
	if err != nil {
		t.Fatal(err)
	}
	err = p.Run(t.Context(), d)
	var se *StepError
	if !errors.As(err, &se) || se.Kind != "v2_to_fhir" || se.Index != 0 {
		t.Fatalf("Run = %v, want a StepError of step 0 (v2_to_fhir)", err)
	}
	if !errors.Is(err, v2fhir.ErrUnsupported) {
		t.Errorf("Run = %v, want it to wrap v2fhir.ErrUnsupported", err)
	}
	if !strings.Contains(err.Error(), "transform[0] (v2_to_fhir): converting to FHIR") {
		t.Errorf("error %q does not name the step", err)
	}

	// A document that is no longer HL7 v2 (a condition let a to_json run)
	// is a failure too, not a silent pass.
	p, err = Compile(specs(t, `[{when: 'true', to_json: {}}, {v2_to_fhir: {}}]`), nil)
	if err != nil {
		t.Fatal(err)
	}
	d, _ = NewDoc(message(t, hl7(adt...)))
	if err := p.Run(t.Context(), d); err == nil || !strings.Contains(err.Error(), "needs HL7 v2 content") {
		t.Errorf("Run over JSON = %v, want the HL7 v2 content error", err)
	}
}

func TestV2ToFHIRCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		steps, field, want string
	}{
		{`[{v2_to_fhir: {bundle: message}}]`, "bundle", `"message" is not transaction, batch or collection`},
		{`[{v2_to_fhir: {time_zone: Mars/Olympus}}]`, "time_zone", "not an IANA time zone"},
		{`[{v2_to_fhir: {mapping: no-such-set/1}}]`, "mapping", "not found"},
		{`[{v2_to_fhir: {systems: {NORTH: ""}}}]`, "systems", "empty"},
		{`[{v2_to_fhir: {}}, {set: {path: MSH-5, value: X}}]`, "", "no longer HL7 v2"},
		{`[{v2_to_fhir: {}, to_json: {}}]`, "", "found to_json, v2_to_fhir"},
	} {
		_, err := Compile(specs(t, tc.steps), nil)
		var se *StepError
		if !errors.As(err, &se) {
			t.Errorf("%s: Compile = %v, want a StepError", tc.steps, err)
			continue
		}
		if se.Field != tc.field || !strings.Contains(se.Err.Error(), tc.want) {
			t.Errorf("%s: field %q error %q; want field %q and %q", tc.steps, se.Field, se.Err, tc.field, tc.want)
		}
	}
}

func BenchmarkV2ToFHIR(b *testing.B) {
	p, err := Compile(specs(b, `[{v2_to_fhir: {}}]`), nil)
	if err != nil {
		b.Fatal(err)
	}
	msg := message(b, hl7(adt...))
	for b.Loop() {
		d, err := NewDoc(msg)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Run(b.Context(), d); err != nil {
			b.Fatal(err)
		}
	}
}

// TestV2ToFHIRWithoutConverters checks that a program that installed no
// conversions refuses the step when the configuration is compiled, not
// when a message arrives.
func TestV2ToFHIRWithoutConverters(t *testing.T) {
	fhirConverters.RLock()
	saved := fhirConverters.f
	fhirConverters.RUnlock()
	UseFHIRConverters(nil)
	defer UseFHIRConverters(saved)
	_, err := Compile(specs(t, `[{v2_to_fhir: {}}]`), nil)
	if err == nil || !strings.Contains(err.Error(), "no HL7 v2 to FHIR mapping is installed") {
		t.Fatalf("Compile = %v", err)
	}
}

// TestV2ToFHIROverrides checks the step's overrides option: a site's row
// changes where a field goes, and a bad one fails the configuration with the
// file, row and column.
func TestV2ToFHIROverrides(t *testing.T) {
	dir := t.TempDir()
	pid := filepath.Join(dir, "PID.csv")
	os.WriteFile(pid, []byte("5,PID-5,Patient Name,XPN,1,-1,,,,contact[1].name,,HumanName,0,1,XPN[HumanName],,,,\n"), 0o644)
	d := convertDoc(t, `[{v2_to_fhir: {overrides: {segments: {PID: `+pid+`}}}}]`)
	b := decodeBundle(t, d)
	for _, e := range b.Entry {
		if strings.HasPrefix(e.Request.URL, "Patient/") {
			var p struct {
				Name    []any `json:"name"`
				Contact []struct {
					Name any `json:"name"`
				} `json:"contact"`
			}
			json.Unmarshal(e.Resource, &p)
			// PID-5's contact comes first, before those of the NK1s.
			if p.Name != nil || len(p.Contact) == 0 || p.Contact[0].Name == nil {
				t.Errorf("Patient %s: want PID-5 in contact[0].name", e.Resource)
			}
		}
	}

	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("5,PID-5,Patient Name,XPN,1,-1,,,,nmae[1],,HumanName,0,1,XPN[HumanName],,,,\n"), 0o644)
	for _, tc := range []struct{ steps, want string }{
		{`[{v2_to_fhir: {overrides: {segments: {PID: ` + bad + `}}}}]`, bad + " (PID[Patient]): row 1, column 10 (FHIR Attribute): bad mapping override: no element Patient.nmae"},
		{`[{v2_to_fhir: {overrides: {codesystems: {AdministrativeSex: ` + filepath.Join(dir, "none.csv") + `}}}}]`, "none.csv"},
		{`[{v2_to_fhir: {overrides: {datatypes: {"CX[Identifier]": ""}}}}]`, "datatypes: an empty table name or file"},
	} {
		_, err := Compile(specs(t, tc.steps), nil)
		var se *StepError
		if !errors.As(err, &se) || se.Field != "overrides" || !strings.Contains(se.Err.Error(), tc.want) {
			t.Errorf("%s: Compile = %v; want field overrides and %q", tc.steps, err, tc.want)
		}
	}

	if _, err := Compile(specs(t, `[{v2_to_fhir: {}}]`), nil); err != nil {
		t.Errorf("Compile without overrides = %v", err)
	}
}
