package v2fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/format/hl7v2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json from the conversions")

const simhospital = "../../../shared/testdata/hl7v2/simhospital/simhospital_2000.hl7"

var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func testConverter(t testing.TB, opts Options) *Converter {
	t.Helper()
	ms, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	opts.Now = fixedNow
	return New(ms, opts)
}

var validator *validate.Validator

func checkValid(t *testing.T, name string, bundle []byte) int {
	t.Helper()
	if validator == nil {
		v, err := validate.New()
		if err != nil {
			t.Fatal(err)
		}
		validator = v
	}
	oo, err := validator.Validate(bundle)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	n := 0
	for _, is := range oo.Issues {
		if is.Severity == validate.SeverityError {
			n++
			if n <= 5 {
				t.Errorf("%s: %s: %s", name, is.Expression, is.Diagnostics)
			}
		}
	}
	return n
}

// splitMessages splits a file of messages at each MSH.
func splitMessages(data []byte) [][]byte {
	data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\r")), []byte("\n"), []byte("\r"))
	var out [][]byte
	for _, p := range bytes.Split(data, []byte("\rMSH|")) {
		p = bytes.Trim(p, "\r")
		if len(p) == 0 {
			continue
		}
		if !bytes.HasPrefix(p, []byte("MSH|")) {
			p = append([]byte("MSH|"), p...)
		}
		out = append(out, p)
	}
	return out
}

// TestGolden converts testdata/*.hl7 and compares with testdata/*.json:
// the Bundle and the unmapped report.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.hl7")
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{}
			if strings.Contains(f, "zone") {
				opts.Zone, _ = time.LoadLocation("Europe/London")
			}
			cv := testConverter(t, opts)
			res, err := cv.ConvertBytes(bytes.TrimSpace(bytes.ReplaceAll(data, []byte("\n"), []byte("\r"))))
			if err != nil {
				t.Fatal(err)
			}
			checkValid(t, f, res.Bundle)
			var pretty bytes.Buffer
			json.Indent(&pretty, res.Bundle, "", "  ")
			pretty.WriteString("\n")
			for _, u := range res.Unmapped {
				pretty.WriteString("// unmapped: " + u.String() + "\n")
			}
			golden := strings.TrimSuffix(f, ".hl7") + ".json"
			if *update {
				os.WriteFile(golden, pretty.Bytes(), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(want, pretty.Bytes()) {
				t.Errorf("%s differs from the conversion; run with -update and review the diff", golden)
			}
		})
	}
}

// TestSimHospital converts all 2,000 messages of the SimHospital sample,
// validates every Bundle and reports what was not mapped.
func TestSimHospital(t *testing.T) {
	data, err := os.ReadFile(simhospital)
	if err != nil {
		t.Skip(err)
	}
	cv := testConverter(t, Options{})
	msgs := splitMessages(data)
	counts := map[string]int{}
	converted, errs := 0, 0
	for i, m := range msgs {
		res, err := cv.ConvertBytes(m)
		if err != nil {
			counts["unsupported: "+err.Error()]++
			continue
		}
		converted++
		if n := checkValid(t, res.Event+" #"+string(rune('0'+i%10)), res.Bundle); n > 0 {
			errs++
			if errs > 5 {
				t.Fatalf("stopping after 5 invalid bundles")
			}
		}
		for _, u := range res.Unmapped {
			k := u.Segment
			if u.Field > 0 {
				k += "-" + itoa(u.Field)
			}
			counts[k+": "+u.Reason]++
		}
	}
	t.Logf("%d messages, %d converted, %d invalid bundles", len(msgs), converted, errs)
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
	for _, k := range keys {
		t.Logf("%6d %s", counts[k], k)
	}
	if converted == 0 {
		t.Fatal("nothing converted")
	}
}

// TestDeterministicIDs: converting the same message twice gives the same
// bytes, and the same patient in two messages gets the same id.
func TestDeterministicIDs(t *testing.T) {
	cv := testConverter(t, Options{})
	a, err := cv.ConvertBytes([]byte(adtA01))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := cv.ConvertBytes([]byte(adtA01))
	if !bytes.Equal(a.Bundle, b.Bundle) {
		t.Fatal("two conversions of one message differ")
	}
	oru, err := cv.ConvertBytes([]byte(oruR01(3)))
	if err != nil {
		t.Fatal(err)
	}
	pid := `"url":"Patient/` + makeID("Patient", "558181838", "SIMULATOR MRN")
	if !bytes.Contains(a.Bundle, []byte(pid)) || !bytes.Contains(oru.Bundle, []byte(pid)) {
		t.Fatalf("patient id not derived from PID-3 in both messages")
	}
}

