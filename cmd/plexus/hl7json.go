package main

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// The JSON form of a message is one JSON object on one line (JSON Lines, so
// a file of many messages can be read as a stream, with jq for example):
//
//	{"source":"adt.hl7","message":1,"segments":[
//	  {"name":"MSH","fields":["MSH",["|"],["^~\\&"],["SENDER"],...]},
//	  {"name":"PID","fields":["PID",[],[],[["123","","","HOSP","MR"],["456","","","SSA","SS"]],[],[["Doe","John"]]]}]}
//
// Positions are kept by array index so that no number has to be read from
// a key:
//
//   - fields[n] is field n; fields[0] holds the segment name, so for MSH
//     fields[1] is the field separator and fields[2] the encoding characters.
//   - A field is an array of its repetitions: [] when the field is empty,
//     one element when it does not repeat.
//   - A repetition (and a component) is a string when it does not split
//     further, or else an array of its components (of its subcomponents).
//     Depth tells the level: a repetition whose only component has
//     subcomponents is an array holding one array.
//   - Text has its escape sequences decoded. An empty position is "", and
//     the HL7 null "" (two double quotes, meaning "delete this value") is
//     JSON null, so the two stay distinct.
//
// With --path, each message gives one line holding the addressed value as a
// JSON string (null for the HL7 null).

// jsonMessage is the JSON form of one message.
type jsonMessage struct {
	Source   string        `json:"source"`
	Message  int           `json:"message"`
	Segments []jsonSegment `json:"segments"`
}

type jsonSegment struct {
	Name   string `json:"name"`
	Fields []any  `json:"fields"`
}

// writeJSON writes the JSON form of m, the n-th message of source, as one
// line.
func writeJSON(w io.Writer, source string, n int, m *hl7v2.Message) error {
	doc := jsonMessage{Source: source, Message: n, Segments: make([]jsonSegment, m.Len())}
	for i := range m.Len() {
		seg := m.Seg(i)
		fields := make([]any, seg.NumFields()+1)
		fields[0] = seg.Name()
		for f := 1; f < len(fields); f++ {
			fields[f] = jsonField(seg.Field(f))
		}
		doc.Segments[i] = jsonSegment{Name: seg.Name(), Fields: fields}
	}
	return encodeJSONLine(w, doc)
}

func jsonField(f hl7v2.Value) []any {
	reps := make([]any, f.Reps())
	for r := range reps {
		reps[r] = jsonRep(f.Rep(r + 1))
	}
	return reps
}

// jsonRep returns a repetition as a string, or as an array of components
// when it splits. A single component with subcomponents still makes an
// array, of one element, so that depth always tells the level.
func jsonRep(rep hl7v2.Value) any {
	n := rep.Components()
	if n <= 1 {
		comp := jsonComponent(rep.Component(1))
		if _, split := comp.([]any); split {
			return []any{comp}
		}
		return comp
	}
	comps := make([]any, n)
	for c := range comps {
		comps[c] = jsonComponent(rep.Component(c + 1))
	}
	return comps
}

func jsonComponent(comp hl7v2.Value) any {
	n := comp.Subcomponents()
	if n <= 1 {
		return jsonLeaf(comp)
	}
	subs := make([]any, n)
	for s := range subs {
		subs[s] = jsonLeaf(comp.Sub(s + 1))
	}
	return subs
}

// jsonLeaf returns the decoded text of v, or nil for the HL7 null.
func jsonLeaf(v hl7v2.Value) any {
	if v.IsNull() {
		return nil
	}
	return v.String()
}

// encodeJSONLine writes v as one line of JSON, leaving &, < and > as they
// are: HL7 text is full of them (the encoding characters ^~\&).
func encodeJSONLine(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
