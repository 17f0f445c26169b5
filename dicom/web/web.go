// Package web serves DICOMweb (PS3.18) over an archive: STOW-RS to store
// instances, QIDO-RS to search studies, series and instances, and WADO-RS
// to retrieve them and their metadata, under /dicomweb.
//
// The handler does no authentication or authorization of its own; the
// server that mounts it wraps it with the same middleware as the rest of
// its API.
package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
)

// Prefix is the path under which the handler serves.
const Prefix = "/dicomweb"

// DefaultMaxUpload bounds the body of a STOW-RS request.
const DefaultMaxUpload = 1 << 30

// Handler serves DICOMweb over an archive.
type Handler struct {
	archive   *archive.Archive
	onStored  func(*http.Request, archive.Instance) error
	maxUpload int64
	log       *slog.Logger
	mux       *http.ServeMux
}

// Options configure a Handler.
type Options struct {
	// OnStored, when set, is called after each instance of a STOW-RS
	// request is durable; an error reports that instance as failed.
	OnStored func(*http.Request, archive.Instance) error
	// MaxUpload bounds a STOW-RS body; 0 means DefaultMaxUpload.
	MaxUpload int64
	// Logger receives failures, without patient data; nil means
	// slog.Default().
	Logger *slog.Logger
}

// New returns a handler for the paths under Prefix.
func New(a *archive.Archive, opts Options) *Handler {
	h := &Handler{archive: a, onStored: opts.OnStored, maxUpload: opts.MaxUpload, log: opts.Logger, mux: http.NewServeMux()}
	if h.maxUpload <= 0 {
		h.maxUpload = DefaultMaxUpload
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	p := Prefix
	h.mux.HandleFunc("POST "+p+"/studies", h.stow)
	h.mux.HandleFunc("POST "+p+"/studies/{study}", h.stow)
	h.mux.HandleFunc("GET "+p+"/studies", h.qido(archive.Study))
	h.mux.HandleFunc("GET "+p+"/series", h.qido(archive.Series))
	h.mux.HandleFunc("GET "+p+"/instances", h.qido(archive.Image))
	h.mux.HandleFunc("GET "+p+"/studies/{study}/series", h.qido(archive.Series))
	h.mux.HandleFunc("GET "+p+"/studies/{study}/instances", h.qido(archive.Image))
	h.mux.HandleFunc("GET "+p+"/studies/{study}/series/{series}/instances", h.qido(archive.Image))
	h.mux.HandleFunc("GET "+p+"/studies/{study}", h.wado)
	h.mux.HandleFunc("GET "+p+"/studies/{study}/series/{series}", h.wado)
	h.mux.HandleFunc("GET "+p+"/studies/{study}/series/{series}/instances/{instance}", h.wado)
	h.mux.HandleFunc("GET "+p+"/studies/{study}/metadata", h.metadata)
	h.mux.HandleFunc("GET "+p+"/studies/{study}/series/{series}/metadata", h.metadata)
	h.mux.HandleFunc("GET "+p+"/studies/{study}/series/{series}/instances/{instance}/metadata", h.metadata)
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

var _ http.Handler = (*Handler)(nil)

func problem(w http.ResponseWriter, status int, format string, a ...any) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, format+"\n", a...)
}

// Tags of the STOW-RS response (PS3.18 10.5.3).
const (
	tagFailureReason           = dicom.Tag(0x00081197)
	tagFailedSOPSequence       = dicom.Tag(0x00081198)
	tagReferencedSOPSequence   = dicom.Tag(0x00081199)
	tagReferencedSOPClassUID   = dicom.Tag(0x00081150)
	tagReferencedSOPInstanceUI = dicom.Tag(0x00081155)
	tagRetrieveURL             = dicom.Tag(0x00081190)
)

// Failure reasons (PS3.18 table I.2-1 / PS3.4 status codes).
const (
	reasonProcessingFailure = 0x0110
	reasonCannotUnderstand  = 0xC000
	reasonStudyMismatch     = 0xA900
)

