// Package imagingstudy builds FHIR R4 ImagingStudy resources from the
// instances of a study held in a DICOM archive.
package imagingstudy

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
)

// DICOM code systems as FHIR names them.
const (
	systemDICOMUID = "urn:dicom:uid"
	systemDCM      = "http://dicom.nema.org/resources/ontology/DCM"
	systemURI      = "urn:ietf:rfc:3986"
)

// Options tune the resource.
type Options struct {
	// Subject is the reference to the Patient ("Patient/123"). When empty,
	// the subject is a logical reference by the instances' Patient ID,
	// with PatientIDSystem as its identifier system (if set).
	Subject         string
	PatientIDSystem string
}

// Build returns the ImagingStudy, as FHIR JSON, of the instances of one
// study. The resource id is the study instance UID (a UID is a valid FHIR
// id), so building the same study again gives the same id. Series are
// ordered by series number, then UID; instances by instance number, then
// UID.
func Build(instances []archive.Instance, opts Options) ([]byte, error) {
	if len(instances) == 0 {
		return nil, errors.New("imagingstudy: no instances")
	}
	first := instances[0].Attributes
	study := instances[0].StudyInstanceUID
	type series struct {
		uid       string
		attrs     map[dicom.Tag]string
		instances []archive.Instance
	}
	bySeries := map[string]*series{}
	for _, in := range instances {
		if in.StudyInstanceUID != study {
			return nil, fmt.Errorf("imagingstudy: instances of more than one study")
		}
		s := bySeries[in.SeriesInstanceUID]
		if s == nil {
			s = &series{uid: in.SeriesInstanceUID, attrs: in.Attributes}
			bySeries[in.SeriesInstanceUID] = s
		}
		s.instances = append(s.instances, in)
	}
	list := make([]*series, 0, len(bySeries))
	for _, s := range bySeries {
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool {
		ni, oki := number(list[i].attrs[dicom.TagSeriesNumber])
		nj, okj := number(list[j].attrs[dicom.TagSeriesNumber])
		if oki && okj && ni != nj {
			return ni < nj
		}
		return list[i].uid < list[j].uid
	})

	res := map[string]any{
		"resourceType": "ImagingStudy",
		"id":           study,
		"identifier":   []any{map[string]any{"system": systemDICOMUID, "value": "urn:oid:" + study}},
		"status":       "available",
		"subject":      subject(first, opts),
	}
	if started := date(first[dicom.TagStudyDate]); started != "" {
		res["started"] = started
	}
	if acc := first[dicom.TagAccessionNumber]; acc != "" {
		res["identifier"] = append(res["identifier"].([]any), map[string]any{
			"type":  map[string]any{"coding": []any{map[string]any{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "ACSN"}}},
			"value": acc,
		})
	}
	if d := first[dicom.TagStudyDescription]; d != "" {
		res["description"] = d
	}
	modalities := map[string]bool{}
	var fhirSeries []any
	for _, s := range list {
		mod := s.attrs[dicom.TagModality]
		if mod == "" {
			mod = "OT" // "other": series.modality is required
		}
		modalities[mod] = true
		fs := map[string]any{
			"uid":               s.uid,
			"modality":          map[string]any{"system": systemDCM, "code": mod},
			"numberOfInstances": len(s.instances),
		}
		if n, ok := number(s.attrs[dicom.TagSeriesNumber]); ok && n >= 0 {
			fs["number"] = n
		}
		if d := s.attrs[dicom.TagSeriesDescription]; d != "" {
			fs["description"] = d
		}
		sort.Slice(s.instances, func(i, j int) bool {
			ni, oki := number(s.instances[i].Attributes[dicom.TagInstanceNumber])
			nj, okj := number(s.instances[j].Attributes[dicom.TagInstanceNumber])
			if oki && okj && ni != nj {
				return ni < nj
			}
			return s.instances[i].SOPInstanceUID < s.instances[j].SOPInstanceUID
		})
		var fi []any
		for _, in := range s.instances {
			m := map[string]any{
				"uid":      in.SOPInstanceUID,
				"sopClass": map[string]any{"system": systemURI, "code": "urn:oid:" + in.SOPClassUID},
			}
			if n, ok := number(in.Attributes[dicom.TagInstanceNumber]); ok && n >= 0 {
				m["number"] = n
			}
			fi = append(fi, m)
		}
		fs["instance"] = fi
		fhirSeries = append(fhirSeries, fs)
	}
	var mods []string
	for m := range modalities {
		mods = append(mods, m)
	}
	sort.Strings(mods)
	var codings []any
	for _, m := range mods {
		codings = append(codings, map[string]any{"system": systemDCM, "code": m})
	}
	res["modality"] = codings
	res["numberOfSeries"] = len(list)
	res["numberOfInstances"] = len(instances)
	res["series"] = fhirSeries
	return json.Marshal(res)
}

func subject(attrs map[dicom.Tag]string, opts Options) map[string]any {
	if opts.Subject != "" {
		return map[string]any{"reference": opts.Subject}
	}
	id := map[string]any{"value": attrs[dicom.TagPatientID]}
	if id["value"] == "" {
		id["value"] = "unknown"
	}
	if opts.PatientIDSystem != "" {
		id["system"] = opts.PatientIDSystem
	}
	return map[string]any{"type": "Patient", "identifier": id}
}

// date turns a DICOM DA (YYYYMMDD) into a FHIR date; other values give "".
func date(da string) string {
	da = strings.TrimSpace(da)
	if len(da) != 8 {
		return ""
	}
	for _, c := range da {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return da[:4] + "-" + da[4:6] + "-" + da[6:]
}

// number reads an IS value.
func number(is string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(is))
	return n, err == nil
}
