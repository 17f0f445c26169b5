package hl7v2

import "testing"

func TestTree(t *testing.T) {
	m, err := Parse([]byte("MSH|^~\\&|A|B\rPID|1||123^^^H^MR~456^^^S^SS||Doe^J\\T\\K||||||1 Main&Suite 2^^Town\rOBX|1\rOBX|2||x\r"))
	if err != nil {
		t.Fatal(err)
	}
	tree := m.Tree()
	if len(tree) != 4 || tree[1].Name != "PID" || tree[1].Index != 2 {
		t.Fatalf("segments %+v", tree)
	}
	want := []TreeLine{
		{1, "PID-1", "1", true},
		{1, "PID-3", "123^^^H^MR~456^^^S^SS", false},
		{2, "PID-3(1)", "123^^^H^MR", false},
		{3, "PID-3(1).1", "123", true},
		{3, "PID-3(1).4", "H", true},
		{3, "PID-3(1).5", "MR", true},
		{2, "PID-3(2)", "456^^^S^SS", false},
		{3, "PID-3(2).1", "456", true},
		{3, "PID-3(2).4", "S", true},
		{3, "PID-3(2).5", "SS", true},
		{1, "PID-5", "Doe^J\\T\\K", false},
		{2, "PID-5.1", "Doe", true},
		{2, "PID-5.2", "J&K", true},
		{1, "PID-11", "1 Main&Suite 2^^Town", false},
		{2, "PID-11.1", "1 Main&Suite 2", false},
		{3, "PID-11.1.1", "1 Main", true},
		{3, "PID-11.1.2", "Suite 2", true},
		{2, "PID-11.3", "Town", true},
	}
	got := tree[1].Lines
	if len(got) != len(want) {
		t.Fatalf("PID lines:\n%+v\nwant\n%+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if tree[3].Lines[0].Label != "OBX(2)-1" {
		t.Errorf("second OBX labelled %q", tree[3].Lines[0].Label)
	}
	// Every leaf's label is a path that gives its text back.
	for _, seg := range tree {
		for _, l := range seg.Lines {
			if !l.Leaf {
				continue
			}
			if v, err := m.Get(l.Label); err != nil || v != l.Text {
				t.Errorf("Get(%q) = %q, %v; the tree shows %q", l.Label, v, err, l.Text)
			}
		}
	}
}
