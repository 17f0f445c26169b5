package x12fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/format/x12"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const sharedX12 = "../../../shared/testdata/x12/imsweb/src/test/resources"

// sets reads the transaction sets of a file.
func sets(t *testing.T, path string) []*x12.Transaction {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		if strings.HasPrefix(path, sharedX12) {
			t.Skipf("shared test data not found: %v", err)
		}
		t.Fatal(err)
	}
	sc := x12.NewScanner(bytes.NewReader(raw), x12.Config{})
	var out []*x12.Transaction
	for {
		tx, err := sc.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tx)
	}
}

// TestConvertGolden converts each fixture, validates every resource with
// the FHIR validator, checks that a second conversion gives the same bytes,
// and compares with testdata/NAME.json (regenerate with -update and review
// the diff).
func TestConvertGolden(t *testing.T) {
	cases := []struct {
		name, path string
		types      map[string]int
	}{
		{"837p", "testdata/837p.x12", map[string]int{"Claim": 2, "Patient": 2, "Organization": 3, "Coverage": 2}},
		{"835", "testdata/835.x12", map[string]int{"ExplanationOfBenefit": 2, "Patient": 2, "Organization": 2, "Coverage": 2}},
		{"837i", sharedX12 + "/837_5010/x223-test.txt", map[string]int{"Claim": 1, "Patient": 1, "Organization": 2, "Coverage": 1}},
		{"270", sharedX12 + "/x270_271/x270.txt", map[string]int{"CoverageEligibilityRequest": 1, "Patient": 1, "Organization": 2}},
		{"271", sharedX12 + "/x270_271/x271.txt", map[string]int{"CoverageEligibilityResponse": 1, "Patient": 1, "Organization": 2, "Coverage": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tx := sets(t, tc.path)[0]
			got, err := Convert(tx)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := Convert(sets(t, tc.path)[0])
			if !bytes.Equal(got, again) {
				t.Error("a second conversion differs")
			}
			var b struct {
				Entry []struct {
					Resource json.RawMessage `json:"resource"`
				} `json:"entry"`
			}
			if err := json.Unmarshal(got, &b); err != nil {
				t.Fatal(err)
			}
			counts := map[string]int{}
			for _, e := range b.Entry {
				var head struct{ ResourceType string }
				json.Unmarshal(e.Resource, &head)
				counts[head.ResourceType]++
			}
			for typ, n := range tc.types {
				if counts[typ] != n {
					t.Errorf("%d %s, want %d (all: %v)", counts[typ], typ, n, counts)
				}
			}
			out, err := validate.Validate(got)
			if err != nil {
				t.Fatal(err)
			}
			for _, is := range out.Errors() {
				t.Errorf("invalid: %s: %s", is.Expression, is.Diagnostics)
			}
			var pretty bytes.Buffer
			json.Indent(&pretty, got, "", "  ")
			pretty.WriteByte('\n')
			golden := filepath.Join("testdata", tc.name+".json")
			if *update {
				os.WriteFile(golden, pretty.Bytes(), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("output differs from %s; run with -update and review the diff", golden)
			}
		})
	}
}

// The 271 refers to the request its 270 became: the two share TRN-02.
func TestEligibilityResponseRefersToRequest(t *testing.T) {
	// The shared 270 and 271 carry different trace numbers; give the 270
	// the 271's.
	tx := sets(t, sharedX12+"/x270_271/x271.txt")[0]
	var trace, originator string
	for _, s := range tx.Segments {
		if s.ID == "TRN" {
			trace, originator = s.Value(2), s.Value(3)
		}
	}
	tx270 := sets(t, sharedX12+"/x270_271/x270.txt")[0]
	for _, s := range tx270.Segments {
		if s.ID == "TRN" {
			s.SetElement(2, trace)
			s.SetElement(3, originator)
		}
	}
	req, err := Convert(tx270)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := Convert(tx)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Entry []struct {
			Resource struct {
				ResourceType, ID string
				Request          struct{ Reference string }
			}
		}
	}
	json.Unmarshal(req, &r)
	var reqID string
	for _, e := range r.Entry {
		if e.Resource.ResourceType == "CoverageEligibilityRequest" {
			reqID = e.Resource.ID
		}
	}
	json.Unmarshal(resp, &r)
	for _, e := range r.Entry {
		if e.Resource.ResourceType == "CoverageEligibilityResponse" && e.Resource.Request.Reference != "CoverageEligibilityRequest/"+reqID {
			t.Errorf("response refers to %q, the request is %q", e.Resource.Request.Reference, reqID)
		}
	}
}