// stow stores the application/dicom parts of a multipart/related body.
func (h *Handler) stow(w http.ResponseWriter, r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/related" || params["boundary"] == "" {
		problem(w, http.StatusUnsupportedMediaType, "STOW-RS takes multipart/related; type=\"application/dicom\" with a boundary")
		return
	}
	if t := params["type"]; t != "" && t != "application/dicom" {
		problem(w, http.StatusUnsupportedMediaType, "only application/dicom parts are accepted, not %q", t)
		return
	}
	study := r.PathValue("study")
	mr := multipart.NewReader(http.MaxBytesReader(w, r.Body, h.maxUpload), params["boundary"])
	var stored, failed []map[string]any
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problem(w, http.StatusBadRequest, "reading the multipart body: %v", err)
			return
		}
		if ct := part.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/dicom") {
			problem(w, http.StatusUnsupportedMediaType, "part of type %q; only application/dicom is accepted", ct)
			return
		}
		data, err := io.ReadAll(part)
		if err != nil {
			problem(w, http.StatusBadRequest, "reading a part: %v", err)
			return
		}
		ref, ok := h.storePart(r, study, data)
		if ok {
			stored = append(stored, ref)
		} else {
			failed = append(failed, ref)
		}
	}
	status := http.StatusOK
	switch {
	case len(stored) == 0 && len(failed) == 0:
		problem(w, http.StatusBadRequest, "no instances in the request")
		return
	case len(stored) == 0:
		status = http.StatusConflict
	case len(failed) > 0:
		status = http.StatusAccepted
	}
	body := map[string]any{}
	if len(stored) > 0 {
		body[hexTag(tagReferencedSOPSequence)] = map[string]any{"vr": "SQ", "Value": stored}
	}
	if len(failed) > 0 {
		body[hexTag(tagFailedSOPSequence)] = map[string]any{"vr": "SQ", "Value": failed}
	}
	w.Header().Set("Content-Type", "application/dicom+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// storePart stores one Part 10 file and returns its reference item.
func (h *Handler) storePart(r *http.Request, study string, data []byte) (map[string]any, bool) {
	f, err := dicom.ParseFile(data, &dicom.Options{StopAtPixelData: true})
	class, inst := "", ""
	if err == nil {
		class, inst = f.Dataset.String(dicom.TagSOPClassUID), f.Dataset.String(dicom.TagSOPInstanceUID)
	}
	ref := map[string]any{}
	if class != "" {
		ref[hexTag(tagReferencedSOPClassUID)] = map[string]any{"vr": "UI", "Value": []any{class}}
	}
	if inst != "" {
		ref[hexTag(tagReferencedSOPInstanceUI)] = map[string]any{"vr": "UI", "Value": []any{inst}}
	}
	fail := func(reason int, msg string, err error) (map[string]any, bool) {
		ref[hexTag(tagFailureReason)] = map[string]any{"vr": "US", "Value": []any{reason}}
		h.log.Warn("dicomweb instance not stored", "reason", msg, "error", err)
		return ref, false
	}
	switch {
	case err != nil:
		return fail(reasonCannotUnderstand, "unreadable part", err)
	case f.Meta.String(dicom.TagTransferSyntaxUID) == "":
		return fail(reasonCannotUnderstand, "part without file meta information", nil)
	case f.TransferSyntax.Implicit && f.TransferSyntax.UID != dicom.ImplicitVRLittleEndian:
		return fail(reasonCannotUnderstand, "data set not in its declared transfer syntax", nil)
	case study != "" && f.Dataset.String(dicom.TagStudyInstanceUID) != study:
		return fail(reasonStudyMismatch, "instance of another study", nil)
	}
	stored, err := h.archive.Store("", class, inst, f.TransferSyntax, data[f.DatasetOffset:])
	if err != nil {
		if errors.Is(err, archive.ErrInvalid) {
			return fail(reasonCannotUnderstand, "invalid instance", err)
		}
		return fail(reasonProcessingFailure, "store failed", err)
	}
	if h.onStored != nil {
		if err := h.onStored(r, stored); err != nil {
			return fail(reasonProcessingFailure, "stored but not recorded", err)
		}
	}
	ref[hexTag(tagRetrieveURL)] = map[string]any{"vr": "UR", "Value": []any{retrieveURL(r, stored)}}
	return ref, true
}

func retrieveURL(r *http.Request, in archive.Instance) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s%s/studies/%s/series/%s/instances/%s", scheme, r.Host, Prefix, in.StudyInstanceUID, in.SeriesInstanceUID, in.SOPInstanceUID)
}

