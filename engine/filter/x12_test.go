package filter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
)

func x12Message(tb testing.TB) *engine.Message {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "format", "x12", "testdata", "837p.x12"))
	if err != nil {
		tb.Fatal(err)
	}
	return &engine.Message{Channel: "claims", Source: "http", ContentType: engine.ContentX12, Raw: raw}
}

func TestX12Function(t *testing.T) {
	claim := x12Message(t)
	json := &engine.Message{ContentType: engine.ContentJSON, Raw: []byte(`{"a":1}`)}
	tests := []struct {
		expr        string
		claim, json bool
	}{
		{`x12("2300/CLM-01") == "A37YH556"`, true, false},                              // the first claim
		{`x12("2300/CLM-02") > "1000"`, true, false},                                   // text: "500" > "1000"
		{`x12("2300/CLM-02") != "" && float(x12("2300/CLM-02")) > 1000`, false, false}, // as a number
		{`x12("2300/CLM-02") != "" && float(x12("2300/CLM-02")) == 500`, true, false},
		{`x12("2010BA/NM1-09") == "123456"`, true, false},
		{`x12("2400/SV1-01-2") == "99211"`, true, false},
		{`x12("2400/SV1-01.2") == x12("2400/SV101.2")`, true, true},
		{`x12("2300/REF[G1]-02") == ""`, true, true},
		{`x12("BHT-04") == "19960918"`, true, false},
		{`x12("ISA-06") == ""`, true, true}, // envelopes are not in a set
		{`x12("2300/CLM-01") == ""`, false, true},
	}
	for _, tt := range tests {
		f, err := Compile(tt.expr)
		if err != nil {
			t.Fatalf("Compile(%s): %v", tt.expr, err)
		}
		for name, c := range map[string]struct {
			msg  *engine.Message
			want bool
		}{"claim": {claim, tt.claim}, "json": {json, tt.json}} {
			got, err := f.Match(c.msg)
			if err != nil {
				t.Errorf("%s on %s: %v", tt.expr, name, err)
			} else if got != c.want {
				t.Errorf("%s on %s = %v, want %v", tt.expr, name, got, c.want)
			}
		}
	}
}

func TestX12FunctionErrors(t *testing.T) {
	// A path literal that is not one is refused when compiled.
	if _, err := Compile(`x12("2300/") == ""`); err == nil || !strings.Contains(err.Error(), "x12") {
		t.Errorf("bad literal path: err = %v", err)
	}
	// A computed path is checked when evaluated.
	f, err := Compile(`x12(channel) == ""`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Match(x12Message(t)); err == nil {
		t.Error("computed bad path: no error")
	}
	// Content that cannot be read as X12 makes Match fail, without quoting it.
	f, err = Compile(`x12("2300/CLM-01") == ""`)
	if err != nil {
		t.Fatal(err)
	}
	bad := &engine.Message{ContentType: engine.ContentX12, Raw: []byte("NOT*AN*INTERCHANGE~SECRET~")}
	if _, err := f.Match(bad); err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("unreadable interchange: err = %v", err)
	}
	// The pooled environment forgets the sets of the previous message.
	if ok, err := f.Match(x12Message(t)); err != nil || ok {
		t.Errorf("after a bad message: %v, %v", ok, err)
	}
}