func TestConvertRefuses(t *testing.T) {
	if _, err := Convert(sets(t, sharedX12+"/277_5010/x12_277CA_accepted.txt")[0]); !errors.Is(err, ErrUnsupported) {
		t.Errorf("277: err = %v", err)
	}
	raw, _ := os.ReadFile("testdata/837p.x12")
	noPayer := strings.ReplaceAll(string(raw), "NM1*PR*", "NM1*XX*")
	sc := x12.NewScanner(strings.NewReader(noPayer), x12.Config{})
	tx, _ := sc.Next()
	_, err := Convert(tx)
	var xe *x12.Error
	if !errors.As(err, &xe) || xe.Segment != "CLM" || !strings.Contains(err.Error(), "no payer") || strings.Contains(err.Error(), "A37YH556") {
		t.Errorf("no payer: err = %v", err)
	}
}

func TestConvertValidated(t *testing.T) {
	tx := sets(t, "testdata/837p.x12")[0]
	if _, err := ConvertValidated(tx); err != nil {
		t.Fatalf("valid claim refused: %v", err)
	}
	// Without BHT-04 or GS-04 the claims have no creation date, which FHIR
	// requires.
	for _, s := range tx.Segments {
		if s.ID == "BHT" {
			s.SetElement(4, "")
		}
	}
	tx.GS.SetElement(4, "")
	_, err := ConvertValidated(tx)
	var inv *InvalidError
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "Bundle.entry[4].resource.created: required") {
		t.Fatalf("err = %v", err)
	}
}

func TestUnmapped(t *testing.T) {
	tx := sets(t, "testdata/837p.x12")[0]
	got := Unmapped(tx)
	want := []string{
		"NM1 (segment 5, loop 1000A): not mapped",
		"PER (segment 6, loop 1000A): not mapped",
		"NM1 (segment 7, loop 1000B): not mapped",
		"REF (segment 12, loop 2010AA): not mapped",
		"PER (segment 13, loop 2010AA): not mapped",
		"PER (segment 14, loop 2010AA): not mapped",
		"NM1 (segment 15, loop 2010AB): not mapped",
		"N3 (segment 16, loop 2010AB): not mapped",
		"N4 (segment 17, loop 2010AB): not mapped",
		"SBR (segment 19, loop 2000B): not mapped",
		"SBR (segment 28, loop 2000B): not mapped",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	b, unmapped, err := ConvertAll([]*x12.Transaction{tx, sets(t, "testdata/835.x12")[0]})
	if err != nil || len(b) == 0 {
		t.Fatal(err)
	}
	joined := strings.Join(unmapped, "\n")
	for _, w := range []string{"CAS (segment 20, loop 2110): not mapped", "TRN (segment 5): not mapped", "SBR (segment 28, loop 2000B)"} {
		if !strings.Contains(joined, w) {
			t.Errorf("unmapped lacks %q:\n%s", w, joined)
		}
	}
}

// brokenClaims are the shared samples whose claims lack a loop the Claim
// needs, with the error expected.
var brokenClaims = map[string]string{
	"x12_bad_segment_identifier.txt#1":              "no subscriber or patient",
	"x12_bad_valid_code.txt#1":                      "no billing provider",
	"x12_bad_valid_code.txt#2":                      "no billing provider",
	"x12_loop_errors3_missing_loops.txt#1":          "no billing provider",
	"x12_missing_required_loop_in_one_repeat.txt#1": "no subscriber or patient",
}

// TestConvertSharedClaims splits every shared 837 into claims and converts
// each: every Bundle must pass the FHIR validator, and the claims of the
// samples missing a required loop are refused naming it.
func TestConvertSharedClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("validates 800 Bundles")
	}
	files, _ := filepath.Glob(sharedX12 + "/837_5010/*.txt")
	if len(files) == 0 {
		t.Skip("shared test data not found")
	}
	n := 0
	for _, path := range files {
		raw, _ := os.ReadFile(path)
		sc := x12.NewScanner(bytes.NewReader(raw), x12.Config{})
		var sp x12.Splitter
		var claims []*x12.Claim
		sc.Segment = func(s *x12.Segment) {
			if c := sp.Add(s); c != nil {
				claims = append(claims, c)
			}
		}
		for {
			if _, err := sc.Next(); err != nil {
				break
			}
		}
		for _, c := range claims {
			tx, err := x12.NewScanner(bytes.NewReader(c.Interchange), x12.Config{}).Next()
			if err != nil {
				t.Fatal(err)
			}
			_, err = ConvertValidated(tx)
			if want, broken := brokenClaims[filepath.Base(path)+"#"+strconv.Itoa(c.Index)]; broken {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s claim %d: err = %v, want %q", filepath.Base(path), c.Index, err, want)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s claim %d: %v", filepath.Base(path), c.Index, err)
			}
			n++
		}
	}
	if n < 800 {
		t.Errorf("only %d claims converted", n)
	}
}
