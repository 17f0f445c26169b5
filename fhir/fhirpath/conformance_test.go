package fhirpath

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/fhir/spec"
)

// suiteDir is where CI keeps the official test suite, beside the repository.
const suiteDir = "../../../shared/testdata/fhirpath/r4"

type suiteFile struct {
	Groups []suiteGroup `xml:"group"`
}

type suiteGroup struct {
	Name  string      `xml:"name,attr"`
	Tests []suiteTest `xml:"test"`
}

type suiteTest struct {
	Name       string `xml:"name,attr"`
	InputFile  string `xml:"inputfile,attr"`
	Predicate  string `xml:"predicate,attr"`
	Expression struct {
		Text    string `xml:",chardata"`
		Invalid string `xml:"invalid,attr"`
	} `xml:"expression"`
	Outputs []struct {
		Type string `xml:"type,attr"`
		Text string `xml:",chardata"`
	} `xml:"output"`
}

func loadSuite(t testing.TB) []suiteTest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suiteDir, "tests-fhir-r4.xml"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("FHIRPath suite not found at %s (it lives in ../shared beside the repository)", suiteDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var f suiteFile
	if err := xml.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	var tests []suiteTest
	for _, g := range f.Groups {
		tests = append(tests, g.Tests...)
	}
	return tests
}

func loadInput(sp *spec.Spec, name string) (any, error) {
	f, err := os.Open(filepath.Join(suiteDir, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.HasSuffix(name, ".json") {
		dec := json.NewDecoder(f)
		dec.UseNumber()
		var v map[string]any
		return v, dec.Decode(&v)
	}
	root, err := readXMLTree(f)
	if err != nil {
		return nil, err
	}
	return fhirXMLToJSON(sp, root), nil
}

func loadKnownFailures(t *testing.T) map[string]string {
	known := map[string]string{}
	f, err := os.Open("testdata/known_failures.txt")
	if err != nil {
		return known
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, " ")
		known[name] = strings.TrimSpace(reason)
	}
	return known
}

// runSuiteTest runs one test and returns why it failed, or "".
func runSuiteTest(tc suiteTest, inputs map[string]any) string {
	expr, err := Compile(tc.Expression.Text)
	if err != nil {
		if tc.Expression.Invalid != "" {
			return ""
		}
		return "compile: " + err.Error()
	}
	res, err := expr.Evaluate(inputs[tc.InputFile], nil)
	if tc.Expression.Invalid != "" {
		if err != nil {
			return ""
		}
		return "expected an error, got " + formatCollection(res)
	}
	if err != nil {
		return "evaluate: " + err.Error()
	}
	if tc.Predicate == "true" {
		res = Collection{Boolean(len(res) > 0)}
	}
	if len(res) != len(tc.Outputs) {
		return fmt.Sprintf("got %s, want %d items", formatCollection(res), len(tc.Outputs))
	}
	c := &evalCtx{}
	c.spec, _ = spec.R4()
	for i, o := range tc.Outputs {
		if !outputMatches(c, res[i], o.Type, strings.TrimSpace(o.Text)) {
			return fmt.Sprintf("item %d: got %s, want %s %q", i, formatValue(res[i]), o.Type, o.Text)
		}
	}
	return ""
}

func outputMatches(c *evalCtx, v Value, typ, want string) bool {
	v = c.prim(v)
	switch x := v.(type) {
	case Boolean:
		return (typ == "boolean" || typ == "") && strconv.FormatBool(bool(x)) == want
	case Integer:
		return (typ == "integer" || typ == "") && strconv.FormatInt(int64(x), 10) == want
	case Decimal:
		if x.String() == want {
			return true
		}
		f, err := strconv.ParseFloat(want, 64)
		return (typ == "decimal" || typ == "") && err == nil && math.Abs(f-x.F) < 1e-6
	case String:
		return (typ == "string" || typ == "code" || typ == "id" || typ == "uri") && string(x) == want
	case Temporal:
		s := "@" + x.String()
		if x.Kind == kTime {
			s = "@T" + x.String()
		}
		return s == want
	case Quantity:
		return (typ == "Quantity" || typ == "") && x.Value.String()+" '"+x.Unit+"'" == want
	case *Node:
		return x.Type == typ
	}
	return false
}

func formatValue(v Value) string {
	switch x := v.(type) {
	case *Node:
		b, _ := json.Marshal(x.Data)
		s := string(b)
		if len(s) > 60 {
			s = s[:60] + "..."
		}
		return x.Type + ":" + s
	case Temporal:
		return "@" + x.String()
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

func formatCollection(c Collection) string {
	parts := make([]string, len(c))
	for i, v := range c {
		parts[i] = formatValue(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func TestConformance(t *testing.T) {
	tests := loadSuite(t)
	sp, err := spec.R4()
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]any{}
	for _, tc := range tests {
		if tc.InputFile == "" {
			continue
		}
		if _, ok := inputs[tc.InputFile]; ok {
			continue
		}
		v, err := loadInput(sp, tc.InputFile)
		if err != nil {
			t.Fatalf("loading %s: %v", tc.InputFile, err)
		}
		inputs[tc.InputFile] = v
	}
	known := loadKnownFailures(t)
	passed := 0
	var failures []string
	for _, tc := range tests {
		why := runSuiteTest(tc, inputs)
		if why == "" {
			passed++
			if _, ok := known[tc.Name]; ok {
				t.Logf("now passes, remove from known_failures.txt: %s", tc.Name)
			}
			continue
		}
		failures = append(failures, tc.Name+" "+why)
		if _, ok := known[tc.Name]; !ok {
			t.Errorf("regression: %s (%q): %s", tc.Name, tc.Expression.Text, why)
		}
	}
	t.Logf("FHIRPath R4 suite: %d of %d passed (%.1f%%)", passed, len(tests), 100*float64(passed)/float64(len(tests)))
	if os.Getenv("FHIRPATH_FAILURES") != "" {
		os.WriteFile(os.Getenv("FHIRPATH_FAILURES"), []byte(strings.Join(failures, "\n")+"\n"), 0o644)
	}
}
