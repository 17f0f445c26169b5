package v2fhir

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/plexus-health/plexus/fhir/spec"
)

// DefaultVersion names the mapping set compiled into Plexus: the CSV tables of
// the HL7 V2-to-FHIR IG as published in its 2024 ballot sources.
const DefaultVersion = "v2-to-fhir-ig/2024.1"

//go:embed mappings
var mappingFS embed.FS

// MappingSet is one version of the mapping tables, compiled. It is read-only
// and safe for concurrent use.
type MappingSet struct {
	Version   string
	segments  map[string]*table // "PID[Patient]"
	datatypes map[string]*table // "CX[Identifier]"
	vocab     map[string]*conceptMap
	skipped   []SkippedRow
	// valueParts gives, for the maps into a primitive type whose value
	// is not the v2 value's first part, the part that is: CQ[code] is
	// CQ.2, the units. Keyed in lower case: rows write "CQ[Code]".
	valueParts map[string]int
}

// SkippedRow is a table row the interpreter does not apply, with the reason.
type SkippedRow struct {
	Table, Field, Target, Reason string
}

// Skipped lists the rows of the set's tables that are not interpreted.
func (ms *MappingSet) Skipped() []SkippedRow { return ms.skipped }

// table is one compiled segment or data type map.
type table struct {
	name   string
	base   string // FHIR type the paths start from ("Patient", "Identifier")
	rows   []*row
	fields int // highest field/component number with a row
}

// row is one interpretable row of a table.
type row struct {
	field  int
	cond   *cond
	steps  []step
	dtMap  string // "CX[Identifier]"; "" for a primitive leaf
	vocab  string
	assign string // assigned constant, or ""
	// assignSystem is the code system of a code assigned to a
	// CodeableConcept or Coding, when the element's value set names it.
	assignSystem string
	// misplaced is a constant the table wrote beside a map into a
	// Reference; compileTable gives it to the next row.
	misplaced string
	hasAssig  bool
	leafType  string // FHIR type of the leaf ("code", "Identifier", "Reference")
	refType   string // resource type named as "(Organization)" on the leaf
	required  bool   // the leaf has a required binding
	rootSlot  int    // for data type tables whose paths begin "[n]."
	inPlace   bool   // the data type map fills the table's own object ("line[1-3]")

	// Resolved once the whole set is loaded (see link).
	dt        *table         // the data type table (or the default for the leaf type)
	cm        *conceptMap    // the vocabulary map
	isPL      bool           // a PL reference: built as a Location in Go
	joinText  bool           // a [String] map: the parts joined as text
	cweText   bool           // CWE[string]: the text of the CWE (see primitiveFrom)
	valuePart int            // the part of the value a primitive map takes, when not the first
	hdURI     bool           // a HD[uri] map
	valueSet  *spec.ValueSet // a required binding's codes, for a code leaf
	base64    bool           // the value must be base64 already (ED.5)
	encode64  bool           // text of a segment's field into base64Binary (OBX-5 TX into attachment data)
}

// step is one element of a row's FHIR path.
type step struct {
	name     string // JSON key ("identifier", "_birthDate")
	slot     int    // the table's "[n]", 0 when none
	repeats  bool
	typ      string
	resolved string // spec path, used as the slot key
}

var (
	loadOnce sync.Once
	loaded   *MappingSet
	loadErr  error
)

// Default returns the compiled default mapping set.
func Default() (*MappingSet, error) {
	loadOnce.Do(func() { loaded, loadErr = Load(DefaultVersion) })
	return loaded, loadErr
}

// Load compiles the embedded mapping set of the given version.
func Load(version string) (*MappingSet, error) {
	root := path.Join("mappings", version)
	if _, err := fs.Stat(mappingFS, root); err != nil {
		return nil, fmt.Errorf("mapping set %q: not found", version)
	}
	sp, err := spec.R4()
	if err != nil {
		return nil, fmt.Errorf("mapping set %q: %v", version, err)
	}
	ms := &MappingSet{Version: version, segments: map[string]*table{}, datatypes: map[string]*table{}, vocab: map[string]*conceptMap{}}
	sub, _ := fs.Sub(mappingFS, root)
	if err := ms.loadDirWith(sub, sp, nil); err != nil {
		return nil, fmt.Errorf("mapping set %q: %v", version, err)
	}
	ms.breakMutualConditions()
	ms.orderOnlyConditions()
	ms.link()
	return ms, nil
}

func readCSV(fsys fs.FS, name string) ([][]string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return recs, nil
}

