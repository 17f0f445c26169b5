package v2fhir

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

// Overrides are a site's changes to a mapping set, applied over its tables
// when a converter's set is built (MappingSet.WithOverrides), so that a site
// changes where a field goes, or adds a local code, without forking the set.
//
// Each override is CSV text in the IG's own column layout (a table of the set
// copied and edited is an override of it):
//
//   - A segment or data type override holds rows of that table. The rows of
//     a field it names ("PID-8", "CX.5") replace all the set's rows of that
//     field; the other fields keep theirs. A row naming a field with an empty
//     FHIR Attribute removes the field's mapping (it is then reported as
//     unmapped). Header rows (the IG's first two) may be kept or dropped.
//   - A vocabulary override holds rows of a code system map: each v2 code it
//     lists replaces or adds that code; the set's other codes are kept. A
//     name the set has no map of adds a new map, which a segment or data
//     type override can name in its Vocabulary Mapping column.
//
// A row that the set itself would skip (an unreadable path or condition, a
// data type map or vocabulary map the set does not have) is an error here,
// naming the file, row and column: an override is written for a purpose.
type Overrides struct {
	// Segments are keyed by table ("PID[Patient]") or by segment ("PID")
	// for the table the converter uses for that segment.
	Segments map[string]OverrideSource
	// DataTypes are keyed by table ("CX[Identifier]").
	DataTypes map[string]OverrideSource
	// CodeSystems are keyed by the vocabulary map's name
	// ("AdministrativeSex"), as the tables' Vocabulary Mapping column names it.
	CodeSystems map[string]OverrideSource
}

// OverrideSource is the CSV text of one override and the name of the file it
// came from, for errors.
type OverrideSource struct {
	File string
	CSV  []byte
}

// Empty reports whether there is no override.
func (o *Overrides) Empty() bool {
	return o == nil || len(o.Segments)+len(o.DataTypes)+len(o.CodeSystems) == 0
}

// OverrideError is a bad override, with where it is: Row and Column are
// 1-based positions in the CSV text (0 when the error is about the whole
// file).
type OverrideError struct {
	File        string
	Table       string
	Row, Column int
	ColumnName  string // the IG's header of Column, when known
	Err         error
}

