package filter

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
)

var testClock = WithClock(func() time.Time { return time.Date(2025, 6, 1, 9, 30, 0, 0, time.UTC) })

// testMessages are the messages the expression table runs over.
func testMessages(tb testing.TB) map[string]*engine.Message {
	child := hl7Message(tb, "MSH|^~\\&|EPIC|NORTH|LAB|SOUTH|20250601||ADT^A04^ADT_A01|C42|P|2.5\r"+
		"PID|1||P123^^^NORTH^MR~X9^^^SSN^SS||O\\T\\Brien^Sean||20150601|M\r"+
		"PV1|1|E\r")
	child.Priority = 5
	json := &engine.Message{
		Channel:     "webhook",
		Source:      "http",
		ContentType: "application/json; charset=utf-8",
		Raw:         []byte(`{"resourceType":"Patient","active":true,"name":[{"family":"Doe","given":["Jane","Q"]}],"age":42}`),
	}
	noPID := hl7Message(tb, "MSH|^~\\&|A|B|C|D|20250601||ACK^A01|1|P|2.5\rMSA|AA|1\r")
	text := &engine.Message{Channel: "files", Source: "file", ContentType: engine.ContentText, Raw: []byte("PID|1|not parsed")}
	return map[string]*engine.Message{
		"adt":   loadMessage(tb, "adt_a01.hl7"),
		"oru":   loadMessage(tb, "oru_r01_30obx.hl7"),
		"child": child,
		"json":  json,
		"text":  text,
		"ack":   noPID,
	}
}