func TestConditions(t *testing.T) {
	for _, s := range []string{
		`IF PID-25 NOT VALUED`, `IF XTN.3 NOT IN ("Internet", "X.400")`, `IF PID-7 LENGTH GREATER THAN 8`,
		`IF OBX-2 EQUALS "SN" AND OBX-5.1  NOT EQUALS "<>" AND OBX-5.3 IN (":", "/")`, `IF OBX-33 COUNT>1`,
		`IF PV1-3.2 OR PV1-3.3 VALUED`, `IF PID-11 LST.COUNT GREATER THAN 1`, `IF XCN.19 DOES NOT EXIST AND IF XCN.20 DOES NOT EXIST`,
		`IF RXO-2 IS VALUED AND (IF RXO-4.1 IS VALUED OR RXO-4.3 IS VALUED)`,
	} {
		if _, err := parseCond(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{`IF PID-11.9 IS VALUED NOT EQUAL PID-12`, `If the software does`} {
		if _, err := parseCond(s); err == nil {
			t.Errorf("%s: accepted", s)
		}
	}
}

func TestDateTime(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	for _, c := range []struct {
		in   string
		zone *time.Location
		want string
		err  bool
	}{
		{"2024", nil, "2024", false},
		{"202402", nil, "2024-02", false},
		{"20240229", nil, "2024-02-29", false},
		{"20240101120000", nil, "2024-01-01", true},
		{"20240101120000", ny, "2024-01-01T12:00:00-05:00", false},
		{"202401011200+0100", nil, "2024-01-01T12:00:00+01:00", false},
		{"20240101120000.1234-0000", nil, "2024-01-01T12:00:00.1234Z", false},
		{"20230229", nil, "", true},
		{"2024010112000", nil, "", true},
	} {
		d, err := parseDTM(c.in)
		var got string
		if err == nil {
			got, err = d.dateTime(c.zone)
		}
		if (err != nil) != c.err || got != c.want && !(c.err && got == "") {
			t.Errorf("%s: got %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestSkippedRowsListed(t *testing.T) {
	ms, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms.Skipped()) == 0 || len(ms.segments["PID[Patient]"].rows) < 20 {
		t.Fatalf("PID[Patient] has %d rows, %d skipped", len(ms.segments["PID[Patient]"].rows), len(ms.Skipped()))
	}
}

// TestPanicIsReported: a panic inside a conversion becomes an error naming
// the message, wrapping ErrInternal, and is counted.
func TestPanicIsReported(t *testing.T) {
	cv := testConverter(t, Options{})
	testHookPanic = func(*hl7v2.Message) { panic("boom") }
	defer func() { testHookPanic = nil }()
	_, err := cv.ConvertBytes([]byte(adtA01))
	var ie *InternalError
	if !errors.As(err, &ie) || !errors.Is(err, ErrInternal) {
		t.Fatalf("got %v, want an InternalError", err)
	}
	if ie.Event != "ADT^A01" || ie.ControlID != "1" || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("error does not name the message and the panic: %v", err)
	}
	if cv.Panics() != 1 {
		t.Fatalf("Panics() = %d, want 1", cv.Panics())
	}
	testHookPanic = nil
	if _, err := cv.ConvertBytes([]byte(adtA01)); err != nil || cv.Panics() != 1 {
		t.Fatalf("after a panic: %v, %d panics", err, cv.Panics())
	}
}

// TestRecordedReproducible: Provenance.recorded comes from MSH-7 when it has
// a zone (or the sender's zone is configured), else from Options.Now.
func TestRecordedReproducible(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	for _, c := range []struct {
		msh7 string
		zone *time.Location
		want string
	}{
		{"20240101080000+0100", nil, `"recorded":"2024-01-01T08:00:00+01:00"`},
		{"202406011230-0500", nil, `"recorded":"2024-06-01T12:30:00-05:00"`},
		{"20240601123000", london, `"recorded":"2024-06-01T12:30:00+01:00"`},
		{"20240601123000", nil, `"recorded":"2026-01-02T03:04:05Z"`},
		{"20240601+0000", nil, `"recorded":"2026-01-02T03:04:05Z"`},
		{"", nil, `"recorded":"2026-01-02T03:04:05Z"`},
	} {
		cv := testConverter(t, Options{Zone: c.zone})
		msg := strings.Replace(adtA01, "|20240101080000||ADT^A01|", "|"+c.msh7+"||ADT^A01|", 1)
		msg = strings.Replace(msg, "EVN|A01|20240101080000|", "EVN|A01||", 1)
		res, err := cv.ConvertBytes([]byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(res.Bundle, []byte(c.want)) {
			t.Errorf("MSH-7 %q, zone %v: want %s", c.msh7, c.zone, c.want)
		}
	}
}