func (e *OverrideError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Table != "" && e.Table != e.File {
		fmt.Fprintf(&b, " (%s)", e.Table)
	}
	if e.Row > 0 {
		fmt.Fprintf(&b, ": row %d", e.Row)
	}
	if e.Column > 0 {
		fmt.Fprintf(&b, ", column %d", e.Column)
		if e.ColumnName != "" {
			fmt.Fprintf(&b, " (%s)", e.ColumnName)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *OverrideError) Unwrap() error { return e.Err }

// ErrBadOverride is wrapped by every OverrideError.
var ErrBadOverride = errors.New("bad mapping override")

// columnNames are the IG's headers of the segment and data type tables.
var columnNames = []string{
	"Sort Order", "Identifier", "Name", "Data Type", "Cardinality - Min", "Cardinality - Max",
	"Computable ANTLR", "Computable FHIRPath", "Narrative", "FHIR Attribute", "",
	"Data Type", "Cardinality - Min", "Cardinality - Max", "Data Type Mapping", "Vocabulary Mapping", "Assignment",
}

// vocabColumnNames are the IG's headers of the code system maps.
var vocabColumnNames = []string{"Code", "Text", "Code System", "Computable ANTLR", "Computable FHIRPath", "Narrative", "FHIR Code", "", "Display", "FHIR Code System"}

// primaryTables are the tables the converter uses for a segment, which an
// override keyed by the segment's name alone ("PID") changes.
var primaryTables = map[string]string{
	"PID": "PID[Patient]", "PD1": "PD1[Patient]", "NK1": "NK1[RelatedPerson]",
	"PV1": "PV1[Encounter]", "PV2": "PV2[Encounter]", "ORC": "ORC[ServiceRequest]",
	"OBR": "OBR[ServiceRequest]", "OBX": "OBX[Observation]", "AL1": "AL1[AllergyIntolerance]", "IAM": "IAM[AllergyIntolerance]",
	"DG1": "DG1[Condition]", "SPM": "SPM[Specimen]", "RXA": "RXA[Immunization]",
	"RXR": "RXR[Immunization]", "IN1": "IN1[Coverage]", "PR1": "PR1[Procedure]",
	"SCH": "SCH[Appointment]", "AIS": "AIS[Appointment]", "AIL": "AIL[Appointment]", "RXO": "RXO[MedicationRequest]",
	"AIP": "AIP[Appointment]", "TXA": "TXA[DocumentReference]",
}

// WithOverrides returns a new set: this one's tables with the overrides
// applied. The receiver is not changed. Errors are *OverrideError values,
// joined.
func (ms *MappingSet) WithOverrides(ov *Overrides) (*MappingSet, error) {
	if ov.Empty() {
		return ms, nil
	}
	root := path.Join("mappings", ms.Version)
	sub, err := fs.Sub(mappingFS, root)
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(sub, "segments"); err != nil {
		return nil, fmt.Errorf("mapping set %q: not found", ms.Version)
	}
	sp, err := spec.R4()
	if err != nil {
		return nil, err
	}
	plan, err := ms.planOverrides(sub, ov, sp)
	if err != nil {
		return nil, err
	}
	out := &MappingSet{Version: ms.Version, segments: map[string]*table{}, datatypes: map[string]*table{}, vocab: map[string]*conceptMap{}}
	if err := out.loadDirWith(sub, sp, plan); err != nil {
		return nil, err
	}
	out.breakMutualConditions()
	out.orderOnlyConditions()
	out.link()
	return out, nil
}

// overridePlan is the overrides resolved to the set's file names, read.
type overridePlan struct {
	tables map[string][][]string // "segments/PID[Patient].csv" → override rows (data only)
	vocab  map[string][][]string // map name → override rows (data only)
}

func (ms *MappingSet) planOverrides(sub fs.FS, ov *Overrides, sp *spec.Spec) (*overridePlan, error) {
	plan := &overridePlan{tables: map[string][][]string{}, vocab: map[string][][]string{}}
	var errs []error
	names := columnNames
	bad := func(src OverrideSource, table string, row, col int, format string, a ...any) {
		e := &OverrideError{File: src.File, Table: table, Row: row, Column: col, Err: fmt.Errorf("%w: "+format, append([]any{ErrBadOverride}, a...)...)}
		if col > 0 && col <= len(names) {
			e.ColumnName = names[col-1]
		}
		errs = append(errs, e)
	}
	read := func(src OverrideSource, table string) [][]string {
		r := csv.NewReader(bytes.NewReader(src.CSV))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad(src, table, pe.Line, pe.Column, "%v", pe.Err)
			} else {
				bad(src, table, 0, 0, "%v", err)
			}
			return nil
		}
		return recs
	}
	// Vocabulary first: table overrides may name a new map.
	newVocab := map[string]bool{}
	names = vocabColumnNames
	for _, name := range sortedKeys(ov.CodeSystems) {
		src := ov.CodeSystems[name]
		if name == "" || strings.ContainsAny(name, "/\\") {
			bad(src, name, 0, 0, "%q is not a vocabulary map name", name)
			continue
		}
		if _, ok := ms.vocab[name]; !ok {
			newVocab[name] = true
		}
		recs := read(src, name)
		var rows [][]string
		for i, r := range recs {
			if isVocabHeader(r) {
				continue
			}
			if len(r) <= cmSystem {
				bad(src, name, i+1, len(r)+1, "a code system map row has %d columns (v2 code in 1, FHIR code in %d, display in %d, system in %d)", len(r), cmCode+1, cmDisplay2+1, cmSystem+1)
				continue
			}
			if strings.TrimSpace(r[cmV2Code]) == "" {
				bad(src, name, i+1, cmV2Code+1, "no v2 code")
				continue
			}
			if strings.TrimSpace(r[cmCode]) == "" {
				bad(src, name, i+1, cmCode+1, "no FHIR code for %q", strings.TrimSpace(r[cmV2Code]))
				continue
			}
			if sys := strings.TrimSpace(r[cmSystem]); sys != "" && !strings.Contains(sys, ":") {
				bad(src, name, i+1, cmSystem+1, "code system %q is not a URI", sys)
				continue
			}
			rows = append(rows, r)
		}
		plan.vocab[name] = rows
	}
	names = columnNames
	for _, kind := range []struct {
		dir  string
		srcs map[string]OverrideSource
	}{{"segments", ov.Segments}, {"datatypes", ov.DataTypes}} {
		for _, key := range sortedKeys(kind.srcs) {
			src := kind.srcs[key]
			name := key
			if kind.dir == "segments" && !strings.Contains(key, "[") {
				name = primaryTables[key]
				if name == "" {
					cands, _ := fs.Glob(sub, kind.dir+"/"+key+"[[]*].csv")
					if len(cands) == 1 {
						name = strings.TrimSuffix(path.Base(cands[0]), ".csv")
					} else {
						bad(src, key, 0, 0, "segment %q: name its table (%s)", key, tableNames(cands))
						continue
					}
				}
			}
			file := kind.dir + "/" + name + ".csv"
			if _, err := fs.Stat(sub, file); err != nil {
				bad(src, name, 0, 0, "the mapping set has no %s table %q", strings.TrimSuffix(kind.dir, "s"), name)
				continue
			}
			base := tableBase(name)
			segment := kind.dir == "segments"
			recs := read(src, name)
			var rows [][]string
			for i, r := range recs {
				if len(r) > colID && isTableHeader(r) {
					continue
				}
				at := func(col int, format string, a ...any) { bad(src, name, i+1, col+1, format, a...) }
				if len(r) <= colAssign {
					at(len(r), "a table row has %d columns; the IG's layout has %d (Identifier in %d, FHIR Attribute in %d)", len(r), colAssign+1, colID+1, colTarget+1)
					continue
				}
				id := strings.TrimSpace(r[colID])
				prefix := name[:strings.IndexByte(name, '[')]
				if fieldNumber(id) <= 0 || !strings.EqualFold(id[:max(strings.LastIndexAny(id, "-."), 0)], prefix) {
					at(colID, "%q is not a field of %s (like %s%s1)", id, prefix, prefix, map[bool]string{true: "-", false: "."}[segment])
					continue
				}
				if target := strings.TrimSpace(r[colTarget]); target != "" {
					rw, reason := compileRow(base, target, r, sp, segment)
					if rw == nil {
						col := colTarget
						if strings.HasPrefix(reason, "assignment") {
							col = colAssign
						}
						at(col, "%s", reason)
						continue
					}
					if c := strings.TrimSpace(r[colCond]); c != "" {
						if _, err := parseCond(c); err != nil {
							at(colCond, "condition: %v", err)
							continue
						}
					}
					if dm := strings.TrimSpace(r[colDTMap]); dm != "" && strings.Contains(dm, "[") && ms.datatypes[dm] == nil && !primitiveDTMap(dm) && ov.DataTypes[dm].CSV == nil {
						at(colDTMap, "no data type map %q in the mapping set", dm)
						continue
					}
					if v := strings.TrimSpace(r[colVocab]); v != "" && ms.vocab[v] == nil && !newVocab[v] {
						at(colVocab, "no vocabulary map %q in the mapping set or the overrides", v)
						continue
					}
				}
				rows = append(rows, r)
			}
			if len(rows) == 0 && len(errs) == 0 {
				bad(src, name, 0, 0, "no rows")
				continue
			}
			plan.tables[file] = rows
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return plan, nil
}

// primitiveDTMap reports whether a data type map is one coded in Go (a map
// into a FHIR primitive, such as CWE[code] or HD[uri]), not a table.
func primitiveDTMap(dm string) bool {
	i := strings.IndexByte(dm, '[')
	if i < 0 || len(dm) < i+2 {
		return true
	}
	c := dm[i+1]
	return c >= 'a' && c <= 'z' || strings.HasPrefix(dm[i+1:], "String") || strings.HasPrefix(dm[i+1:], "Boolean")
}

func tableNames(files []string) string {
	if len(files) == 0 {
		return "the mapping set has no table of it"
	}
	n := make([]string, len(files))
	for i, f := range files {
		n[i] = strings.TrimSuffix(path.Base(f), ".csv")
	}
	return "one of " + strings.Join(n, ", ")
}

func isTableHeader(r []string) bool {
	id := strings.TrimSpace(r[colID])
	return id == "" && strings.TrimSpace(r[0]) == "HL7 v2" || id == "Identifier"
}

func isVocabHeader(r []string) bool {
	if len(r) == 0 {
		return true
	}
	f := strings.TrimSpace(r[0])
	return f == "HL7 v2" || f == "Code" && len(r) > cmCode && strings.TrimSpace(r[cmCode]) == "Code"
}

func sortedKeys(m map[string]OverrideSource) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

// mergeTable replaces the rows of base (a table's records, headers
// included) of each field the override names by the override's rows of it,
// in the place of the first replaced row (else before the first row of a
// later field, else at the end).
func mergeTable(base, over [][]string) [][]string {
	ids := map[string][][]string{}
	var order []string
	for _, r := range over {
		id := strings.ToUpper(strings.TrimSpace(r[colID]))
		if _, ok := ids[id]; !ok {
			order = append(order, id)
		}
		ids[id] = append(ids[id], r)
	}
	out := make([][]string, 0, len(base)+len(over))
	placed := map[string]bool{}
	for _, r := range base {
		id := ""
		if len(r) > colID {
			id = strings.ToUpper(strings.TrimSpace(r[colID]))
		}
		if rows, ok := ids[id]; ok {
			if !placed[id] {
				out = append(out, rows...)
				placed[id] = true
			}
			continue
		}
		// A field the override adds goes before the first later field.
		if f := fieldNumber(id); f > 0 {
			for _, o := range order {
				if !placed[o] && fieldNumber(o) < f {
					out = append(out, ids[o]...)
					placed[o] = true
				}
			}
		}
		out = append(out, r)
	}
	for _, o := range order {
		if !placed[o] {
			out = append(out, ids[o]...)
		}
	}
	return slices.Clip(out)
}

// mergeVocab puts the override's rows (data only) after the set's header
// rows and before its own rows: the first row for a code wins.
func mergeVocab(base, over [][]string) [][]string {
	n := min(2, len(base))
	out := make([][]string, 0, len(base)+len(over)+2)
	out = append(out, base[:n]...)
	for len(out) < 2 {
		out = append(out, nil)
	}
	out = append(out, over...)
	return append(out, base[n:]...)
}