func TestMatch(t *testing.T) {
	msgs := testMessages(t)
	tests := []struct {
		expr string
		want map[string]bool // message name -> result; messages not listed must not match
	}{
		{`type == "ADT" && trigger in ["A01", "A04", "A08"] && age() >= 18`, map[string]bool{"adt": true}},
		{`type == "ADT" && trigger in ["A01", "A04", "A08"]`, map[string]bool{"adt": true, "child": true}},
		{`age() >= 0 && age() < 18`, map[string]bool{"child": true}},
		{`age() == 40`, map[string]bool{"adt": true, "oru": true}},
		{`age() == 10`, map[string]bool{"child": true}},
		{`age() == -1`, map[string]bool{"json": true, "text": true, "ack": true}},
		{`controlId == "C42" && sendingApp == "EPIC" && sendingFacility == "NORTH"`, map[string]bool{"child": true}},
		{`patientId == "558181838"`, map[string]bool{"adt": true, "oru": true}},
		{`channel == "adt-in" && source == "mllp"`, map[string]bool{"adt": true, "oru": true, "child": true, "ack": true}},
		{`contentType == "application/hl7-v2"`, map[string]bool{"adt": true, "oru": true, "child": true, "ack": true}},
		{`priority > 1`, map[string]bool{"child": true}},
		{`field("PID-8") == "F"`, map[string]bool{"adt": true, "oru": true}},
		{`field("PID-5.1") == "O&Brien"`, map[string]bool{"child": true}}, // escape decoded
		{`field("PID-3(2).4") == "SSN"`, map[string]bool{"child": true}},
		{`field("MSH-9") == "ADT^A01"`, map[string]bool{"adt": true}}, // delimiters kept
		{`field("MSH.9.3") == "ADT_A01"`, map[string]bool{"child": true}},
		{`field("ZZZ-1") == ""`, map[string]bool{"adt": true, "oru": true, "child": true, "json": true, "text": true, "ack": true}},
		{`"NHSNBR" in fields("PID-3.4")`, map[string]bool{"adt": true, "oru": true}},
		{`fields("PID-3.4") == ["NORTH", "SSN"]`, map[string]bool{"child": true}},
		{`fields("PID-3(2).4") == ["SSN"]`, map[string]bool{"child": true}},
		{`len(fields("OBX-3.2")) == 30`, map[string]bool{"oru": true}},
		{`"Platelet Count" in fields("OBX-3.2")`, map[string]bool{"oru": true}},
		{`fields("OBX(2)-1") == ["2"]`, map[string]bool{"oru": true}},
		{`any(fields("OBX-5"), float(#) > 300)`, map[string]bool{"oru": true}},
		{`has("OBX")`, map[string]bool{"oru": true}},
		{`has("PV2") && !has("OBX")`, map[string]bool{"adt": true}},
		{`has("OBX(30)") && !has("OBX(31)")`, map[string]bool{"oru": true}},
		{`has("PID-19")`, nil},
		{`has("PID-8")`, map[string]bool{"adt": true, "oru": true, "child": true}},
		{`count("OBX") == 30`, map[string]bool{"oru": true}},
		{`count("OBX") == 0 && count("PID") == 1`, map[string]bool{"adt": true, "child": true}},
		{`count("ZZZ-3") == 0 && count("PID(2)-3") == 0`, map[string]bool{"adt": true, "oru": true, "child": true, "json": true, "text": true, "ack": true}},
		{`count("PID-3") == 2`, map[string]bool{"adt": true, "oru": true, "child": true}},
		{`field("PID-5.1") matches "^(?i)al"`, map[string]bool{"adt": true, "oru": true}},
		{`field("PID-5.1") startsWith "O&"`, map[string]bool{"child": true}},
		{`json("resourceType") == "Patient"`, map[string]bool{"json": true}},
		{`json("name[0].given[1]") == "Q"`, map[string]bool{"json": true}},
		{`json("active") == true && json("age") > 40`, map[string]bool{"json": true}},
		{`json("name[3].family") == nil && json("nope.deeper") == nil`, map[string]bool{"adt": true, "oru": true, "child": true, "json": true, "text": true, "ack": true}},
		{`json("name.family") == nil`, map[string]bool{"adt": true, "oru": true, "child": true, "json": true, "text": true, "ack": true}}, // an array is not an object
		{`fields("PID-3") == [] && !has("PID") && count("PID") == 0 && field("PID-3") == ""`, map[string]bool{"json": true, "text": true, "ack": true}},
	}
	for _, tt := range tests {
		f, err := Compile(tt.expr, testClock)
		if err != nil {
			t.Errorf("Compile(%s): %v", tt.expr, err)
			continue
		}
		for name, msg := range msgs {
			got, err := f.Match(msg)
			if err != nil {
				t.Errorf("%s on %s: %v", tt.expr, name, err)
				continue
			}
			if got != tt.want[name] {
				t.Errorf("%s on %s = %v, want %v", tt.expr, name, got, tt.want[name])
			}
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		expr      string
		line, col int
		msg       string
	}{
		{`typ == "ADT"`, 1, 1, "unknown name typ"},
		{`type + 1`, 1, 6, "invalid operation: + (mismatched types string and int)"},
		{`priority == "1"`, 1, 10, "invalid operation: == (mismatched types int and string)"},
		{`type == "ADT" &&`, 1, 16, "unexpected token EOF"},
		{`type == "ADT" && (trigger == "A01"`, 1, 34, "unexpected token EOF"},
		{`type`, 1, 1, "expected bool, but got string"},
		{`field(1) == ""`, 1, 7, "cannot use int as argument (type string) to call field"},
		{`field("PID-8", "x") == ""`, 1, 1, "too many arguments to call field"},
		{`field("PID8") == ""`, 1, 7, `field: bad path "PID8": expected '-' and a field number after the segment name`},
		{`field("PID" + "8") == ""`, 1, 13, `field: bad path "PID8": expected '-' and a field number after the segment name`}, // folded into a constant
		{`field("PID") == ""`, 1, 7, `field: path "PID" must name a field`},
		{`"X" in fields("pid-3")`, 1, 15, `fields: bad path "pid-3": a segment name is three upper-case letters or digits`},
		{`has("OB") `, 1, 5, `has: bad path "OB": a path starts with a three-character segment name`},
		{`count("PID-3.1") > 0`, 1, 7, `count: path "PID-3.1": count takes a segment name or a field without repetition or component`},
		{`count("PID-3(2)") > 0`, 1, 7, `count: path "PID-3(2)": count takes a segment name or a field without repetition or component`},
		{`json("a[x]") == 1`, 1, 6, `json: bad JSON path "a[x]": an index is a number from 0`},
		{"type == \"ADT\" &&\n  has(\"OBX-\")", 2, 7, `has: bad path "OBX-": field number must be a positive number`},
		{"type == \"ADT\" &&\n  nope", 2, 3, "unknown name nope"},
	}
	for _, tt := range tests {
		_, err := Compile(tt.expr)
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("Compile(%q) = %v, want *Error", tt.expr, err)
			continue
		}
		if ce.Line != tt.line || ce.Column != tt.col || ce.Msg != tt.msg {
			t.Errorf("Compile(%q) = line %d column %d %q, want line %d column %d %q",
				tt.expr, ce.Line, ce.Column, ce.Msg, tt.line, tt.col, tt.msg)
		}
	}
}