// loadDirWith compiles the tables of fsys, with the overrides of plan (nil
// for none) merged into them.
func (ms *MappingSet) loadDirWith(fsys fs.FS, sp *spec.Spec, plan *overridePlan) error {
	cs, _ := fs.Glob(fsys, "codesystems/*.csv")
	for _, name := range cs {
		recs, err := readCSV(fsys, name)
		if err != nil {
			return err
		}
		key := strings.TrimSuffix(path.Base(name), ".csv")
		if plan != nil && plan.vocab[key] != nil {
			recs = mergeVocab(recs, plan.vocab[key])
		}
		ms.vocab[key] = parseConceptMap(recs)
	}
	if plan != nil {
		for key, rows := range plan.vocab {
			if ms.vocab[key] == nil {
				ms.vocab[key] = parseConceptMap(mergeVocab(nil, rows))
			}
		}
	}
	for _, kind := range []string{"segments", "datatypes"} {
		names, _ := fs.Glob(fsys, kind+"/*.csv")
		for _, name := range names {
			recs, err := readCSV(fsys, name)
			if err != nil {
				return err
			}
			if plan != nil && plan.tables[name] != nil {
				recs = mergeTable(recs, plan.tables[name])
			}
			key := strings.TrimSuffix(path.Base(name), ".csv")
			if kind == "datatypes" && isPrimitive(tableBase(key)) {
				ms.readValuePart(key, recs)
			}
			t := ms.compileTable(key, recs, sp, kind == "segments")
			if t == nil {
				continue
			}
			if kind == "segments" {
				ms.segments[key] = t
			} else {
				ms.datatypes[key] = t
			}
			if d := derivedTables[name]; d != "" {
				if _, err := fs.Stat(fsys, "segments/"+d+".csv"); err != nil {
					if t := ms.compileTable(d, recs, sp, true); t != nil {
						ms.segments[d] = t
					}
				}
			}
		}
	}
	return nil
}

// derivedTables are segment tables the IG has not published (its
// ORC[MedicationRequest] and NTE[MedicationRequest] maps are "under
// construction") read from the file of the same segment's ServiceRequest
// table, with paths resolved against MedicationRequest: the order elements
// the two resources share (identifier, status, intent, requester,
// authoredOn, note). Rows naming an element MedicationRequest lacks are
// skipped, and listed by Skipped under the derived table's name. A mapping
// set that has the table gets it from its own file.
var derivedTables = map[string]string{
	"segments/ORC[ServiceRequest].csv": "ORC[MedicationRequest]",
	"segments/NTE[ServiceRequest].csv": "NTE[MedicationRequest]",
}

// readValuePart reads a data type map into a primitive type: its row
// "$value" without a condition names the part that is the value. Only a part
// other than the first is kept, since the first is what a map into a
// primitive takes anyway.
func (ms *MappingSet) readValuePart(key string, recs [][]string) {
	for _, r := range recs {
		if len(r) <= colAssign || strings.TrimSpace(r[colTarget]) != "$value" || strings.TrimSpace(r[colCond]) != "" {
			continue
		}
		if n := fieldNumber(strings.TrimSpace(r[colID])); n > 1 {
			if ms.valueParts == nil {
				ms.valueParts = map[string]int{}
			}
			ms.valueParts[strings.ToLower(key)] = n
		}
		return
	}
}

// tableBase returns the FHIR type a table's paths start from: the name in
// brackets up to a '-' or '.' ("Identifier-Extension" → "Identifier").
func tableBase(key string) string {
	i, j := strings.IndexByte(key, '['), strings.LastIndexByte(key, ']')
	if i < 0 || j < i {
		return ""
	}
	b := key[i+1 : j]
	if k := strings.IndexAny(b, "-."); k >= 0 {
		b = b[:k]
	}
	return b
}

// Column numbers of the IG's segment and data type tables.
const (
	colID     = 1
	colCond   = 6
	colTarget = 9
	colExtra  = 10
	colDTMap  = 14
	colVocab  = 15
	colAssign = 16
)

func (ms *MappingSet) skip(t, field, target, reason string) {
	ms.skipped = append(ms.skipped, SkippedRow{Table: t, Field: field, Target: target, Reason: reason})
}

