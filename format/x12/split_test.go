package x12

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSplitClaims(t *testing.T) {
	tx := transactions(t, []byte(fixture(t)))[0]
	claims, err := SplitClaims(tx)
	if err != nil {
		t.Fatal(err)
	}
	if len(claims) != 2 {
		t.Fatalf("got %d claims, want 2", len(claims))
	}
	for i, c := range claims {
		if c.Index != i+1 {
			t.Errorf("claim %d has index %d", i+1, c.Index)
		}
		r := checkOne(t, string(c.Interchange), Config{})
		if !r.Valid() {
			t.Errorf("claim %d does not validate: %s\n%s", i+1, r.Summary(), c.Interchange)
		}
		one := transactions(t, c.Interchange)
		if len(one) != 1 {
			t.Fatalf("claim %d holds %d sets", i+1, len(one))
		}
		p, _ := ParsePath("2300/CLM-01")
		got := one[0].GetAll(p)
		want := []string{"A37YH556", "A37YH667"}[i]
		if len(got) != 1 || got[0] != want {
			t.Errorf("claim %d holds CLM-01 %v, want %s", i+1, got, want)
		}
		// The billing provider, the submitter and the subscriber come along.
		for _, path := range []string{"1000A/NM1-03", "2010AA/NM1-09", "2010BA/NM1-09", "2010BB/NM1-09"} {
			p, _ := ParsePath(path)
			if _, ok := one[0].Get(p); !ok {
				t.Errorf("claim %d lacks %s", i+1, path)
			}
		}
	}
	want1 := "HL*1**20*1~\nNM1*85*2*MEDICAL GROUP"
	want2 := "HL*2*1*22*0~\nSBR*P**SUBSCRIBER GROUP TWO"
	if !strings.Contains(string(claims[0].Interchange), want1) || !strings.Contains(string(claims[1].Interchange), want2) {
		t.Errorf("levels not renumbered:\n%s", claims[1].Interchange)
	}
}

func TestSplitRefusesOtherSets(t *testing.T) {
	raw := mustRead(t, sharedX12+"/imsweb/src/test/resources/x270_271/x271.txt")
	tx := transactions(t, raw)[0]
	if _, err := SplitClaims(tx); !errors.Is(err, ErrNotClaim) {
		t.Fatalf("err = %v", err)
	}
}

// TestSplitCorpus splits every shared 837 and checks that each claim is a
// well-formed interchange on its own, and that no CLM is lost.
func TestSplitCorpus(t *testing.T) {
	for _, path := range corpusFiles(t) {
		raw := mustRead(t, path)
		if v := verdict(raw); !bytes.Contains(raw, []byte("ST*837*")) || strings.Contains(v, "refused") || strings.Contains(v, ":1") {
			continue // not an 837, or with segments that cannot be read
		}
		splitCount := 0
		sc := NewScanner(bytes.NewReader(raw), Config{})
		var sp Splitter
		sc.Segment = func(s *Segment) {
			if c := sp.Add(s); c != nil {
				// Splitting recounts SE01 and renumbers HL levels; what
				// the source breaks of the implementation guide stays
				// broken in its claims, so the guide is not checked here.
				res, err := Check(bytes.NewReader(c.Interchange), Config{SyntaxOnly: true})
				if err != nil || len(res) != 1 || len(res[0].Groups) != 1 || res[0].Groups[0].Status() != "A" {
					t.Errorf("%s: claim %d does not validate: %v %v", path, c.Index, err, summaries(res))
				}
				if n := bytes.Count(c.Interchange, []byte("CLM*")); n != 1 {
					t.Errorf("%s: claim %d holds %d CLM", path, c.Index, n)
				}
				splitCount++
			}
		}
		for {
			if _, err := sc.Next(); err != nil {
				break
			}
		}
		if want := bytes.Count(raw, []byte("\nCLM*")); splitCount != want {
			t.Errorf("%s: %d claims split, %d in the file", path, splitCount, want)
		}
	}
}