func TestErrorString(t *testing.T) {
	if got, want := (&Error{Line: 1, Column: 6, Msg: "x"}).Error(), "column 6: x"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := (&Error{Line: 2, Column: 3, Msg: "x"}).Error(), "line 2, column 3: x"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMatchErrors(t *testing.T) {
	msgs := testMessages(t)
	badJSON := &engine.Message{ContentType: engine.ContentJSON, Raw: []byte(`{"name": "Alayli",`)}
	tests := []struct {
		expr string
		msg  *engine.Message
		want string
	}{
		// A path computed at run time is checked at run time.
		{`field(lower(type) + "-8") == ""`, msgs["adt"], `field: bad path "adt-8": a segment name is three upper-case letters or digits`},
		{`len(fields(type)) == 0`, msgs["adt"], `fields: path "ADT" must name a field`},
		{`count(lower("obx")) == 0`, msgs["oru"], `count: bad path "obx": a segment name is three upper-case letters or digits`},
		{`field(type) == ""`, msgs["adt"], `field: path "ADT" must name a field`},
		{`has(lower(type))`, msgs["adt"], `has: bad path "adt": a segment name is three upper-case letters or digits`},
		{`json(source + "..x") == nil`, msgs["json"], `json: bad JSON path "http..x": empty key`},
		// Errors of the expression engine may quote the message's values:
		// the error says where, not what.
		{`int(field("PID-5.1")) > 0`, msgs["adt"], "filter evaluation failed at column 1: an operation failed on this message's values"},
		{"true &&\n  int(field(\"PID-5.1\")) > 0", msgs["adt"], "filter evaluation failed at line 2, column 3: an operation failed on this message's values"},
		{`json("name")`, msgs["json"], "filter evaluation failed at column 1: the expression gave []interface {}, not bool"},
		{`json("name") == "Alayli"`, badJSON, "json: content is not valid JSON (at byte 18)"},
	}
	for _, tt := range tests {
		f, err := Compile(tt.expr)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.expr, err)
			continue
		}
		got, err := f.Match(tt.msg)
		if err == nil {
			t.Errorf("%q = %v, want error %q", tt.expr, got, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%q: error %q, want %q", tt.expr, err, tt.want)
		}
		if strings.Contains(err.Error(), "Alayli") {
			t.Errorf("%q: error %q contains message data", tt.expr, err)
		}
	}
	// The engine's own error stays reachable for a developer's debugging.
	f, _ := Compile(`int(field("PID-5.1")) > 0`)
	_, err := f.Match(msgs["adt"])
	var ee *EvalError
	if !errors.As(err, &ee) || ee.Unwrap() == nil || ee.Column != 1 {
		t.Errorf("error %#v, want an *EvalError wrapping the engine's error", err)
	}
}

// TestNoHL7 checks that the message functions give their empty results when
// a message is not HL7 v2, or failed to parse, rather than failing.
func TestNoHL7(t *testing.T) {
	msg := &engine.Message{ContentType: engine.ContentHL7v2, Raw: []byte("garbage")}
	for expr, want := range map[string]bool{
		`field("PID-8") == ""`:    true,
		`fields("PID-3.1") == []`: true,
		`has("PID")`:              false,
		`count("OBX") == 0`:       true,
		`age() == -1`:             true,
		`json("a") == nil`:        true,
		`type == "" && trigger == "" && patientId == ""`: true,
	} {
		f, err := Compile(expr)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.Match(msg)
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", expr, got, err, want)
		}
	}
}

