package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestSummarizeFHIR(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     string // ResourceType/Type: entries as type/id method url, or "error"
	}{
		{"transaction", bundle, "Bundle/transaction: Patient/pat-123 PUT Patient/pat-123; Encounter/enc-9 PUT Encounter/enc-9"},
		{"single resource", `{"resourceType":"Patient","id":"p1","name":[{"family":"Doe"}]}`, "Patient/: Patient/p1  "},
		{"empty bundle", `{"resourceType":"Bundle","type":"collection"}`, "Bundle/collection: "},
		{"not FHIR", `{"a":1}`, "error"},
		{"array", `[1,2]`, "error"},
		{"wrong types", `{"resourceType":"Bundle","entry":"x"}`, "error"},
	} {
		sum, err := summarizeFHIR([]byte(c.in))
		got := "error"
		if err == nil {
			var entries []string
			for _, e := range sum.Entries {
				entries = append(entries, e.ResourceType+"/"+e.ID+" "+e.Method+" "+e.URL)
			}
			got = sum.ResourceType + "/" + sum.Type + ": " + strings.Join(entries, "; ")
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func FuzzSummarizeFHIR(f *testing.F) {
	f.Add([]byte(bundle))
	f.Add([]byte(`{"resourceType":"Observation","id":"o"}`))
	f.Add([]byte(`{"resourceType":"Bundle","entry":[{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sum, err := summarizeFHIR(b)
		if err == nil && (sum.ResourceType == "" || len(sum.Entries) > maxBundleEntries) {
			t.Errorf("summary %+v", sum)
		}
	})
}

func TestHL7Tree(t *testing.T) {
	tree, err := hl7Tree([]byte("MSH|^~\\&|A|B\rPID|1||123^^^H^MR~456^^^S^SS||Doe^J\\T\\K||||||1 Main&Suite 2^^Town\rOBX|1\rOBX|2\r"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range tree {
		got = append(got, s.Name)
		for _, l := range s.Lines {
			got = append(got, strings.Repeat(" ", l.Depth)+l.Label+"="+l.Text)
		}
	}
	want := []string{
		"MSH", " MSH-1=|", " MSH-2=^~\\&", " MSH-3=A", " MSH-4=B",
		"PID", " PID-1=1",
		" PID-3=123^^^H^MR~456^^^S^SS", "  PID-3(1)=123^^^H^MR", "   PID-3(1).1=123", "   PID-3(1).4=H", "   PID-3(1).5=MR",
		"  PID-3(2)=456^^^S^SS", "   PID-3(2).1=456", "   PID-3(2).4=S", "   PID-3(2).5=SS",
		" PID-5=Doe^J\\T\\K", "  PID-5.1=Doe", "  PID-5.2=J&K",
		" PID-11=1 Main&Suite 2^^Town", "  PID-11.1=1 Main&Suite 2", "   PID-11.1.1=1 Main", "   PID-11.1.2=Suite 2", "  PID-11.3=Town",
		"OBX", " OBX-1=1", "OBX", " OBX(2)-1=2",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := hl7Tree([]byte("not a message")); err == nil {
		t.Error("a non-message parsed")
	}
}

func FuzzHL7Tree(f *testing.F) {
	f.Add(hl7("C1", "P1"))
	f.Add([]byte("MSH|^~\\&|A\rPID|1||1&2^3~4\r"))
	f.Add([]byte("MSH|"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tree, err := hl7Tree(b)
		if err != nil {
			return
		}
		for _, s := range tree {
			for _, l := range s.Lines {
				if l.Depth < 1 || l.Depth > 4 || l.Label == "" {
					t.Fatalf("line %+v of %s", l, s.Name)
				}
			}
		}
	})
}

func FuzzParseSearch(f *testing.F) {
	f.Add("channel=adt&status=dead&from=2024-01-01T00:00&to=2024-02-01&before=10&limit=20&q=x")
	f.Add("from=2024-13-01")
	f.Add("limit=0&before=-1")
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		filter, err := parseSearch(q)
		if err != nil {
			return
		}
		if filter.Limit < 1 || filter.Limit > maxPage || filter.BeforeID < 0 ||
			!filter.From.IsZero() && !filter.To.IsZero() && !filter.From.Before(filter.To) {
			t.Errorf("accepted %q as %+v", query, filter)
		}
	})
}