func (ms *MappingSet) compileTable(key string, recs [][]string, sp *spec.Spec, segment bool) *table {
	base := tableBase(key)
	if base == "" {
		return nil
	}
	if _, ok := sp.Resolve(base); !ok {
		return nil // primitive or odd targets are coded in Go (primitive.go)
	}
	t := &table{name: key, base: base}
	var carry *row // the row before, when it had a misplaced constant
	for _, r := range recs {
		if len(r) <= colAssign {
			continue
		}
		id := strings.TrimSpace(r[colID])
		field := fieldNumber(id)
		wholeSegment := segment && len(id) == 3 && strings.ToUpper(id) == id && validName(id)
		// A few tables (IAM[AllergyIntolerance], TXA[DocumentReference])
		// leave the identifier of their sort order 0 rows, the constants
		// for the segment as a whole, empty.
		if segment && id == "" && strings.TrimSpace(r[0]) == "0" {
			id, wholeSegment = key[:3], true
		}
		if field <= 0 && !wholeSegment {
			continue // header rows
		}
		if segment && field > 0 && !strings.HasPrefix(strings.ToUpper(id), key[:3]) {
			// RXO[MedicationRequest] names its field 23 (Total Daily Dose)
			// "RXE-19", the same field of RXE: the sort order says which
			// field of the table's own segment the row maps.
			n, err := strconv.Atoi(strings.TrimSpace(r[0]))
			if err != nil || n <= 0 {
				ms.skip(key, id, strings.TrimSpace(r[colTarget]), "field of another segment")
				continue
			}
			field = n
		}
		target := strings.TrimSpace(r[colTarget])
		// TQ1[MedicationRequest] maps TQ1-11 (text instruction) to "text",
		// which is the resource's narrative: it is the dosage's text.
		if key == "TQ1[MedicationRequest]" && target == "text" {
			target = "dosageInstruction.text"
		}
		if target == "" {
			if x := strings.TrimSpace(r[colExtra]); x != "" {
				ms.skip(key, id, x, "element not defined by the guide")
			}
			continue
		}
		rw, reason := compileRow(base, target, r, sp, segment)
		if rw == nil {
			ms.skip(key, id, target, reason)
			carry = nil
			continue
		}
		rw.field = field
		// A constant beside a map into a Reference (see compileRow) is the
		// next row's when that row of the same field has none: PV1-42's
		// "reserved" is its location's status.
		if carry != nil && carry.field == field && !rw.hasAssig && isPrimitive(rw.leafType) {
			rw.assign, rw.hasAssig = carry.misplaced, true
		}
		carry = nil
		if rw.misplaced != "" {
			carry = rw
		}
		if wholeSegment && !rw.hasAssig {
			ms.skip(key, id, target, "whole-segment row without a constant")
			continue
		}
		if c := strings.TrimSpace(r[colCond]); c != "" {
			cd, err := parseCond(c)
			if err != nil {
				ms.skip(key, id, target, "condition: "+err.Error())
				continue
			}
			if segment {
				cd.bindSegment(key[:3])
			}
			rw.cond = cd
		}
		t.rows = append(t.rows, rw)
		t.fields = max(t.fields, field)
	}
	unifySlots(t.rows)
	return t
}

// unifySlots reads a repeating element written without "[n]" in one row of a
// field as the "[n]" the field's other rows give it: ORC-1 has the rows
// "extension.url" and "extension[1].extension[1].url", which mean one
// extension, not two (the first would have no value, the second no url).
func unifySlots(rows []*row) {
	for _, rw := range rows {
		for i := range rw.steps {
			st := &rw.steps[i]
			if !st.repeats || st.slot != 0 {
				continue
			}
			for _, o := range rows {
				if o != rw && o.field == rw.field && len(o.steps) > i && o.steps[i].resolved == st.resolved && o.steps[i].slot > 0 && samePrefix(o.steps, rw.steps, i) {
					st.slot = o.steps[i].slot
					break
				}
			}
		}
	}
}

func samePrefix(a, b []step, n int) bool {
	for i := 0; i < n; i++ {
		if a[i].name != b[i].name || a[i].slot != b[i].slot {
			return false
		}
	}
	return true
}

// fieldNumber reads "PID-3" or "CX.4" (or "PID.3").
func fieldNumber(id string) int {
	i := strings.LastIndexAny(id, "-.")
	if i < 0 {
		return 0
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil {
		return 0
	}
	return n
}

func unquote(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' && strings.Count(s, `"`) == 2 {
		return strings.TrimSpace(s[1 : len(s)-1]), true
	}
	return "", false
}

// repetitionRange matches a target that names a range of repetitions of
// one element: "line[1-3]".
var repetitionRange = regexp.MustCompile(`^[A-Za-z]+\[[0-9]+-[0-9]+\]$`)

