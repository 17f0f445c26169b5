package archive

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/dicom"
)

// Level is a query/retrieve level.
type Level int

// Query levels, from the top of the hierarchy down.
const (
	Patient Level = iota
	Study
	Series
	Image
)

// ParseLevel reads a Query/Retrieve Level (0008,0052) value.
func ParseLevel(s string) (Level, error) {
	switch strings.TrimSpace(s) {
	case "PATIENT":
		return Patient, nil
	case "STUDY":
		return Study, nil
	case "SERIES":
		return Series, nil
	case "IMAGE":
		return Image, nil
	}
	return 0, fmt.Errorf("unknown query/retrieve level %q", s)
}

// key returns the attribute that identifies an entity at the level.
func (l Level) key() dicom.Tag {
	return [...]dicom.Tag{dicom.TagPatientID, dicom.TagStudyInstanceUID, dicom.TagSeriesInstanceUID, dicom.TagSOPInstanceUID}[l]
}

func (l Level) String() string {
	return [...]string{"PATIENT", "STUDY", "SERIES", "IMAGE"}[l]
}

// Find answers a C-FIND identifier: one data set per matching entity at the
// identifier's Query/Retrieve Level, holding the identifier's keys with the
// entity's values. Matching follows PS3.4 C.2.2.2: an empty key matches
// everything, UI keys match any value of a backslash-separated list, DA/TM/
// DT keys match a range "from-to", other keys match '*' and '?' wildcards,
// PN keys ignore case. Keys the index does not hold are returned empty and
// do not restrict the matches; sequence keys are not supported. Besides the
// indexed attributes, ModalitiesInStudy and the Number of Study/Series
// Related Series/Instances are computed.
func (a *Archive) Find(identifier *dicom.Dataset) ([]*dicom.Dataset, error) {
	level, err := ParseLevel(identifier.String(dicom.TagQueryRetrieveLevel))
	if err != nil {
		return nil, err
	}
	type key struct {
		tag   dicom.Tag
		vr    string
		value string
	}
	var keys []key
	for _, e := range identifier.Elements {
		if e.Tag.Group() == 0x0000 || e.Tag.Group() == 0x0002 || e.Tag == dicom.TagQueryRetrieveLevel || e.Tag == dicom.TagSpecificCharacterSet {
			continue
		}
		if e.IsSequence() {
			return nil, fmt.Errorf("sequence matching key %s is not supported", e.Tag)
		}
		keys = append(keys, key{e.Tag, e.VR, strings.TrimRight(string(e.Value), " \x00")})
	}

	a.mu.RLock()
	defer a.mu.RUnlock()
	// Group instances into entities at the level, keeping first-seen order.
	groups := map[string][]*record{}
	var order []string
	for _, uid := range a.order {
		r := a.byUID[uid]
		k := r.attrs[level.key()]
		if level == Patient {
			k = r.attrs[dicom.TagPatientID] + "\\" + r.attrs[dicom.TagPatientName]
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []*dicom.Dataset
	for _, k := range order {
		rs := groups[k]
		first := rs[0]
		ok := true
		for _, q := range keys {
			if q.value == "" {
				continue
			}
			if q.tag == dicom.TagModalitiesInStudy {
				if !anyModality(rs, q.value) {
					ok = false
					break
				}
				continue
			}
			l, indexedKey := indexed[q.tag]
			if !indexedKey || l > level {
				continue
			}
			if !match(q.vr, q.value, first.attrs[q.tag]) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		ds := &dicom.Dataset{}
		if first.charset != "" {
			ds.SetString(dicom.TagSpecificCharacterSet, first.charset)
		}
		ds.SetString(dicom.TagQueryRetrieveLevel, level.String())
		for _, q := range keys {
			var v string
			switch q.tag {
			case dicom.TagModalitiesInStudy:
				v = modalities(rs)
			case dicom.TagNumberOfStudyRelatedInstances, dicom.TagNumberOfSeriesRelatedInstances:
				v = strconv.Itoa(len(rs))
			case dicom.TagNumberOfStudyRelatedSeries:
				v = strconv.Itoa(countDistinct(rs, dicom.TagSeriesInstanceUID))
			default:
				if l, ok := indexed[q.tag]; ok && l <= level {
					v = first.attrs[q.tag]
				}
			}
			ds.SetString(q.tag, v)
			if e := ds.Find(q.tag); e != nil && q.vr != "" && q.vr != "UN" {
				e.VR = q.vr
			}
		}
		out = append(out, ds)
	}
	return out, nil
}

func modalities(rs []*record) string {
	seen := map[string]bool{}
	var list []string
	for _, r := range rs {
		if m := r.attrs[dicom.TagModality]; m != "" && !seen[m] {
			seen[m] = true
			list = append(list, m)
		}
	}
	sort.Strings(list)
	return strings.Join(list, `\`)
}

func anyModality(rs []*record, query string) bool {
	for _, r := range rs {
		m := r.attrs[dicom.TagModality]
		for _, q := range strings.Split(query, `\`) {
			if match("CS", q, m) {
				return true
			}
		}
	}
	return false
}

func countDistinct(rs []*record, t dicom.Tag) int {
	seen := map[string]bool{}
	for _, r := range rs {
		seen[r.attrs[t]] = true
	}
	return len(seen)
}

// match applies one matching key to a stored value.
func match(vr, query, value string) bool {
	switch vr {
	case "UI":
		for _, q := range strings.Split(query, `\`) {
			if q == value {
				return true
			}
		}
		return false
	case "DA", "TM", "DT":
		if from, to, ok := strings.Cut(query, "-"); ok {
			if value == "" {
				return false
			}
			// Times may be given with fewer digits than stored; compare
			// the stored value cut to the bound's precision.
			if from != "" && value[:min(len(value), len(from))] < from {
				return false
			}
			if to != "" && value[:min(len(value), len(to))] > to {
				return false
			}
			return true
		}
		return query == value
	case "PN":
		return wildcard(strings.ToUpper(query), strings.ToUpper(value))
	}
	return wildcard(query, value)
}

// wildcard matches s against p, where '*' matches any run of characters
// and '?' any one character.
func wildcard(p, s string) bool {
	star, mark := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == s[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case star >= 0:
			mark++
			i, j = star+1, mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}