func hexTag(t dicom.Tag) string { return fmt.Sprintf("%08X", uint32(t)) }

// selected returns the instances of the study, series or one instance the
// request's path names.
func (h *Handler) selected(r *http.Request) []archive.Instance {
	study, series, instance := r.PathValue("study"), r.PathValue("series"), r.PathValue("instance")
	var list []archive.Instance
	for _, in := range h.archive.Study(study) {
		if (series == "" || in.SeriesInstanceUID == series) && (instance == "" || in.SOPInstanceUID == instance) {
			list = append(list, in)
		}
	}
	return list
}

// wado returns the instances of a study, series or one instance as
// multipart/related; type="application/dicom".
func (h *Handler) wado(w http.ResponseWriter, r *http.Request) {
	if acc := r.Header.Get("Accept"); acc != "" && !acceptsMultipartDICOM(acc) {
		problem(w, http.StatusNotAcceptable, "WADO-RS returns multipart/related; type=\"application/dicom\"")
		return
	}
	list := h.selected(r)
	if len(list) == 0 {
		problem(w, http.StatusNotFound, "no such instances")
		return
	}
	mw := multipart.NewWriter(w)
	w.Header().Set("Content-Type", fmt.Sprintf("multipart/related; type=\"application/dicom\"; boundary=%s", mw.Boundary()))
	for _, in := range list {
		f, err := os.Open(in.Path)
		if err != nil {
			h.log.Warn("dicomweb instance unreadable", "error", err)
			return // the response is cut short; the client sees a broken multipart body
		}
		pw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"application/dicom; transfer-syntax=" + in.TransferSyntaxUID}})
		if err == nil {
			_, err = io.Copy(pw, f)
		}
		f.Close()
		if err != nil {
			return
		}
	}
	mw.Close()
}

func acceptsMultipartDICOM(accept string) bool {
	for _, a := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(a))
		if err != nil {
			continue
		}
		switch {
		case mt == "*/*", mt == "multipart/*":
			return true
		case mt == "multipart/related" && (params["type"] == "" || params["type"] == "application/dicom"):
			return true
		}
	}
	return false
}

// defaultFields are the attributes QIDO-RS returns at each level
// (PS3.18 table 10.6.3-3 to -5, those the archive indexes).
var defaultFields = map[archive.Level][]dicom.Tag{
	archive.Study: {dicom.TagStudyDate, dicom.TagStudyTime, dicom.TagAccessionNumber, dicom.TagModalitiesInStudy, dicom.TagReferringPhysicianName,
		dicom.TagPatientName, dicom.TagPatientID, dicom.TagPatientBirthDate, dicom.TagPatientSex, dicom.TagStudyInstanceUID, dicom.TagStudyID,
		dicom.TagNumberOfStudyRelatedSeries, dicom.TagNumberOfStudyRelatedInstances},
	archive.Series: {dicom.TagModality, dicom.TagSeriesDescription, dicom.TagSeriesInstanceUID, dicom.TagSeriesNumber, dicom.TagNumberOfSeriesRelatedInstances},
	archive.Image:  {dicom.TagSOPClassUID, dicom.TagSOPInstanceUID, dicom.TagInstanceNumber},
}

