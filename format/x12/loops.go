package x12

import (
	"slices"
	"strings"
)

// The loop structure of the 5010 transaction sets, from the public tables
// of their implementation guides, one line per loop: its ID, its trigger
// segment and, after a colon, the qualifiers that select it (NM1-01 or
// N1-01 for name loops, HL-03 for hierarchical levels). Indentation nests a
// loop in the one above it. "ID = ID" repeats the children of a loop
// defined earlier (the 2300 claim under the patient level); "+SEG" after a
// loop names a segment that belongs to that loop even when it follows one of
// its children (IK5 after the IK3 loops). The line "root" lists segments
// that close every loop (835 PLB, 999 AK9).
var loopTables = map[string]string{
	"837P": `
1000A NM1:41
1000B NM1:40
2000A HL:20
 2010AA NM1:85
 2010AB NM1:87
 2010AC NM1:PE
 2000B HL:22
  2010BA NM1:IL
  2010BB NM1:PR
  2300 CLM
   2310A NM1:DN,P3
   2310B NM1:82
   2310C NM1:77
   2310D NM1:DQ
   2310E NM1:PW
   2310F NM1:45
   2320 SBR
    2330A NM1:IL
    2330B NM1:PR
    2330C NM1:DN,P3
    2330D NM1:82
    2330E NM1:77
    2330F NM1:DQ
    2330G NM1:85
   2400 LX
    2410 LIN
    2420A NM1:82
    2420B NM1:QB
    2420C NM1:77
    2420D NM1:DQ
    2420E NM1:DK
    2420F NM1:DN,P3
    2420G NM1:PW
    2420H NM1:45
    2430 SVD
    2440 LQ
  2000C HL:23
   2010CA NM1:QC
   2300 = 2300
`,
	"837I": `
1000A NM1:41
1000B NM1:40
2000A HL:20
 2010AA NM1:85
 2010AB NM1:87
 2010AC NM1:PE
 2000B HL:22
  2010BA NM1:IL
  2010BB NM1:PR
  2300 CLM
   2310A NM1:71
   2310B NM1:72
   2310C NM1:ZZ
   2310D NM1:82
   2310E NM1:77
   2310F NM1:DN
   2320 SBR
    2330A NM1:IL
    2330B NM1:PR
    2330C NM1:71
    2330D NM1:72
    2330E NM1:ZZ
    2330F NM1:77
    2330G NM1:82
    2330H NM1:DN
    2330I NM1:85
   2400 LX
    2410 LIN
    2420A NM1:72
    2420B NM1:ZZ
    2420C NM1:82
    2420D NM1:DN
    2430 SVD
  2000C HL:23
   2010CA NM1:QC
   2300 = 2300
`,
	"837D": `
1000A NM1:41
1000B NM1:40
2000A HL:20
 2010AA NM1:85
 2010AB NM1:87
 2010AC NM1:PE
 2000B HL:22
  2010BA NM1:IL
  2010BB NM1:PR
  2300 CLM
   2310A NM1:DN,P3
   2310B NM1:82
   2310C NM1:77
   2310D NM1:DD
   2320 SBR
    2330A NM1:IL
    2330B NM1:PR
    2330C NM1:DN,P3
    2330D NM1:82
    2330E NM1:DD
    2330F NM1:77
    2330G NM1:85
   2400 LX
    2420A NM1:82
    2420B NM1:DD
    2420C NM1:77
    2430 SVD
  2000C HL:23
   2010CA NM1:QC
   2300 = 2300
`,
	"835": `
root +PLB
1000A N1:PR
1000B N1:PE
2000 LX
 2100 CLP
  2110 SVC
`,
	"270": `
2000A HL:20
 2100A NM1
 2000B HL:21
  2100B NM1
  2000C HL:22
   2100C NM1
   2110C EQ
   2000D HL:23
    2100D NM1
    2110D EQ
`,
	"271": `
2000A HL:20
 2100A NM1
 2000B HL:21
  2100B NM1
  2000C HL:22
   2100C NM1
   2110C EB
    2115C III
    2120C NM1
   2000D HL:23
    2100D NM1
    2110D EB
     2115D III
     2120D NM1
`,
	"276": `
2000A HL:20
 2100A NM1:PR
 2000B HL:21
  2100B NM1:41
  2000C HL:19
   2100C NM1:1P
   2000D HL:22
    2100D NM1:IL
    2200D TRN
     2210D SVC
    2000E HL:23
     2100E NM1:QC
     2200E TRN
      2210E SVC
`,
	"277": `
2000A HL:20
 2100A NM1:PR
 2200A TRN
 2000B HL:21
  2100B NM1:41
  2200B TRN
  2000C HL:19
   2100C NM1:1P
   2200C TRN
   2000D HL:22
    2100D NM1:IL
    2200D TRN
     2220D SVC
    2000E HL:23
     2100E NM1:QC
     2200E TRN
      2220E SVC
`,
	"277CA": `
2000A HL:20
 2100A NM1:PR
 2200A TRN
 2000B HL:21
  2100B NM1:41
  2200B TRN
  2000C HL:19
   2100C NM1:85
   2200C TRN
   2000D HL:PT
    2100D NM1:QC
    2200D TRN
     2220D SVC
`,
	"278": `
2000A HL:20
 2010A NM1
 2000B HL:21
  2010B NM1
  2000C HL:22
   2010C NM1
   2000D HL:23
    2010D NM1
    2000E HL:EV
     2010EA NM1
     2000F HL:SS
      2010F NM1
`,
	"834": `
1000A N1:P5
1000B N1:IN
1000C N1:BO,TV
 1100C ACT
2000 INS
 2100A NM1:IL,74
 2100B NM1:70
 2100C NM1:31
 2100D NM1:36
 2100E NM1:M8
 2100F NM1:S3
 2100G NM1:6Y,9K,E1,EI,EXS,GB,GD,J6,LR,QD,S1,TZ,X4
 2100H NM1:45
 2200 DSB
 2300 HD
  2310 LX
  2320 COB
   2330 NM1:36,GW,IN
 2700 LS
  2710 LX
   2750 N1:75
`,
	"999": `
root +AK9
2000 AK2 +IK5
 2100 IK3
  2110 IK4
`,
}

