package v2fhir

import (
	"encoding/base64"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

var decimalRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// primitive converts text to the JSON form of a FHIR primitive type.
func primitive(typ, text string) (any, error) {
	text = trimSpace(text)
	if text == "" {
		return nil, nil
	}
	switch typ {
	case "boolean":
		switch strings.ToLower(text) {
		case "y", "true":
			return true, nil
		case "n", "false":
			return false, nil
		}
		return nil, errors.New("not a boolean: " + strconv.Quote(text))
	case "integer", "positiveInt", "unsignedInt":
		n, err := strconv.Atoi(strings.TrimPrefix(text, "+"))
		if err != nil || typ == "positiveInt" && n < 1 || typ == "unsignedInt" && n < 0 {
			return nil, errors.New("not an " + typ + ": " + strconv.Quote(text))
		}
		return num(strconv.Itoa(n)), nil
	case "decimal":
		t := strings.TrimPrefix(text, "+")
		if strings.HasPrefix(t, ".") {
			t = "0" + t
		}
		if strings.HasPrefix(t, "-.") {
			t = "-0" + t[1:]
		}
		if !decimalRE.MatchString(t) {
			return nil, errors.New("not a number: " + strconv.Quote(text))
		}
		return num(t), nil
	case "code", "id":
		return collapseSpace(text), nil
	case "uri", "url", "canonical", "oid", "uuid":
		if strings.ContainsAny(text, " \t") {
			return nil, errors.New("not a uri: " + strconv.Quote(text))
		}
		return text, nil
	case "date", "dateTime", "instant", "time":
		return nil, errors.New("date needs a zone context")
	}
	return text, nil
}

func (c *conv) dateValue(typ, text string) (any, error) {
	d, err := parseDTM(text)
	if err != nil {
		return nil, errors.New("bad date/time: " + err.Error())
	}
	switch typ {
	case "date":
		return d.date(), nil
	case "instant":
		s, ok := d.instant(c.opts.Zone)
		if !ok {
			return nil, errors.New("not an instant (needs seconds and a zone)")
		}
		return s, nil
	}
	s, err := d.dateTime(c.opts.Zone)
	return s, err
}

// primitiveFrom converts the value of a row with a primitive leaf: a
// vocabulary map applies first; codes of a required binding the map does not
// know are not written (and reported), other codes pass through.
func (c *conv) primitiveFrom(rw *row, x val) (any, error) {
	text := x.text()
	switch {
	case rw.cweText:
		// CWE[string]: the original text (CWE.9), else the text (CWE.2),
		// as its table says; else the code (CWE.1), which the table maps
		// nowhere, so that a code alone is not lost.
		text = ""
		for _, i := range []int{9, 2, 1} {
			if text = x.part(i).text(); text != "" {
				break
			}
		}
	case rw.joinText:
		text = joinParts(x)
	case rw.valuePart > 0:
		text = x.part(rw.valuePart).text()
	}
	if text == "" {
		return nil, nil
	}
	switch rw.leafType {
	case "date", "dateTime", "instant":
		return c.dateValue(rw.leafType, x.v.String())
	case "time":
		return nil, errors.New("time values are not mapped")
	}
	if rw.vocab != "" {
		if cc, ok := rw.cm.lookup(text); ok {
			text = cc.code
		} else if rw.required || rw.leafType == "boolean" {
			return nil, errors.New("code " + strconv.Quote(text) + " is not in " + rw.vocab)
		}
	}
	if rw.valueSet != nil && !rw.hasAssig && !rw.valueSet.HasCode(text) {
		// A code a required binding does not allow is not written: with no
		// vocabulary map (TXA-17 "AU" into docStatus), or one that passed it
		// through. The same code in lower case is the FHIR code when it is
		// one ("Cancelled" → cancelled).
		if l := strings.ToLower(text); rw.valueSet.HasCode(l) {
			return l, nil
		}
		return nil, errors.New("code " + strconv.Quote(text) + " is not in " + rw.valueSet.URL)
	}
	if rw.base64 {
		if _, err := base64.StdEncoding.DecodeString(text); err != nil {
			return nil, errors.New("not base64 (only Base64 encoded data is mapped)")
		}
		return text, nil
	}
	if rw.encode64 {
		return base64.StdEncoding.EncodeToString([]byte(text)), nil
	}
	if rw.hdURI {
		u := c.hdURI(x)
		if u == "" {
			return nil, nil
		}
		return u, nil
	}
	return primitive(rw.leafType, text)
}

// joinParts renders a composite as text, its non-empty parts joined by spaces.
func joinParts(x val) string {
	var parts []string
	for i := 1; i <= 20; i++ {
		p := x.part(i)
		if t := p.text(); t != "" {
			parts = append(parts, t)
		}
		if x.level == 2 {
			break
		}
	}
	return strings.Join(parts, " ")
}

// hdURI gives a HD (or the HD of an EI/CX) as a system URI: its universal
// id by type (ISO → urn:oid:, UUID → urn:uuid:, URI and DNS as written), or
// the site's configured system for its namespace. "" when neither is known.
func (c *conv) hdURI(x val) string {
	ns, uid, typ := x.part(1).text(), x.part(2).text(), strings.ToUpper(x.part(3).text())
	if uid != "" {
		switch typ {
		case "ISO":
			return "urn:oid:" + uid
		case "UUID":
			return "urn:uuid:" + strings.ToLower(uid)
		case "URI", "DNS", "URL":
			if !strings.ContainsAny(uid, " \t") {
				return uid
			}
		}
	}
	if s := c.opts.Systems[ns]; s != "" {
		return s
	}
	return ""
}

// wellKnownSystems maps the coding system names of HL7 table 0396 that
// occur in practice to FHIR system URIs.
var wellKnownSystems = map[string]string{
	"LN": "http://loinc.org", "LOINC": "http://loinc.org",
	"SCT": "http://snomed.info/sct", "SNM": "http://snomed.info/sct", "SNOMED": "http://snomed.info/sct", "SNM3": "http://snomed.info/sct",
	"I10": "http://hl7.org/fhir/sid/icd-10", "ICD10": "http://hl7.org/fhir/sid/icd-10", "I10C": "http://hl7.org/fhir/sid/icd-10-cm",
	"ICD10CM": "http://hl7.org/fhir/sid/icd-10-cm", "I9": "http://hl7.org/fhir/sid/icd-9-cm", "I9C": "http://hl7.org/fhir/sid/icd-9-cm",
	"UCUM": "http://unitsofmeasure.org", "CVX": "http://hl7.org/fhir/sid/cvx", "NDC": "http://hl7.org/fhir/sid/ndc",
	"RXNORM": "http://www.nlm.nih.gov/research/umls/rxnorm", "CPT": "http://www.ama-assn.org/go/cpt", "C4": "http://www.ama-assn.org/go/cpt",
	"ISO3166_1": "urn:iso:std:iso:3166", "ISO+": "urn:iso:std:iso:11073:10101",
}

// codeSystemURI turns a v2 coding system name into a URI: HL7nnnn → the
// terminology.hl7.org v2 table, well-known names, URIs as they are. Any other
// name is kept as written, so a local code keeps its original system.
func codeSystemURI(name string) string {
	n := strings.TrimSpace(name)
	if n == "" || strings.Contains(n, ":") {
		return n
	}
	up := strings.ToUpper(n)
	if u, ok := wellKnownSystems[up]; ok {
		return u
	}
	if len(up) >= 7 && strings.HasPrefix(up, "HL7") && digits(up[3:]) {
		return "http://terminology.hl7.org/CodeSystem/v2-" + up[len(up)-4:]
	}
	if len(up) >= 5 && strings.HasPrefix(up, "99") {
		return "urn:plexus:local:" + url.PathEscape(n) // a local table (99zzz)
	}
	return "urn:plexus:v2-coding-system:" + url.PathEscape(n)
}

// finishCoded normalizes the codings of a CodeableConcept or Coding made by
// a data type table and applies the row's vocabulary map: a known code gets
// the mapped FHIR coding first, the original coding is kept after it.
func (c *conv) finishCoded(o *obj, leaf string, cm *conceptMap) {
	fix := func(cd *obj) {
		if s := cd.str("system"); s != "" {
			cd.set("system", codeSystemURI(s))
		}
		if code := cd.str("code"); code != "" {
			cd.set("code", collapseSpace(code))
		}
	}
	switch leaf {
	case "Coding":
		fix(o)
		if cm == nil {
			return
		}
		if cc, ok := cm.lookup(o.str("code")); ok {
			o.reset()
			o.set("system", cc.system)
			o.set("code", cc.code)
			if cc.display != "" {
				o.set("display", cc.display)
			}
		}
	case "CodeableConcept":
		codings := o.list("coding")
		for _, e := range codings {
			if cd, ok := e.(*obj); ok {
				fix(cd)
			}
		}
		if cm == nil || len(codings) == 0 {
			return
		}
		first, _ := codings[0].(*obj)
		if first == nil {
			return
		}
		if cc, ok := cm.lookup(first.str("code")); ok && cc.system != first.str("system") {
			m := c.newObj()
			m.set("system", cc.system)
			m.set("code", cc.code)
			if cc.display != "" {
				m.set("display", cc.display)
			}
			o.get("coding").(*arr).v = slices.Insert(codings, 0, any(m))
		}
	}
}

// collapseSpace joins the words of s with single spaces (a FHIR code has no
// other whitespace). It allocates only when s must change.
func collapseSpace(s string) string {
	prev := byte(' ')
	for i := 0; i < len(s); i++ {
		c := s[i]
		sp := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
		if sp && (c != ' ' || prev == ' ' || i == len(s)-1) || c >= utf8.RuneSelf {
			return strings.Join(strings.Fields(s), " ")
		}
		prev = c
	}
	return s
}
