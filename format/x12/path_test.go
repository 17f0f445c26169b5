package x12

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		want Path
		str  string
	}{
		{"2010BA/NM1-09", Path{Loop: "2010BA", Segment: "NM1", Element: 9}, "2010BA/NM1-09"},
		{"2010BA/NM109", Path{Loop: "2010BA", Segment: "NM1", Element: 9}, "2010BA/NM1-09"},
		{"2300/REF[G1]-02", Path{Loop: "2300", Segment: "REF", Qualifier: "G1", Element: 2}, "2300/REF[G1]-02"},
		{"2400/SV1-01-2", Path{Loop: "2400", Segment: "SV1", Element: 1, Component: 2}, "2400/SV1-01-2"},
		{"SV1-01.2", Path{Segment: "SV1", Element: 1, Component: 2}, "SV1-01-2"},
		{"SV101.2", Path{Segment: "SV1", Element: 1, Component: 2}, "SV1-01-2"},
		{"N301", Path{Segment: "N3", Element: 1}, "N3-01"},
		{"BHT04", Path{Segment: "BHT", Element: 4}, "BHT-04"},
		{"CLM-1", Path{Segment: "CLM", Element: 1}, "CLM-01"},
	}
	for _, tt := range tests {
		got, err := ParsePath(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got != tt.want || got.String() != tt.str {
			t.Errorf("%s: got %+v (%s), want %+v (%s)", tt.in, got, got, tt.want, tt.str)
		}
	}
	for _, in := range []string{"", "/NM1-09", "2300/", "NM1", "NM1-", "NM1-0", "NM1-09-0", "NM1-09.x", "REF[-02", "REF[]-02", "nm1-09", "NM1-1000", "X-01"} {
		if _, err := ParsePath(in); !errors.Is(err, ErrPath) {
			t.Errorf("%q: err = %v, want ErrPath", in, err)
		}
	}
}

// transactions reads every transaction set of raw.
func transactions(t testing.TB, raw []byte) []*Transaction {
	t.Helper()
	sc := NewScanner(bytes.NewReader(raw), Config{})
	var out []*Transaction
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

func TestLoopsAndGet(t *testing.T) {
	txs := transactions(t, []byte(fixture(t)))
	if len(txs) != 1 || txs[0].Kind != "837P" {
		t.Fatalf("got %d sets", len(txs))
	}
	tx := txs[0]
	var loops []string
	for i, s := range tx.Segments {
		loops = append(loops, s.ID+":"+tx.Loops[i])
	}
	want := []string{"ST:", "BHT:", "NM1:1000A", "PER:1000A", "NM1:1000B", "HL:2000A", "NM1:2010AA", "N3:2010AA", "N4:2010AA",
		"REF:2010AA", "PER:2010AA", "PER:2010AA", "NM1:2010AB", "N3:2010AB", "N4:2010AB", "HL:2000B", "SBR:2000B", "NM1:2010BA",
		"NM1:2010BB", "CLM:2300", "HI:2300", "LX:2400", "SV1:2400", "DTP:2400", "HL:2000B", "SBR:2000B", "NM1:2010BA", "NM1:2010BB",
		"CLM:2300", "HI:2300", "LX:2400", "SV1:2400", "DTP:2400", "SE:"}
	if !slices.Equal(loops, want) {
		t.Errorf("loops\n got %v\nwant %v", loops, want)
	}
	for _, tt := range []struct{ path, want string }{
		{"2010BA/NM1-09", "123456"},
		{"2010BB/NM1-03", "HEALTH INSURANCE COMPANY"},
		{"2300/CLM-05-1", "11"},
		{"2300/CLM-05-3", "1"},
		{"2400/SV1-01-2", "99211"},
		{"2010AA/REF[EI]-02", "123456789"},
		{"1000A/NM1-03", "ANGELASZEK MEDICAL"},
		{"BHT-03", "0123"},
	} {
		p, err := ParsePath(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := tx.Get(p); !ok || got != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.path, got, ok, tt.want)
		}
	}
	p, _ := ParsePath("2300/CLM-01")
	if got := tx.GetAll(p); !slices.Equal(got, []string{"A37YH556", "A37YH667"}) {
		t.Errorf("GetAll = %v", got)
	}
	if _, ok := tx.Get(Path{Loop: "2010CA", Segment: "NM1", Element: 3}); ok {
		t.Error("a loop absent from the set was found")
	}
	p, _ = ParsePath("2300/CLM-05-2")
	if n := tx.Set(p, "A"); n != 2 {
		t.Errorf("Set changed %d segments", n)
	}
	p, _ = ParsePath("2300/CLM-05")
	if got := tx.GetAll(p); !slices.Equal(got, []string{"11:A:1", "11:A:1"}) {
		t.Errorf("after Set: %v", got)
	}
}

func TestLoopsOtherSets(t *testing.T) {
	files := map[string][]string{
		"277_5010/x12_277CA_accepted.txt": {"HL:2000A", "NM1:2100A", "TRN:2200A", "HL:2000B", "NM1:2100B", "TRN:2200B", "STC:2200B", "HL:2000C", "NM1:2100C", "TRN:2200C", "HL:2000D", "NM1:2100D", "TRN:2200D", "STC:2200D"},
		"x270_271/x271.txt":               {"HL:2000A", "NM1:2100A", "HL:2000B", "NM1:2100B", "HL:2000C", "TRN:2000C", "NM1:2100C", "DMG:2100C", "EB:2110C", "LS:2110C", "NM1:2120C", "LE:2110C"},
		"837_5010/x12_999_rejected.txt":   {"AK1:", "AK2:2000", "IK3:2100", "IK5:2000", "AK9:"},
	}
	corpusFiles(t) // skips without the shared data
	for name, want := range files {
		tx := transactions(t, mustRead(t, sharedX12+"/imsweb/src/test/resources/"+name))[0]
		var got []string
		for i, s := range tx.Segments {
			got = append(got, s.ID+":"+tx.Loops[i])
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: %s missing from %v", name, w, got)
			}
		}
	}
}
