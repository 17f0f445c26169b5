package repo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// describe lists a page as "Type/id/version" words.
func describe(vs []*Version) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.Type+"/"+v.ID+"/"+v.VersionID)
	}
	return strings.Join(s, " ")
}

// pages walks every page of a history, count at a time.
func pages(t *testing.T, r *Repo, typ, id string, since time.Time, count int) []string {
	t.Helper()
	var out []string
	cursor := ""
	for i := 0; ; i++ {
		page, err := r.History(context.Background(), typ, id, since, count, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Versions) > count {
			t.Fatalf("page of %d, count %d", len(page.Versions), count)
		}
		out = append(out, describe(page.Versions))
		if page.Next == "" {
			return out
		}
		cursor = page.Next
		if i > 100 {
			t.Fatal("history does not end")
		}
	}
}

func TestHistoryLevelsSinceAndPaging(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r.now = func() time.Time { return clock }
	step := func() { clock = clock.Add(time.Minute) }

	// 00:00 Patient/a/1, 00:01 Observation/o/1, 00:02 Patient/b/1,
	// 00:03 Patient/a/2, 00:04 Patient/b/2 (delete), 00:05 Observation/o/2.
	write := func(typ, id string) {
		t.Helper()
		if _, _, err := r.Update(ctx, typ, id, []byte(`{"resourceType":"`+typ+`"}`), ""); err != nil {
			t.Fatal(err)
		}
		step()
	}
	write("Patient", "a")
	write("Observation", "o")
	write("Patient", "b")
	write("Patient", "a")
	if _, err := r.Delete(ctx, "Patient", "b"); err != nil {
		t.Fatal(err)
	}
	step()
	write("Observation", "o")
	at := func(min int) time.Time { return time.Date(2026, 1, 1, 0, min, 0, 0, time.UTC) }

	for _, tc := range []struct {
		typ, id string
		since   time.Time
		count   int
		want    []string
	}{
		{"", "", time.Time{}, 10, []string{"Observation/o/2 Patient/b/2 Patient/a/2 Patient/b/1 Observation/o/1 Patient/a/1"}},
		{"", "", time.Time{}, 4, []string{"Observation/o/2 Patient/b/2 Patient/a/2 Patient/b/1", "Observation/o/1 Patient/a/1"}},
		{"", "", time.Time{}, 3, []string{"Observation/o/2 Patient/b/2 Patient/a/2", "Patient/b/1 Observation/o/1 Patient/a/1"}},
		{"", "", at(2), 2, []string{"Observation/o/2 Patient/b/2", "Patient/a/2 Patient/b/1"}},
		{"", "", at(6), 2, []string{""}},
		{"Patient", "", time.Time{}, 2, []string{"Patient/b/2 Patient/a/2", "Patient/b/1 Patient/a/1"}},
		{"Patient", "", at(3), 10, []string{"Patient/b/2 Patient/a/2"}},
		{"Observation", "", time.Time{}, 1, []string{"Observation/o/2", "Observation/o/1"}},
		{"Encounter", "", time.Time{}, 1, []string{""}},
		{"Patient", "a", time.Time{}, 1, []string{"Patient/a/2", "Patient/a/1"}},
		{"Patient", "a", at(1), 5, []string{"Patient/a/2"}},
		{"Patient", "b", time.Time{}, 5, []string{"Patient/b/2 Patient/b/1"}},
		{"Patient", "zz", time.Time{}, 5, []string{""}},
	} {
		got := pages(t, r, tc.typ, tc.id, tc.since, tc.count)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("history %q %q since %v count %d:\n got %q\nwant %q", tc.typ, tc.id, tc.since, tc.count, got, tc.want)
		}
	}

	// A deletion is listed without a resource; other entries carry theirs.
	page, _ := r.History(ctx, "Patient", "b", time.Time{}, 0, "")
	if page.Versions[0].Method != MethodDelete || page.Versions[0].Resource != nil || page.Versions[1].Resource == nil {
		t.Errorf("history of b = %+v", page.Versions)
	}
	if !page.Versions[0].LastUpdated.Equal(at(4)) {
		t.Errorf("deletion lastUpdated %v", page.Versions[0].LastUpdated)
	}

	// Writes made while paging do not shift the remaining pages.
	first, _ := r.History(ctx, "", "", time.Time{}, 3, "")
	write("Patient", "c")
	second, _ := r.History(ctx, "", "", time.Time{}, 3, first.Next)
	if got := describe(second.Versions); got != "Patient/b/1 Observation/o/1 Patient/a/1" {
		t.Errorf("second page after a write = %s", got)
	}

	for _, bad := range []struct{ typ, id, cursor string }{{"", "a", ""}, {"patient", "", ""}, {"Patient", "a b", ""}, {"", "", "x"}, {"", "", "-1"}} {
		if _, err := r.History(ctx, bad.typ, bad.id, time.Time{}, 1, bad.cursor); !errors.Is(err, ErrInvalid) {
			t.Errorf("history %+v: %v", bad, err)
		}
	}
}
