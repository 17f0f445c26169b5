package v2fhir

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/format/hl7v2"
)

const overrideMsg = "MSH|^~\\&|ADT1|GOOD HEALTH HOSPITAL|GHH LAB|GHH|20260102030405+0000||ADT^A01^ADT_A01|MSG00001|P|2.5.1\r" +
	"PID|1||PATID1234^^^GHH^MR||EVERYMAN^ADAM^A||19610615|X\r"

// convertWith converts overrideMsg with the default set and ov, and returns
// its Patient and the unmapped report.
func convertWith(t *testing.T, ov *Overrides) (map[string]any, []string) {
	t.Helper()
	ms, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	ms2, err := ms.WithOverrides(ov)
	if err != nil {
		t.Fatal(err)
	}
	res, err := New(ms2, Options{Now: fixedNow}).ConvertBytes([]byte(overrideMsg))
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, "override", res.Bundle)
	var b struct {
		Entry []struct {
			Resource map[string]any `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(res.Bundle, &b); err != nil {
		t.Fatal(err)
	}
	var un []string
	for _, u := range res.Unmapped {
		un = append(un, u.String())
	}
	for _, e := range b.Entry {
		if e.Resource["resourceType"] == "Patient" {
			return e.Resource, un
		}
	}
	t.Fatal("no Patient")
	return nil, nil
}

func src(name, csv string) OverrideSource { return OverrideSource{File: name, CSV: []byte(csv)} }

const igHeader = "HL7 v2,,,,,,Condition (IF True),,,HL7 FHIR,,,,,,,,,Comments\n" +
	"Sort Order,Identifier,Name,Data Type,Cardinality - Min,Cardinality - Max,Computable ANTLR,Computable FHIRPath,Narrative,FHIR Attribute,,Data Type,Cardinality - Min,Cardinality - Max,Data Type Mapping,Vocabulary Mapping,Assignment,,\n"

func TestOverrideMovesField(t *testing.T) {
	before, _ := convertWith(t, nil)
	if before["name"] == nil || before["contact"] != nil {
		t.Fatalf("without override: name %v contact %v", before["name"], before["contact"])
	}
	ov := &Overrides{Segments: map[string]OverrideSource{
		"PID": src("PID.csv", igHeader+"5,PID-5,Patient Name,XPN,1,-1,,,,contact[1].name,,HumanName,0,1,XPN[HumanName],,,,\n"),
	}}
	p, _ := convertWith(t, ov)
	if p["name"] != nil {
		t.Errorf("PID-5 still in Patient.name: %v", p["name"])
	}
	c, _ := json.Marshal(p["contact"])
	if !strings.Contains(string(c), `"family":"EVERYMAN"`) {
		t.Errorf("contact = %s, want PID-5 in contact[0].name", c)
	}
	// Other fields keep their rows.
	if p["birthDate"] != "1961-06-15" || len(p["identifier"].([]any)) != 1 {
		t.Errorf("other fields changed: %v", p)
	}
	// The embedded set is not changed.
	if again, _ := convertWith(t, nil); again["name"] == nil {
		t.Error("the override changed the default set")
	}

	// An empty FHIR Attribute removes a field's mapping; it is reported.
	ov = &Overrides{Segments: map[string]OverrideSource{
		"PID[Patient]": src("PID.csv", "7,PID-7,Date/Time of Birth,DTM,0,1,,,,,,,,,,,,,\n"),
	}}
	p, un := convertWith(t, ov)
	if p["birthDate"] != nil || !strings.Contains(strings.Join(un, "\n"), "PID-7 (segment 2): field not mapped") {
		t.Errorf("PID-7 removed: birthDate %v, unmapped %q", p["birthDate"], un)
	}
}

func TestOverrideAddsVocabulary(t *testing.T) {
	p, un := convertWith(t, nil)
	if p["gender"] != nil || !strings.Contains(strings.Join(un, "\n"), "PID-8") {
		t.Fatalf("without override: gender %v, unmapped %q", p["gender"], un)
	}
	ov := &Overrides{CodeSystems: map[string]OverrideSource{
		"AdministrativeSex": src("sex.csv", "X,Non-binary,HL70001,,,,other,,Other,http://hl7.org/fhir/administrative-gender\n"),
	}}
	p, un = convertWith(t, ov)
	if p["gender"] != "other" {
		t.Errorf("gender = %v, want other (unmapped %q)", p["gender"], un)
	}
	// The map's own codes are kept.
	ms, _ := Default()
	ms2, _ := ms.WithOverrides(ov)
	if c, ok := ms2.vocab["AdministrativeSex"].lookup("F"); !ok || c.code != "female" {
		t.Errorf("F = %v %v", c, ok)
	}

	// A new map, named by a segment override.
	ov = &Overrides{
		CodeSystems: map[string]OverrideSource{"SiteSex": src("sitesex.csv", "X,Non-binary,HL70001,,,,unknown,,Unknown,http://hl7.org/fhir/administrative-gender\n")},
		Segments:    map[string]OverrideSource{"PID": src("PID.csv", "8,PID-8,Administrative Sex,CWE,0,1,,,,gender,,code,0,1,CWE[code],SiteSex,,,\n")},
	}
	if p, _ = convertWith(t, ov); p["gender"] != "unknown" {
		t.Errorf("gender with a new map = %v, want unknown", p["gender"])
	}
}

func TestOverrideErrors(t *testing.T) {
	ms, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		ov   Overrides
		want string
	}{
		{"unknown element", Overrides{Segments: map[string]OverrideSource{"PID": src("p.csv", igHeader+"5,PID-5,Patient Name,XPN,1,-1,,,,nmae[1],,HumanName,0,-1,XPN[HumanName],,,,\n")}},
			"p.csv (PID[Patient]): row 3, column 10 (FHIR Attribute): bad mapping override: no element Patient.nmae"},
		{"field of another segment", Overrides{Segments: map[string]OverrideSource{"PID": src("p.csv", "5,PV1-5,x,XPN,1,-1,,,,name[1],,HumanName,0,-1,XPN[HumanName],,,,\n")}},
			`p.csv (PID[Patient]): row 1, column 2 (Identifier): bad mapping override: "PV1-5" is not a field of PID`},
		{"short row", Overrides{Segments: map[string]OverrideSource{"PID": src("p.csv", "5,PID-5,Patient Name,XPN,1,-1,,,,name[1]\n")}},
			"p.csv (PID[Patient]): row 1, column 11: bad mapping override: a table row has 10 columns"},
		{"bad condition", Overrides{Segments: map[string]OverrideSource{"PID": src("p.csv", "5,PID-5,Patient Name,XPN,1,-1,IF PID-5 SMELLS NICE,,,name[1],,HumanName,0,-1,XPN[HumanName],,,,\n")}},
			"p.csv (PID[Patient]): row 1, column 7 (Computable ANTLR): bad mapping override: condition:"},
		{"unknown data type map", Overrides{Segments: map[string]OverrideSource{"PID": src("p.csv", "5,PID-5,Patient Name,XPN,1,-1,,,,name[1],,HumanName,0,-1,XPN[Nome],,,,\n")}},
			`row 1, column 15 (Data Type Mapping): bad mapping override: no data type map "XPN[Nome]"`},
		{"unknown vocabulary", Overrides{Segments: map[string]OverrideSource{"PID": src("p.csv", "8,PID-8,Administrative Sex,CWE,0,1,,,,gender,,code,0,1,CWE[code],Sexx,,,\n")}},
			`row 1, column 16 (Vocabulary Mapping): bad mapping override: no vocabulary map "Sexx"`},
		{"expression assignment", Overrides{Segments: map[string]OverrideSource{"PID": src("p.csv", "8,PID-8,Administrative Sex,CWE,0,1,,,,gender,,code,0,1,CWE[code],,PID-8+1,,\n")}},
			"row 1, column 17 (Assignment): bad mapping override: assignment is an expression"},
		{"no such table", Overrides{Segments: map[string]OverrideSource{"PID[Horse]": src("h.csv", "1,PID-1,,,,,,,,id,,,,,,,,\n")}},
			`h.csv (PID[Horse]): bad mapping override: the mapping set has no segment table "PID[Horse]"`},
		{"ambiguous segment", Overrides{Segments: map[string]OverrideSource{"MSH": src("m.csv", "")}},
			`m.csv (MSH): bad mapping override: segment "MSH": name its table (one of MSH[Bundle], MSH[Encounter]`},
		{"bad CSV", Overrides{DataTypes: map[string]OverrideSource{"CX[Identifier]": src("cx.csv", "1,CX.1,\"Id\"x,ST\n")}},
			"cx.csv (CX[Identifier]): row 1, column 11: bad mapping override: extraneous"},
		{"vocabulary without FHIR code", Overrides{CodeSystems: map[string]OverrideSource{"AdministrativeSex": src("s.csv", "X,Non-binary,HL70001,,,,,,Other,http://hl7.org/fhir/administrative-gender\n")}},
			`s.csv (AdministrativeSex): row 1, column 7 (FHIR Code): bad mapping override: no FHIR code for "X"`},
		{"vocabulary system not a URI", Overrides{CodeSystems: map[string]OverrideSource{"AdministrativeSex": src("s.csv", "X,Non-binary,HL70001,,,,other,,Other,gender\n")}},
			`s.csv (AdministrativeSex): row 1, column 10 (FHIR Code System): bad mapping override: code system "gender" is not a URI`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ms.WithOverrides(&c.ov)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error\n%v\nwant it to contain\n%s", err, c.want)
			}
			var oe *OverrideError
			if !errors.As(err, &oe) || !errors.Is(err, ErrBadOverride) {
				t.Errorf("%T is not an *OverrideError wrapping ErrBadOverride", err)
			}
		})
	}
}

func TestEngineConverterOverrideFiles(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "sex.csv")
	os.WriteFile(f, []byte("X,Non-binary,HL70001,,,,other,,Other,http://hl7.org/fhir/administrative-gender\n"), 0o644)
	conv, err := EngineConverter("", nil, nil, OverrideFiles{CodeSystems: map[string]string{"AdministrativeSex": f}})
	if err != nil {
		t.Fatal(err)
	}
	m := mustParse(t, overrideMsg)
	b, _, err := conv(m)
	if err != nil || !strings.Contains(string(b), `"gender":"other"`) {
		t.Errorf("err %v, gender other not in %s", err, b)
	}
	missing := filepath.Join(dir, "nope.csv")
	_, err = EngineConverter("", nil, nil, OverrideFiles{Segments: map[string]string{"PID": missing}})
	if err == nil || !strings.Contains(err.Error(), missing) || !errors.Is(err, ErrBadOverride) {
		t.Errorf("missing file: %v", err)
	}
}

func mustParse(t *testing.T, s string) *hl7v2.Message {
	t.Helper()
	m, err := hl7v2.Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return m
}
