package x12fhir

import (
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/format/x12"
)

// mapped lists, per transaction set, the segments the conversion reads:
// "ID" anywhere, "ID@LOOP" in that loop, "ID@LOOP:QUAL" with that first
// element. Everything else is reported by Unmapped, so that nothing is
// dropped without trace.
var mapped = map[string][]string{
	"837": strings.Fields(`ST SE BHT HL CLM HI LX SV1 SV2 SV3 DTP@2400:472
		NM1@2010AA N3@2010AA N4@2010AA NM1@2010BA N3@2010BA N4@2010BA DMG@2010BA
		NM1@2010BB N3@2010BB N4@2010BB NM1@2010CA N3@2010CA N4@2010CA DMG@2010CA`),
	"835": strings.Fields(`ST SE BPR DTM@:405 N1@1000A N3@1000A N4@1000A N1@1000B N3@1000B N4@1000B
		CLP NM1@2100:QC SVC DTM@2110:472`),
	"270": strings.Fields(`ST SE BHT HL TRN EQ NM1@2100A N3@2100A N4@2100A NM1@2100B N3@2100B N4@2100B
		NM1@2100C N3@2100C N4@2100C DMG@2100C NM1@2100D N3@2100D N4@2100D DMG@2100D`),
}

// A 271 is read like its 270, with EB instead of EQ.
func init() { mapped["271"] = append([]string{"EB"}, mapped["270"]...) }

// Unmapped lists the segments of t that the conversion does not carry into
// FHIR, one entry each, as "NM1 (segment 12, loop 1000A): not mapped". The
// entries name positions, never values.
func Unmapped(t *x12.Transaction) []string {
	rules := mapped[t.ID()]
	if rules == nil {
		return nil
	}
	var out []string
	for i, s := range t.Segments {
		if isMapped(rules, s, t.Loops[i]) {
			continue
		}
		e := s.ID + " (segment " + strconv.Itoa(s.Pos)
		if t.Loops[i] != "" {
			e += ", loop " + t.Loops[i]
		}
		out = append(out, e+"): not mapped")
	}
	return out
}

func isMapped(rules []string, s *x12.Segment, loop string) bool {
	for _, r := range rules {
		id, where, scoped := strings.Cut(r, "@")
		if id != s.ID {
			continue
		}
		if !scoped {
			return true
		}
		l, qual, _ := strings.Cut(where, ":")
		if l == loop && (qual == "" || s.Value(1) == qual) {
			return true
		}
	}
	return false
}