func compileRow(base, target string, r []string, sp *spec.Spec, segment bool) (*row, string) {
	rw := &row{dtMap: strings.TrimSpace(r[colDTMap]), vocab: strings.TrimSpace(r[colVocab])}
	conversionNote := false
	if a := strings.TrimSpace(r[colAssign]); a != "" {
		v, ok := unquote(a)
		switch {
		case ok:
			rw.assign, rw.hasAssig = v, true
		case len(a) > 1 && a[0] == '/' && a[len(a)-1] == '/':
			conversionNote = true // a note on the conversion: see below
		default:
			return nil, "assignment is an expression: " + a
		}
	}
	// `status="finished"`: an assignment written into the path.
	if i := strings.IndexByte(target, '='); i > 0 {
		if v, ok := unquote(target[i+1:]); ok {
			rw.assign, rw.hasAssig = v, true
			target = target[:i]
		}
	}
	target = strings.Join(strings.Fields(target), "")
	if target == "$this" {
		return nil, "maps the whole field to another resource"
	}
	// A reference target: "sender(Organization)".
	if i := strings.IndexByte(target, '('); i >= 0 {
		in := strings.TrimSuffix(target[i+1:], ")")
		if strings.ContainsAny(in, ".()[]") || !strings.HasSuffix(target, ")") {
			return nil, "path into a referenced resource"
		}
		rw.refType = in
		target = target[:i]
	}
	if !segment && strings.HasPrefix(target, "[") {
		j := strings.IndexByte(target, ']')
		n, err := strconv.Atoi(target[1:max(j, 1)])
		if j < 0 || err != nil {
			return nil, "unreadable root slot"
		}
		rw.rootSlot = n
		target = strings.TrimPrefix(target[j+1:], ".")
	}
	if target == "" {
		return nil, "empty path"
	}
	// "line[1-3]" with a data type map (XAD.1 → SAD[Address]): the map's own
	// rows say which repetition each part fills (line[1], line[2],
	// line[3]), so the map applies to the very object this table fills.
	if !segment && rw.dtMap != "" && repetitionRange.MatchString(target) {
		if !strings.HasSuffix(rw.dtMap, "["+base+"]") {
			return nil, "a range of repetitions filled by a map of another type"
		}
		rw.inPlace, rw.leafType = true, base
		return rw, ""
	}
	parts := strings.Split(target, ".")
	cur, prevPrimitive := base, false
	for i, p := range parts {
		st := step{}
		if j := strings.IndexByte(p, '['); j >= 0 {
			n, err := strconv.Atoi(strings.TrimSuffix(p[j+1:], "]"))
			if err != nil {
				return nil, "unreadable index in " + p
			}
			st.slot, p = n, p[:j]
		}
		// The tables write ".uri" for an extension's url in a few rows,
		// and for a Coding's system in PR1[Procedure].
		if p == "uri" && i > 0 && strings.HasPrefix(parts[i-1], "extension") {
			p = "url"
		}
		if p == "uri" && i > 0 && parts[i-1] == "coding" {
			p = "system"
		}
		// OBX[DocumentReference] writes content[n].data, .contentType and
		// .url for the content's attachment's.
		if cur == "DocumentReference.content" && (p == "data" || p == "contentType" || p == "url") {
			res, _ := sp.Resolve(cur + ".attachment")
			rw.steps = append(rw.steps, step{name: "attachment", typ: "Attachment", resolved: cur + ".attachment", repeats: res.Element != nil && res.Element.Repeats()})
			cur = "Attachment"
		}
		if !validName(p) {
			return nil, "unreadable element " + strconv.Quote(p)
		}
		if prevPrimitive {
			if p != "extension" {
				return nil, "element of a primitive"
			}
			// An extension on a primitive: "birthDate.extension" is written
			// "_birthDate": {"extension": […]} in JSON.
			cur = "Extension"
			st.name, st.repeats, st.typ, st.resolved = "extension", true, "Extension", "Extension"
			prevPrimitive = false
			rw.steps[len(rw.steps)-1].name = "_" + rw.steps[len(rw.steps)-1].name
			rw.steps[len(rw.steps)-1].typ = "Element"
			rw.steps = append(rw.steps, st)
			continue
		}
		res, ok := sp.Resolve(cur + "." + p)
		if (!ok || res.Element == nil) && len(rw.steps) > 0 && rw.steps[len(rw.steps)-1].typ == "Timing" {
			// TQ1[ServiceRequest] writes occurrenceTiming.boundsDuration
			// and .duration for the elements of the Timing's repeat.
			rr, rok := sp.Resolve(cur + ".repeat")
			if r2, ok2 := sp.Resolve(cur + ".repeat." + p); rok && rr.Element != nil && ok2 && r2.Element != nil {
				cur += ".repeat"
				rw.steps = append(rw.steps, step{name: "repeat", typ: "Element", resolved: cur, repeats: rr.Element.Repeats()})
				res, ok = r2, true
			}
		}
		if !ok || res.Element == nil {
			return nil, "no element " + cur + "." + p
		}
		if res.Element.Choice && res.Type == "" {
			return nil, "choice element without type " + cur + "." + p
		}
		st.name, st.repeats, st.typ = p, res.Element.Repeats(), res.Type
		if st.typ == "" {
			st.typ = "BackboneElement"
		}
		cur += "." + p
		st.resolved = cur
		prevPrimitive = isPrimitive(st.typ)
		rw.steps = append(rw.steps, st)
	}
	rw.leafType = rw.steps[len(rw.steps)-1].typ
	rw.encode64 = segment && rw.leafType == "base64Binary"
	// ED.5 → data has the note "/convert from A or HEX to binary64/": the
	// value is written when it is base64 already (ED.4 "Base64"); any other
	// encoding is reported as not converted.
	if conversionNote {
		if rw.leafType != "base64Binary" {
			return nil, "assignment is an expression: " + strings.TrimSpace(r[colAssign])
		}
		rw.base64 = true
	}
	if res, ok := sp.Resolve(rw.steps[len(rw.steps)-1].resolved); ok && res.Element.Binding != nil {
		rw.required = res.Element.Binding.Strength == spec.BindingRequired
		if rw.required && (rw.leafType == "code" || rw.leafType == "string") {
			if vs := sp.ValueSet(res.Element.Binding.ValueSet); vs != nil && vs.Expanded() {
				rw.valueSet = vs
			}
		}
	}
	if rw.refType != "" && rw.leafType != "Reference" {
		return nil, "reference target on a " + rw.leafType
	}
	if rw.hasAssig && !isPrimitive(rw.leafType) {
		switch rw.leafType {
		case "CodeableConcept", "Coding":
			// A code assigned to a coded element (RXO-2: doseAndRate.type
			// "ordered"): its system is the one of the element's value set
			// that has the code; without one it is the concept's text.
			if res, ok := sp.Resolve(rw.steps[len(rw.steps)-1].resolved); ok && res.Element.Binding != nil {
				if vs := sp.ValueSet(res.Element.Binding.ValueSet); vs != nil {
					for _, cs := range vs.Systems {
						if vs.Contains(cs.System, rw.assign) {
							rw.assignSystem = cs.System
							break
						}
					}
				}
			}
		default:
			// A constant beside a data type map into a Reference (PV1-8,
			// PV1-42) belongs to the next row of the table (which PV1-8's
			// repeats, and PV1-42's lacks): the row is the data type map
			// alone.
			if rw.dtMap == "" && rw.refType == "" {
				return nil, "constant assigned to a " + rw.leafType
			}
			rw.misplaced = rw.assign
			rw.assign, rw.hasAssig = "", false
		}
	}
	return rw, ""
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func isPrimitive(typ string) bool {
	return typ != "" && typ[0] >= 'a' && typ[0] <= 'z'
}

// conceptMap maps the codes of one v2 table to FHIR codes.
type conceptMap struct {
	codes map[string]concept
}

type concept struct{ code, display, system string }

// Columns of the IG's code system maps, as most of them lay them out; a
// map whose header row says otherwise (a few have no blank column between
// the FHIR code and its display) is read by its header.
const (
	cmV2Code   = 0
	cmCode     = 6
	cmDisplay1 = 7
	cmDisplay2 = 8
	cmSystem   = 9
)

func parseConceptMap(recs [][]string) *conceptMap {
	cm := &conceptMap{codes: map[string]concept{}}
	code, disp1, disp2, system := cmCode, cmDisplay1, cmDisplay2, cmSystem
	if len(recs) > 1 {
		h := recs[1]
		for i := range h {
			h[i] = strings.TrimSpace(h[i])
		}
		if n := slices.Index(h, "Narrative"); n >= 0 && n+1 < len(h) && h[n+1] == "Code" {
			code = n + 1
			disp1 = code + 1 // some maps write the display under the blank column
			if d := slices.Index(h[code:], "Display"); d >= 0 {
				disp2 = code + d
			}
			if sy := slices.Index(h[code:], "Code System"); sy >= 0 {
				system = code + sy
			}
		}
	}
	for i, r := range recs {
		if i < 2 || len(r) <= max(code, system) {
			continue
		}
		v2 := strings.TrimSpace(r[cmV2Code])
		c := strings.TrimSpace(r[code])
		if v2 == "" || c == "" {
			continue
		}
		if _, dup := cm.codes[v2]; dup {
			continue // the first row for a code wins
		}
		disp := strings.TrimSpace(r[disp2])
		if disp == "" {
			disp = strings.TrimSpace(r[disp1])
		}
		cm.codes[v2] = concept{code: c, display: disp, system: strings.TrimSpace(r[system])}
	}
	return cm
}

// breakMutualConditions: the ORC and OBR maps to ServiceRequest each map
// their order numbers only if the other segment's are not valued ("ORC-2 IF
// OBR-2 NOT VALUED", "OBR-2 IF ORC-2 NOT VALUED"), so with both valued
// neither would be mapped. The ORC leads its order group: its rows of such a
// pair are applied unconditionally, and the OBR's give way to them.
func (ms *MappingSet) breakMutualConditions() {
	for key, t := range ms.segments {
		if !strings.HasPrefix(key, "ORC[") {
			continue
		}
		other := ms.segments["OBR"+key[3:]]
		if other == nil {
			continue
		}
		for _, rw := range t.rows {
			p, ok := onlyNotValued(rw.cond, "OBR")
			if !ok {
				continue
			}
			for _, o := range other.rows {
				if q, ok := onlyNotValued(o.cond, "ORC"); ok && o.field == p.field && q.field == rw.field {
					rw.cond = nil
					break
				}
			}
		}
	}
}

// orderOnlyConditions drops, from a table of the ORC for a resource no OBR
// completes (ORC[MedicationRequest]: its group's detail is an RXO), the
// conditions "OBR-n NOT VALUED": there is no OBR in such a group, so they
// hold, and the OBR of another group must not be read for them.
func (ms *MappingSet) orderOnlyConditions() {
	t := ms.segments["ORC[MedicationRequest]"]
	if t == nil {
		return
	}
	for _, rw := range t.rows {
		if _, ok := onlyNotValued(rw.cond, "OBR"); ok {
			rw.cond = nil
		}
	}
}

// onlyNotValued reports whether c is the single test "seg-n NOT VALUED".
func onlyNotValued(c *cond, seg string) (pred, bool) {
	if c == nil || len(c.any) != 1 || len(c.any[0]) != 1 {
		return pred{}, false
	}
	p := c.any[0][0]
	return p, p.other == seg && p.op == opValued && p.not && p.comp == 0
}

// link resolves what each row names by string (its data type table, its
// vocabulary map, the kind of primitive map) once, so that a conversion
// looks nothing up by name.
func (ms *MappingSet) link() {
	for _, tables := range []map[string]*table{ms.segments, ms.datatypes} {
		for _, t := range tables {
			for _, rw := range t.rows {
				rw.dt = ms.datatypes[rw.dtMap]
				if rw.dt == nil && rw.leafType != "Reference" {
					rw.dt = ms.defaultDT(rw.leafType)
				}
				if rw.vocab != "" {
					rw.cm = ms.vocab[rw.vocab]
				}
				rw.isPL = strings.HasPrefix(rw.dtMap, "PL[")
				rw.joinText = strings.HasSuffix(rw.dtMap, "[String]") || strings.HasSuffix(rw.dtMap, "[string]")
				rw.cweText = rw.joinText && strings.HasPrefix(rw.dtMap, "CWE[")
				if !rw.joinText && isPrimitive(rw.leafType) {
					rw.valuePart = ms.valueParts[strings.ToLower(rw.dtMap)]
				}
				rw.hdURI = strings.HasPrefix(rw.dtMap, "HD") && strings.HasSuffix(rw.dtMap, "[uri]")
			}
		}
	}
}

// lookup maps a v2 code; ok is false for a code the map does not know (or
// when there is no map).
func (cm *conceptMap) lookup(code string) (concept, bool) {
	if cm == nil {
		return concept{}, false
	}
	c, ok := cm.codes[code]
	if !ok {
		c, ok = cm.codes[strings.ToUpper(code)]
	}
	return c, ok
}