func TestAge(t *testing.T) {
	now := time.Date(2025, 6, 15, 23, 59, 0, 0, time.UTC)
	tests := []struct {
		dtm  string
		want int
	}{
		{"", -1},
		{"19850223000000", 40},
		{"19850223", 40},
		{"20070615", 18},       // birthday today
		{"20070616", 17},       // birthday tomorrow
		{"20070615235959", 18}, // the time of day is ignored
		{"200706", 17},         // month precision: taken as 30 June
		{"200705", 18},         // taken as 31 May
		{"2007", 17},           // year precision: taken as 31 December
		{"2006", 18},
		{"20070615+0100", 18},
		{"20070615120000.1234-0500", 18},
		{"20250615", 0},
		{"20250616", -1}, // in the future
		{"2026", -1},
		{"20000229", 25}, // a leap day
		{"20080230", -1}, // no such day
		{"20071301", -1}, // no such month
		{"20070015", -1},
		{"2007061", -1},         // odd length
		{"200706152", -1},       // odd length
		{"20070615246000", -1},  // bad hour
		{"20070615236000", -1},  // bad minute
		{"20070615235960", -1},  // bad second
		{"20070615.5", -1},      // a fraction needs seconds
		{"20070615120000.", -1}, // empty fraction
		{"20070615+01", -1},     // short offset
		{"20070615+2500", -1},   // bad offset
		{"2007-06-15", -1},      // ISO 8601 is not DTM
		{"ABCD", -1},
		{"\"\"", -1}, // the HL7 null
	}
	for _, tt := range tests {
		if got := ageAt([]byte(tt.dtm), now); got != tt.want {
			t.Errorf("ageAt(%q) = %d, want %d", tt.dtm, got, tt.want)
		}
	}
	// The leap-day birthday is reached on 1 March in a common year.
	for day, want := range map[int]int{28: 24, 29: 25} {
		now := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day-1) // 28 Feb, 1 Mar
		if got := ageAt([]byte("20000229"), now); got != want {
			t.Errorf("ageAt(20000229) on %s = %d, want %d", now.Format(time.DateOnly), got, want)
		}
	}
}

func TestParseJSONPath(t *testing.T) {
	for path, want := range map[string]string{
		"a":        "[{a -1}]",
		"a.b[0].c": "[{a -1} {b -1} { 0} {c -1}]",
		"[2].id":   "[{ 2} {id -1}]",
		"a[1][2]":  "[{a -1} { 1} { 2}]",
		"":         "error",
		"a.":       "error",
		".a":       "error",
		"a[":       "error",
		"a[-1]":    "error",
		"a]":       "error",
		"a[0]b":    "error",
		"a b.c-d":  "[{a b -1} {c-d -1}]",
	} {
		steps, err := parseJSONPath(path)
		got := fmt.Sprint(steps)
		if err != nil {
			got = "error"
		}
		if got != want {
			t.Errorf("parseJSONPath(%q) = %s (%v), want %s", path, got, err, want)
		}
	}
}

// TestConcurrentMatch evaluates filters from many goroutines over messages
// with different results; run it with -race.
func TestConcurrentMatch(t *testing.T) {
	msgs := testMessages(t)
	f, err := Compile(`type == "ADT" && trigger in ["A01", "A04", "A08"] && age() >= 18 || json("active") == true`, testClock)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"adt": true, "json": true}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			names := []string{"adt", "oru", "child", "json", "text"}
			for i := range 500 {
				name := names[(g+i)%len(names)]
				got, err := f.Match(msgs[name])
				if err != nil || got != want[name] {
					t.Errorf("%s: %v, %v; want %v", name, got, err, want[name])
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestString(t *testing.T) {
	src := `has("OBX")`
	f, err := Compile(src)
	if err != nil || f.String() != src {
		t.Errorf("String() = %q, %v", f.String(), err)
	}
}
