package transform

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/x12"
	"github.com/plexus-health/plexus/mapping/x12fhir"
)

// x12Claims is the 837P fixture of format/x12: two claims.
func x12Claims(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile("../../format/x12/testdata/837p.x12")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// runX12 compiles specs and runs them on an X12 message.
func runX12(t *testing.T, raw []byte, specs ...Spec) (*Doc, error) {
	t.Helper()
	p, err := Compile(specs, nil)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	d, err := NewDoc(&engine.Message{ContentType: ContentX12, Raw: raw})
	if err != nil {
		t.Fatal(err)
	}
	return d, p.Run(context.Background(), d)
}

func TestX12Set(t *testing.T) {
	raw := x12Claims(t)
	d, err := runX12(t, raw, Spec{X12Set: &X12SetSpec{Path: "2010BB/NM1-09", Value: "99999"}}, Spec{X12Set: &X12SetSpec{Path: "2300/CLM-05-2", Value: "A"}})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := d.Bytes()
	want := strings.NewReplacer("*PI*11122333~", "*PI*99999~", "*11:B:1*", "*11:A:1*").Replace(string(raw))
	if string(out) != want || d.ContentType != ContentX12 {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	if _, err := runX12(t, raw, Spec{X12Set: &X12SetSpec{Path: "2010BB/NM1-09", Value: "a*b"}}); err == nil || strings.Contains(err.Error(), "a*b") {
		t.Errorf("a value with a separator: err = %v", err)
	}
	if _, err := runX12(t, []byte("MSH|^~\\&|A"), Spec{X12Set: &X12SetSpec{Path: "2010BB/NM1-09", Value: "1"}}); err == nil {
		t.Error("HL7 content accepted")
	}
}

func TestX12SplitClaims(t *testing.T) {
	d, err := runX12(t, x12Claims(t), Spec{X12SplitClaims: &X12SplitClaimsSpec{}})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := d.Bytes()
	res, err := x12.Check(bytes.NewReader(out), x12.Config{})
	if err != nil || len(res) != 2 {
		t.Fatalf("%d interchanges, err %v", len(res), err)
	}
	for i, r := range res {
		if !r.Valid() {
			t.Errorf("claim %d: %s", i+1, r.Summary())
		}
	}
	if _, err := runX12(t, []byte(strings.Replace(string(x12Claims(t)), "ST*837*", "ST*835*", 1)), Spec{X12SplitClaims: &X12SplitClaimsSpec{}}); err == nil {
		t.Error("an 835 was split")
	}
}

func TestX12ToFHIR(t *testing.T) {
	UseX12Converter(nil)
	if _, err := Compile([]Spec{{X12ToFHIR: &X12ToFHIRSpec{}}}, nil); err == nil {
		t.Fatal("compiled without a converter")
	}
	UseX12Converter(x12fhir.ConvertAll)
	defer UseX12Converter(nil)
	d, err := runX12(t, x12Claims(t), Spec{X12Set: &X12SetSpec{Path: "2300/CLM-02", Value: "650"}}, Spec{X12ToFHIR: &X12ToFHIRSpec{}})
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Type  string
		Entry []struct {
			Resource struct {
				ResourceType string
				Total        struct{ Value float64 }
			}
		}
	}
	if err := json.Unmarshal(d.Raw, &b); err != nil || d.ContentType != engine.ContentFHIR || b.Type != "transaction" {
		t.Fatalf("content %s: %v", d.ContentType, err)
	}
	claims := 0
	for _, e := range b.Entry {
		if e.Resource.ResourceType == "Claim" {
			claims++
			if e.Resource.Total.Value != 650 {
				t.Errorf("claim total %v, want the value set before", e.Resource.Total.Value)
			}
		}
	}
	if claims != 2 {
		t.Errorf("%d claims", claims)
	}
	if len(d.Unmapped) == 0 || d.Unmapped[0] != "NM1 (segment 5, loop 1000A): not mapped" {
		t.Errorf("unmapped: %v", d.Unmapped)
	}
	// A set without the date FHIR requires is refused with the path.
	noDate := strings.NewReplacer("BHT*0019*00*0123*19960918*", "BHT*0019*00*0123**", "*19991231*0802*", "**0802*").Replace(string(x12Claims(t)))
	if _, err := runX12(t, []byte(noDate), Spec{X12ToFHIR: &X12ToFHIRSpec{}}); err == nil || !strings.Contains(err.Error(), "resource.created") {
		t.Errorf("err = %v", err)
	}
}

func TestX12CompileErrors(t *testing.T) {
	for _, tt := range []struct {
		spec Spec
		want string
	}{
		{Spec{X12Set: &X12SetSpec{Path: "NM1", Value: "x"}}, "x12_set"},
		{Spec{X12Set: &X12SetSpec{Path: "9999Z/NM1-09", Value: "x"}}, "not a loop"},
		{Spec{X12Set: &X12SetSpec{Path: "ST-02", Value: "x"}}, "envelope"},
		{Spec{X12Set: &X12SetSpec{Path: "NM1-09"}, X12SplitClaims: &X12SplitClaimsSpec{}}, "x12_set, x12_split_claims"},
	} {
		_, err := Compile([]Spec{tt.spec}, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err = %v, want %q", tt.spec, err, tt.want)
		}
	}
}
