package x12

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestIGTables reads every embedded table: none may be broken, there is
// one for every kind TransactionKind names, and each is read back as its
// kind.
func TestIGTables(t *testing.T) {
	if igErr != nil {
		t.Fatal(igErr)
	}
	kinds := []string{"837P", "837I", "837D", "835", "270", "271", "276", "277", "277CA", "278", "834", "999"}
	for _, kind := range kinds {
		set := igSets[kind]
		if set == nil {
			t.Errorf("no table for %s", kind)
			continue
		}
		if got := TransactionKind(set.st01, set.ref); got != kind {
			t.Errorf("%s: ST01 %s with reference %s is read as kind %q", kind, set.st01, set.ref, got)
		}
	}
	if len(igSets) != len(kinds) {
		t.Errorf("%d tables, want %d", len(igSets), len(kinds))
	}
}

// TestIGParseErrors checks that a broken table is refused with its line.
func TestIGParseErrors(t *testing.T) {
	head := "set T 837 X\nseg ST R 1\n"
	tail := "seg SE R 1\n"
	cases := []struct{ name, body, want string }{
		{"no set line", "seg ST R 1\n", `must start with "set`},
		{"odd indent", head + " seg BHT R 1\n" + tail, "t.ig:3: indentation"},
		{"bad usage", head + "seg BHT X 1\n" + tail, `usage "X"`},
		{"bad max", head + "seg BHT R 0\n" + tail, `maximum "0"`},
		{"bad key", head + "seg BHT R 1 01\n" + tail, `key "01"`},
		{"bad type", head + "seg BHT R 1\n  01 R XX 1/2\n" + tail, `type "XX"`},
		{"bad length", head + "seg BHT R 1\n  01 R AN 3/2\n" + tail, `length "3/2"`},
		{"code too long", head + "seg BHT R 1\n  01 R ID 2/2 ABC\n" + tail, `code "ABC"`},
		{"codes on a composite", head + "seg BHT R 1\n  01 R C AB\n" + tail, `unexpected "AB"`},
		{"elements out of order", head + "seg BHT R 1\n  02 R AN 1/2\n  01 R AN 1/2\n" + tail, "element 01 is out of order"},
		{"component without composite", head + "seg BHT R 1\n  01 R AN 1/2\n    01-1 R AN 1/2\n" + tail, "component 01-1 must follow"},
		{"bad rule", head + "seg BHT R 1\n  rule Q0102\n" + tail, `rule "Q0102"`},
		{"loop without trigger", head + "loop 1000 R 1\n  loop 1100 R 1\n    seg NM1 R 1\n" + tail, "loop 1000 must start with a segment"},
		{"unknown alias", head + "loop 2300 R 1 = 2000B/2300\n" + tail, "not defined above"},
		{"no SE", head + "seg BHT R 1\n", "must start with ST and end with SE"},
		{"too deep", head + "    seg BHT R 1\n" + tail, "indented deeper"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseIG("t.ig", c.body)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// testIG is a small table exercising every rule of the validator.
const testIG = `
set TEST 837 005010TEST
seg ST R 1
  01 R ID 3/3 837 #143
  02 R AN 4/9 #329
  03 R AN 1/35 005010TEST #1705
seg BHT R 1
  01 R ID 4/4 0019
  02 R ID 2/2 00 18
  03 R DT 8/8
  04 R TM 4/8
loop 1000A R 1
  seg NM1 R 1 01=41
    01 R ID 2/3 41 #98
    02 R ID 1/1 1 2 #1065
    03 R AN 1/60 #1035
    04 S AN 1/35
    08 S ID 2/2 46 XX #66
    09 S AN 2/80 #67
    rule P0809
  seg PER S 2
    01 R ID 2/2 IC
    03 R ID 2/2 TE EM
    04 R AN 1/256
loop 2000A R >1
  seg HL R 1 03=20
    01 R AN 1/12 #628
    02 N AN 1/12
    03 R ID 1/2 20 #735
    04 R ID 1/1 0 1 #736
  loop 2010AA R 1
    seg NM1 R 1 01=85
      01 R ID 2/3 85
      02 R ID 1/1 2
      03 R AN 1/60
    seg N3 R 1
      01 R AN 1/55
    seg N4 R 1
      01 R AN 2/30
      02 S ID 2/2
    seg REF R 1 01=EI
      01 R ID 2/3 EI
      02 R AN 1/50
    seg REF S 2 01=0B,1G
      01 R ID 2/3 0B 1G
      02 R AN 1/50
  loop 2010AB S 1
    seg NM1 R 1 01=87
      01 R ID 2/3 87
      02 R ID 1/1 2
  loop 2000B R >1
    seg HL R 1 03=22
      01 R AN 1/12
      02 R AN 1/12
      03 R ID 1/2 22
      04 R ID 1/1 0 1
    loop 2300 S 2
      seg CLM R 1
        01 R AN 1/38
        02 R R 1/18
        05 R C
          05-1 R AN 1/2
          05-2 R ID 1/2 B
          05-3 R ID 1/1 1 7 8
        06 R ID 1/1 Y N
      seg DTP S 1 01=431
        01 R ID 3/3 431
        02 R ID 2/3 D8
        03 R AN 1/35
      seg DTP S 1 01=454
        01 R ID 3/3 454
        02 R ID 2/3 D8 RD8
        03 R AN 1/35
      seg AMT S 1
        01 R ID 1/3 F5
        02 R R 1/18
      seg HI R 1
        01 R C
          01-1 R ID 1/3 ABK BK
          01-2 R AN 1/30
        02 S C
          02-1 R ID 1/3 ABF BF
          02-2 R AN 1/30
      loop 2400 R 3
        seg LX R 1
          01 R N0 1/6
        seg SV1 R 1
          01 R C
            01-1 R ID 2/2 HC
            01-2 R AN 1/48
          02 R R 1/18
          04 R R 1/15
        seg DTP R 1 01=472
          01 R ID 3/3 472
          02 R ID 2/3 D8 RD8
          03 R AN 1/35
seg SE R 1
  01 R N0 1/10
  02 R AN 4/9
`

// validTest is a set that passes testIG; the tests break it one way at a
// time. Its SE01 is recounted by build.
var validTest = []string{
	"ST*837*0001*005010TEST",
	"BHT*0019*00*20240102*1230",
	"NM1*41*2*SUBMITTER*****46*S1",
	"PER*IC**TE*5555550100",
	"HL*1**20*1",
	"NM1*85*2*BILLING",
	"N3*1 MAIN ST",
	"N4*TOWN*MD",
	"REF*EI*123456789",
	"HL*2*1*22*0",
	"CLM*C1*100***11:B:1*Y",
	"DTP*454*D8*20240101",
	"DTP*431*D8*20231201",
	"HI*ABK:R69",
	"LX*1",
	"SV1*HC:99213*100**1",
	"DTP*472*D8*20240101",
	"SE*0*0001",
}

// buildTest wraps a set of testIG in an interchange.
func buildTest(set []string) []byte { return igInterchange("HC", "005010TEST", set) }

// igInterchange wraps a set in an interchange and a group of functional ID
// gs01, recounting SE01 so that only the tables are under test.
func igInterchange(gs01, version string, set []string) []byte {
	var b bytes.Buffer
	b.WriteString("ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240102*1230*^*00501*000000001*0*T*:~")
	fmt.Fprintf(&b, "GS*%s*S*R*20240102*1230*1*X*%s~", gs01, version)
	for _, s := range set {
		if strings.HasPrefix(s, "SE*") {
			s = fmt.Sprintf("SE*%d*0001", len(set))
		}
		b.WriteString(s + "~")
	}
	b.WriteString("GE*1*1~IEA*1*000000001~")
	return b.Bytes()
}

// replaceSeg returns set with the segment old replaced by repl (none:
// deleted; several: inserted in its place). old must be in set.
func replaceSeg(set []string, old string, repl ...string) []string {
	i := slices.Index(set, old)
	if i < 0 {
		panic("replaceSeg: no segment " + old)
	}
	return igReplace(set, i, repl...)
}

// igReplace returns set with the segment at i (0-based) replaced by repl
// (none: deleted; several: inserted).
func igReplace(set []string, i int, repl ...string) []string {
	out := slices.Clone(set[:i])
	out = append(out, repl...)
	return append(out, set[i+1:]...)
}

// igCheckSet checks an interchange holding one set of kind and returns the
// set's part of the verdict ("ST 837 R [5] CLM@25(2300):8") and igNotes.
func igCheckSet(t *testing.T, raw []byte, kind string) (string, string) {
	t.Helper()
	res, err := Check(bytes.NewReader(raw), Config{})
	if err != nil || len(res) != 1 || len(res[0].Groups) != 1 || len(res[0].Groups[0].Transactions) != 1 {
		t.Fatalf("Check: %v, %d results", err, len(res))
	}
	tx := res[0].Groups[0].Transactions[0]
	if tx.Kind != kind {
		t.Fatalf("kind %q, want %q", tx.Kind, kind)
	}
	sum := res[0].Summary()
	return sum[strings.Index(sum, "; ST ")+2:], igNotes(tx)
}

// sampleVerdict checks a shared sample file holding one interchange and
// returns its verdict; it skips when the shared test data is not there.
func sampleVerdict(t *testing.T, path string) *InterchangeResult {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Skip("shared sample not available:", err)
	}
	res, err := Check(bytes.NewReader(raw), Config{})
	if err != nil || len(res) != 1 {
		t.Fatalf("Check: %v, %d results", err, len(res))
	}
	return res[0]
}

// igNotes lists the element notes of every segment note as
// "pos[:component]/ref/code", in order.
func igNotes(tx *TransactionResult) string {
	var out []string
	for _, s := range tx.Segments {
		for _, e := range s.Elements {
			p := fmt.Sprint(e.Pos)
			if e.Component > 0 {
				p += fmt.Sprintf(":%d", e.Component)
			}
			out = append(out, fmt.Sprintf("%s/%d/%s", p, e.Ref, e.Code))
		}
	}
	return strings.Join(out, " ")
}

// withTestIG installs testIG as the table of kind 837P for one test.
func withTestIG(t *testing.T) {
	t.Helper()
	set, err := parseIG("test.ig", testIG)
	if err != nil {
		t.Fatal(err)
	}
	set.kind = "837P"
	old, oldIDs := igSets, igAllIDs
	igSets = map[string]*igSet{"837P": set}
	igAllIDs = map[string]bool{"ISA": true, "IEA": true, "GS": true, "GE": true, "BPR": true}
	for id := range set.ids {
		igAllIDs[id] = true
	}
	t.Cleanup(func() { igSets, igAllIDs = old, oldIDs })
}

// edit returns validTest with the segment at i (0-based) replaced by
// repl (none: deleted; several: inserted).
func edit(i int, repl ...string) []string { return igReplace(validTest, i, repl...) }

func TestIGValidate(t *testing.T) {
	withTestIG(t)
	cases := []struct {
		name string
		set  []string
		want string // the set's part of the Summary
		ik4  string // "pos[:comp]/code ..." of the first IK3 with elements
	}{
		{"valid (DTP 454 before 431: same-ID positions in any order)", validTest, "ST 837 A", ""},
		{"bad code value", edit(5, "NM1*117*2*BILLING"), "ST 837 R [5] NM1@6(2010AA):8", "1/7"},
		{"missing required element", edit(2, "NM1*41**SUBMITTER*****46*S1"), "ST 837 R [5] NM1@3(1000A):8", "2/1"},
		{"missing component", edit(10, "CLM*C1*100***11::1*Y"), "ST 837 R [5] CLM@11(2300):8", "5:2/1"},
		{"too many components", edit(10, "CLM*C1*100***11:B:1:X*Y"), "ST 837 R [5] CLM@11(2300):8", "5:4/13"},
		{"composite code", edit(10, "CLM*C1*100***11:B:9*Y"), "ST 837 R [5] CLM@11(2300):8", "5:3/7"},
		{"too many elements", edit(9, "HL*2*1*22*0*X"), "ST 837 R [5] HL@10(2000B):8", "5/3"},
		{"not used element", edit(4, "HL*1*9*20*1"), "ST 837 R [5] HL@5(2000A):8", "2/I10"},
		{"paired rule", edit(2, "NM1*41*2*SUBMITTER*****46"), "ST 837 R [5] NM1@3(1000A):8", "9/2"},
		{"too long", edit(8, "REF*EI*"+strings.Repeat("9", 51)), "ST 837 R [5] REF@9(2010AA):8", "2/5"},
		{"number with a letter", edit(10, "CLM*C1*1O0***11:B:1*Y"), "ST 837 R [5] CLM@11(2300):8", "2/6"},
		{"invalid date", edit(1, "BHT*0019*00*20240231*1230"), "ST 837 R [5] BHT@2:8", "3/8"},
		{"invalid time", edit(1, "BHT*0019*00*20240102*2460"), "ST 837 R [5] BHT@2:8", "4/9"},
		{"invalid qualified date", edit(11, "DTP*454*D8*2024011"), "ST 837 R [5] DTP@12(2300):8", "3/8"},
		{"reversed date range", edit(16, "DTP*472*RD8*20240102-20240101"), "ST 837 R [5] DTP@17(2400):8", "3/8"},
		{"out of order", slices.Concat(validTest[:6], []string{"N4*TOWN*MD", "N3*1 MAIN ST"}, validTest[8:]), "ST 837 R [5] N3@8(2010AA):7", ""},
		{"required segment missing", edit(6), "ST 837 R [5] N3@7(2010AA):3", ""},
		{"required loop missing", append(slices.Clone(validTest[:5]), validTest[9:]...), "ST 837 R [5] NM1@6(2010AA):3", ""},
		{"segment over its maximum", edit(8, "REF*EI*1", "REF*EI*2"), "ST 837 R [5] REF@10(2010AA):5", ""},
		{"loop over its maximum", edit(4, "HL*1**20*1", "NM1*85*2*A", "N3*A", "N4*AB", "REF*EI*1"), "ST 837 R [5] NM1@10(2010AA):4", ""},
		{"segment back at an earlier position of an open loop", edit(14, "LX*1", "BHT*0019*00*20240102*1230"), "ST 837 R [5] BHT@16(2400):7", ""},
		{"unexpected segment", edit(14, "LX*1", "PER*IC**TE*5555550100"), "ST 837 R [5] PER@16(2400):2", ""},
		{"segment of another set", edit(14, "LX*1", "BPR*I"), "ST 837 R [5] BPR@16(2400):6", ""},
		{"unknown segment", edit(14, "LX*1", "ZZZ*1"), "ST 837 R [5] ZZZ@16(2400):1", ""},
		{"sibling loops of one trigger in either order", slices.Concat(validTest[:5], []string{"NM1*87*2"}, validTest[5:]), "ST 837 A", ""},
		{"required sibling loop missing, found on leaving the run", slices.Concat(validTest[:5], []string{"NM1*87*2"}, validTest[9:]), "ST 837 R [5] NM1@7(2010AA):3", ""},
		{"repeated child loop", edit(16, "DTP*472*D8*20240101", "LX*2", "SV1*HC:99213*100**1", "DTP*472*D8*20240101"), "ST 837 A", ""},
		{"segment missing right after a loop's trigger", edit(15), "ST 837 R [5] SV1@16(2400):3", ""},
		{"required loop missing at the end", append(slices.Clone(validTest[:9]), "SE*0*0001"), "ST 837 R [5] HL@10(2000B):3", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ik4 := igVerdict(t, buildTest(c.set))
			if got != c.want {
				t.Fatalf("verdict %q, want %q", got, c.want)
			}
			if c.ik4 != "" && ik4 != c.ik4 {
				t.Fatalf("IK4 %v, want %s", ik4, c.ik4)
			}
		})
	}
}

// TestIGSyntaxOnly checks that Config.SyntaxOnly turns the tables off.
func TestIGSyntaxOnly(t *testing.T) {
	withTestIG(t)
	raw := buildTest(edit(6))
	res, err := Check(bytes.NewReader(raw), Config{SyntaxOnly: true})
	if err != nil || len(res) != 1 || !res[0].Valid() {
		t.Fatalf("syntax only: %v %v", err, res)
	}
	res, _ = Check(bytes.NewReader(raw), Config{})
	if res[0].Valid() {
		t.Fatal("with the table: a set missing a required segment passed")
	}
}

// TestIGNotesBounded checks that a long set broken throughout keeps at
// most MaxNotes segment notes.
func TestIGNotesBounded(t *testing.T) {
	withTestIG(t)
	set := slices.Clone(validTest[:len(validTest)-1])
	for i := 0; i < 3*MaxNotes; i++ {
		set = append(set, "ZZZ*1")
	}
	set = append(set, "SE*0*0001")
	res, err := Check(bytes.NewReader(buildTest(set)), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res[0].Groups[0].Transactions[0].Segments); n != MaxNotes {
		t.Fatalf("%d notes, want %d", n, MaxNotes)
	}
}

// FuzzParseIG reads arbitrary tables: the parser answers with a table or
// an error, never a panic, and a table it accepts validates a set without
// one.
func FuzzParseIG(f *testing.F) {
	// The test table covers every kind of line; the embedded tables, tried
	// as seeds, only slowed the fuzzer down.
	f.Add(testIG)
	raw := buildTest(validTest)
	f.Fuzz(func(t *testing.T, table string) {
		set, err := parseIG("fuzz.ig", table)
		if err != nil {
			return
		}
		var v igValidator
		c := NewChecker(Config{SyntaxOnly: true})
		segs, _, err := ReadAll(raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range segs {
			c.Add(s)
			if s.ID == "ST" {
				c.igOn = true
				v.reset(set)
				c.ig = v
			}
		}
	})
}