// loopDef is one loop of a transaction set.
type loopDef struct {
	id      string
	trigger string
	elem    int      // the element holding the qualifier: 3 for HL, else 1
	quals   []string // nil: any value
	owns    []string
	kids    []*loopDef
}

// loopSets are the parsed tables, by transaction kind.
var loopSets = func() map[string]*loopDef {
	m := make(map[string]*loopDef, len(loopTables))
	for kind, table := range loopTables {
		m[kind] = parseLoopTable(table)
	}
	return m
}()

// parseLoopTable reads one table; the tables are constants of this package,
// checked by its tests.
func parseLoopTable(table string) *loopDef {
	root := &loopDef{}
	byID := map[string]*loopDef{}
	stack := []*loopDef{root}
	for _, line := range strings.Split(table, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		depth := len(line) - len(strings.TrimLeft(line, " "))
		f := strings.Fields(line)
		if f[0] == "root" {
			for _, o := range f[1:] {
				root.owns = append(root.owns, strings.TrimPrefix(o, "+"))
			}
			continue
		}
		parent := stack[min(depth, len(stack)-1)]
		stack = stack[:min(depth, len(stack)-1)+1]
		if len(f) == 3 && f[1] == "=" {
			orig := byID[f[2]]
			d := &loopDef{id: f[0], trigger: orig.trigger, elem: orig.elem, quals: orig.quals, owns: orig.owns, kids: orig.kids}
			parent.kids = append(parent.kids, d)
			stack = append(stack, d)
			continue
		}
		d := &loopDef{id: f[0], elem: 1}
		trig, quals, ok := strings.Cut(f[1], ":")
		d.trigger = trig
		if ok {
			d.quals = strings.Split(quals, ",")
		}
		if trig == "HL" {
			d.elem = 3
		}
		for _, o := range f[2:] {
			d.owns = append(d.owns, strings.TrimPrefix(o, "+"))
		}
		parent.kids = append(parent.kids, d)
		byID[d.id] = d
		stack = append(stack, d)
	}
	return root
}

// TransactionKind names the structure of a transaction set from its ST01 and
// its implementation reference (ST03, or GS08 when ST03 is empty): "837P",
// "837I", "837D", "835", "270", "271", "276", "277", "277CA", "278", "834",
// "999"; "" for a set whose loops Plexus does not know.
func TransactionKind(st01, reference string) string {
	switch st01 {
	case "837":
		switch {
		case strings.Contains(reference, "X223"):
			return "837I"
		case strings.Contains(reference, "X224"):
			return "837D"
		}
		return "837P"
	case "277":
		if strings.Contains(reference, "X214") {
			return "277CA"
		}
		return "277"
	case "835", "270", "271", "276", "278", "834", "999":
		return st01
	}
	return ""
}

// Loops identifies the loop of each segment of a transaction set, fed one
// segment at a time from ST to SE. The zero value knows no loops.
type Loops struct {
	stack []*loopDef
}

// NewLoops returns a tracker for a transaction kind (see TransactionKind);
// for an unknown kind every segment is at the top level.
func NewLoops(kind string) *Loops {
	root := loopSets[kind]
	if root == nil {
		root = &loopDef{}
	}
	return &Loops{stack: []*loopDef{root}}
}

// Next returns the ID of the loop s belongs to ("" for the top level of the
// set: ST, BHT, SE) and its depth (0 at the top level).
func (l *Loops) Next(s *Segment) (string, int) {
	if len(l.stack) == 0 {
		return "", 0
	}
	if s.ID == "ST" || s.ID == "SE" {
		l.stack = l.stack[:1]
		return "", 0
	}
	for k := len(l.stack) - 1; k >= 0; k-- {
		for _, d := range l.stack[k].kids {
			if d.trigger != s.ID {
				continue
			}
			if d.quals != nil && !slices.Contains(d.quals, string(s.Element(d.elem))) {
				continue
			}
			l.stack = append(l.stack[:k+1], d)
			return d.id, len(l.stack) - 1
		}
	}
	for k := len(l.stack) - 1; k >= 0; k-- {
		if slices.Contains(l.stack[k].owns, s.ID) {
			l.stack = l.stack[:k+1]
			break
		}
	}
	top := l.stack[len(l.stack)-1]
	return top.id, len(l.stack) - 1
}

// Path returns the IDs of the loops open after the last segment, outermost
// first.
func (l *Loops) Path() []string {
	out := make([]string, 0, len(l.stack))
	for _, d := range l.stack[1:] {
		out = append(out, d.id)
	}
	return out
}
