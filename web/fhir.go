package web

import (
	"encoding/json"
	"errors"
)

// bundleSummary lists what a FHIR payload holds: for a Bundle each entry's
// resource type and id and its request (method and URL), for a single
// resource that resource alone.
type bundleSummary struct {
	ResourceType string // "Bundle", or the single resource's type
	Type         string // the Bundle's type: transaction, batch, collection...
	Entries      []bundleEntry
}

// bundleEntry is one entry of a Bundle.
type bundleEntry struct {
	ResourceType string
	ID           string
	FullURL      string
	Method       string
	URL          string
}

// maxBundleEntries bounds the entries listed; a page does not need more.
const maxBundleEntries = 1000

// errNotFHIR is returned for JSON that is not a FHIR resource.
var errNotFHIR = errors.New("not a FHIR resource: no resourceType")

// summarizeFHIR reads a FHIR JSON payload. Only the fields listed are
// decoded; anything else in the resource is skipped.
func summarizeFHIR(b []byte) (*bundleSummary, error) {
	var doc struct {
		ResourceType string `json:"resourceType"`
		ID           string `json:"id"`
		Type         string `json:"type"`
		Entry        []struct {
			FullURL  string `json:"fullUrl"`
			Resource struct {
				ResourceType string `json:"resourceType"`
				ID           string `json:"id"`
			} `json:"resource"`
			Request struct {
				Method string `json:"method"`
				URL    string `json:"url"`
			} `json:"request"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if doc.ResourceType == "" {
		return nil, errNotFHIR
	}
	out := &bundleSummary{ResourceType: doc.ResourceType}
	if doc.ResourceType != "Bundle" {
		out.Entries = []bundleEntry{{ResourceType: doc.ResourceType, ID: doc.ID}}
		return out, nil
	}
	out.Type = doc.Type
	for i, e := range doc.Entry {
		if i == maxBundleEntries {
			break
		}
		out.Entries = append(out.Entries, bundleEntry{ResourceType: e.Resource.ResourceType, ID: e.Resource.ID,
			FullURL: e.FullURL, Method: e.Request.Method, URL: e.Request.URL})
	}
	return out, nil
}
