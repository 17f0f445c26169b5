// Package msgtmpl expands the text/template strings destinations are
// configured with (HTTP header values, file names) over the metadata of the
// message being delivered.
//
// The data offers header and routing metadata only, never patient data such
// as PID-3: the expanded strings end up in file names and request headers,
// which are logged and listed by systems Plexus does not control.
package msgtmpl

import (
	"bytes"
	"fmt"
	"text/template"
	"time"

	"github.com/plexus-health/plexus/engine"
)

// Data is what a template sees, as {{.Channel}}, {{.ControlID}} and so on.
type Data struct {
	Channel         string    // channel name
	Destination     string    // destination name
	MessageID       int64     // journal ID of the message
	Attempt         int       // delivery attempt, 1 for the first
	ContentType     string    // content type of the payload
	ControlID       string    // MSH-10
	Type            string    // MSH-9.1
	Trigger         string    // MSH-9.2
	SendingApp      string    // MSH-3.1
	SendingFacility string    // MSH-4.1
	ReceivedAt      time.Time // when the message was received, UTC
}

// NewData returns the data for out, each string passed through clean (nil
// keeps them as they are).
func NewData(out *engine.Outbound, clean func(string) string) Data {
	if clean == nil {
		clean = func(s string) string { return s }
	}
	d := Data{
		Channel:     clean(out.Channel),
		Destination: clean(out.Destination),
		MessageID:   out.MessageID,
		Attempt:     out.Attempt,
		ContentType: clean(out.ContentType),
	}
	if m := out.Message; m != nil {
		d.ControlID = clean(m.ControlID)
		d.Type = clean(m.Type)
		d.Trigger = clean(m.Trigger)
		d.SendingApp = clean(m.SendingApp)
		d.SendingFacility = clean(m.SendingFacility)
		d.ReceivedAt = m.ReceivedAt.UTC()
	}
	return d
}

// Template is a parsed template, safe for concurrent use.
type Template struct {
	t *template.Template
}

// Parse parses text and tries it once on sample, a value of the type it
// will be executed on (Data, or a struct embedding it), so that a misspelt
// field ({{.ControlId}}) is reported when the configuration is validated
// rather than when the first message is delivered. It returns the text the
// sample gave.
func Parse(name, text string, sample any) (*Template, string, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, "", err
	}
	tt := &Template{t: t}
	out, err := tt.Execute(sample)
	if err != nil {
		return nil, "", err
	}
	return tt, out, nil
}

// Execute expands the template over d.
func (t *Template) Execute(d any) (string, error) {
	var b bytes.Buffer
	if err := t.t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("expanding template: %w", err)
	}
	return b.String(), nil
}