// qido answers a search at the level.
func (h *Handler) qido(level archive.Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := &dicom.Dataset{}
		id.SetString(dicom.TagQueryRetrieveLevel, level.String())
		for _, t := range defaultFields[level] {
			id.SetString(t, "")
		}
		// Search within the path's study and series, returning their UIDs.
		if s := r.PathValue("study"); s != "" {
			id.SetString(dicom.TagStudyInstanceUID, s)
		} else if level > archive.Study {
			id.SetString(dicom.TagStudyInstanceUID, "")
		}
		if s := r.PathValue("series"); s != "" {
			id.SetString(dicom.TagSeriesInstanceUID, s)
		} else if level > archive.Series {
			id.SetString(dicom.TagSeriesInstanceUID, "")
		}
		limit, offset := -1, 0
		for name, values := range r.URL.Query() {
			v := values[len(values)-1]
			switch name {
			case "limit", "offset":
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 {
					problem(w, http.StatusBadRequest, "%s must be a non-negative integer", name)
					return
				}
				if name == "limit" {
					limit = n
				} else {
					offset = n
				}
				continue
			case "fuzzymatching":
				continue // exact and wildcard matching only
			case "includefield":
				for _, v := range values {
					for _, f := range strings.Split(v, ",") {
						if f == "all" {
							continue
						}
						t, ok := parseAttr(f)
						if !ok {
							problem(w, http.StatusBadRequest, "unknown attribute %q in includefield", f)
							return
						}
						if id.Find(t) == nil {
							id.SetString(t, "")
						}
					}
				}
				continue
			}
			t, ok := parseAttr(name)
			if !ok {
				problem(w, http.StatusBadRequest, "unknown query parameter %q", name)
				return
			}
			id.SetString(t, v)
		}
		results, err := h.archive.Find(id)
		if err != nil {
			problem(w, http.StatusBadRequest, "%v", err)
			return
		}
		if offset > len(results) {
			offset = len(results)
		}
		results = results[offset:]
		if limit >= 0 && limit < len(results) {
			results = results[:limit]
		}
		out := make([]any, 0, len(results))
		for _, ds := range results {
			out = append(out, dicomJSON(ds))
		}
		if len(out) == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/dicom+json")
		json.NewEncoder(w).Encode(out)
	}
}

// parseAttr reads a keyword ("PatientName") or a tag in hex ("00100010").
func parseAttr(s string) (dicom.Tag, bool) {
	if len(s) == 8 {
		if n, err := strconv.ParseUint(s, 16, 32); err == nil {
			return dicom.Tag(n), true
		}
	}
	return dicom.TagByKeyword(s)
}

// dicomJSON converts a data set of text values to the DICOM JSON model
// (PS3.18 F.2).
func dicomJSON(ds *dicom.Dataset) map[string]any {
	out := map[string]any{}
	for _, e := range ds.Elements {
		if e.Tag == dicom.TagQueryRetrieveLevel {
			continue
		}
		attr := map[string]any{"vr": e.VR}
		text := strings.TrimRight(string(e.Value), " \x00")
		if text != "" {
			var vals []any
			for _, v := range strings.Split(text, `\`) {
				v = strings.TrimSpace(v)
				switch e.VR {
				case "PN":
					vals = append(vals, map[string]any{"Alphabetic": v})
				case "IS":
					if n, err := strconv.ParseInt(v, 10, 64); err == nil {
						vals = append(vals, n)
					} else {
						vals = append(vals, nil)
					}
				case "DS":
					if n, err := strconv.ParseFloat(v, 64); err == nil {
						vals = append(vals, n)
					} else {
						vals = append(vals, nil)
					}
				default:
					vals = append(vals, v)
				}
			}
			attr["Value"] = vals
		}
		out[hexTag(e.Tag)] = attr
	}
	return out
}
