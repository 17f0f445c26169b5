package search

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

// cursor is the position a page starts from: strictly after (or, for a
// previous link, strictly before) the row with these sort keys, type and
// id. Keys are typed strings ("s:abc", "i:42", "f:1.5") so that 64-bit
// times survive JSON.
type cursor struct {
	Prev bool     `json:"p,omitempty"`
	Keys []string `json:"k,omitempty"`
	Type string   `json:"t"`
	ID   string   `json:"i"`
}

func (c *cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(q *Query) (*cursor, error) {
	if q.Cursor == "" {
		return nil, nil
	}
	bad := paramErr("_cursor", q.Cursor, "not a cursor of this search; start again from the first page")
	raw, err := base64.RawURLEncoding.DecodeString(q.Cursor)
	if err != nil {
		return nil, bad
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil || len(c.Keys) != len(q.Sort) || c.Type == "" || c.ID == "" {
		return nil, bad
	}
	for i, k := range c.Keys {
		if _, err := keyValue(k, sortKind(q.Sort[i])); err != nil {
			return nil, bad
		}
	}
	return &c, nil
}

// sortKind is how a sort key's value is typed: "s" text, "i" integer, "f"
// real.
func sortKind(k SortKey) string {
	switch k.kind {
	case "_lastUpdated", spec.SearchDate:
		return "i"
	case spec.SearchNumber, spec.SearchQuantity:
		return "f"
	}
	return "s"
}

func keyValue(k, kind string) (any, error) {
	v, ok := strings.CutPrefix(k, kind+":")
	if !ok {
		return nil, fmt.Errorf("bad key")
	}
	switch kind {
	case "i":
		return strconv.ParseInt(v, 10, 64)
	case "f":
		return strconv.ParseFloat(v, 64)
	}
	return v, nil
}

func keyString(v any, kind string) string {
	switch x := v.(type) {
	case int64:
		return kind + ":" + strconv.FormatInt(x, 10)
	case float64:
		return kind + ":" + strconv.FormatFloat(x, 'g', -1, 64)
	case []byte:
		return kind + ":" + string(x)
	case string:
		return kind + ":" + x
	}
	return kind + ":" + fmt.Sprint(v)
}

// sortExpr writes the value a resource (row alias r) sorts by for k: the
// least value of the parameter ascending, the greatest descending, and a
// resource without a value last in both directions. The sentinel for
// "missing" is written as a literal so that the expression has the
// column's type on PostgreSQL.
func sortExpr(b *builder, k SortKey) {
	switch k.kind {
	case "_id":
		b.w("r.res_id")
		return
	case "_lastUpdated":
		b.w("r.last_updated")
		return
	}
	agg := "MIN"
	if k.Desc {
		agg = "MAX"
	}
	var col, table, missing string
	switch k.kind {
	case spec.SearchString:
		table, col = "fhir_idx_string", "value"
	case spec.SearchToken:
		table, col = "fhir_idx_token", "code"
	case spec.SearchURI:
		table, col = "fhir_idx_uri", "uri"
	case spec.SearchDate:
		table, col = "fhir_idx_date", "lo"
		if k.Desc {
			col = "hi"
		}
	case spec.SearchNumber:
		table, col = "fhir_idx_number", "value"
	case spec.SearchQuantity:
		table, col = "fhir_idx_quantity", "value"
	}
	switch sortKind(k) {
	case "s":
		missing = "'" + prefixEnd + "'"
		if k.Desc {
			missing = "''"
		}
	case "i":
		missing = strconv.FormatInt(math.MaxInt64, 10)
		if k.Desc {
			missing = strconv.FormatInt(math.MinInt64+1, 10)
		}
	case "f":
		missing = "1e300"
		if k.Desc {
			missing = "-1e300"
		}
	}
	s := b.alias("s")
	b.w("COALESCE((SELECT ", agg, "(", s, ".", col, ") FROM ", table, " ", s, " WHERE ", s, ".res_type = r.res_type AND ",
		s, ".res_id = r.res_id AND ", s, ".param = ")
	b.arg(k.Code)
	b.w("), ", missing, ")")
}

// page reads one page of matches into page.
func (s *Searcher) page(ctx context.Context, tx *sql.Tx, q *Query, cur *cursor, page *Page) error {
	back := cur != nil && cur.Prev
	b := newBuilder(s.db.Dialect)
	// cols are the ordering columns in the outer query, with their
	// direction; the last two are always type and id, ascending.
	type col struct {
		name string
		desc bool
		kind string
	}
	var cols []col
	prefix := "r."
	if len(q.Sort) > 0 {
		prefix = "q."
		b.w("SELECT q.res_type, q.res_id, q.version_id, q.last_updated, q.resource")
		for i, k := range q.Sort {
			b.w(", q.k" + strconv.Itoa(i))
			cols = append(cols, col{"q.k" + strconv.Itoa(i), k.Desc, sortKind(k)})
		}
		b.w(" FROM (SELECT r.res_type, r.res_id, r.version_id, r.last_updated, r.resource")
		for i, k := range q.Sort {
			b.w(", ")
			sortExpr(b, k)
			b.w(" AS k" + strconv.Itoa(i))
		}
		b.w(" FROM fhir_resources r WHERE ")
		s.whereClause(b, q, "r")
		b.w(") q")
	} else {
		b.w("SELECT r.res_type, r.res_id, r.version_id, r.last_updated, r.resource FROM fhir_resources r WHERE ")
		s.whereClause(b, q, "r")
	}
	cols = append(cols, col{prefix + "res_type", false, "s"}, col{prefix + "res_id", false, "s"})
	if cur != nil {
		vals := make([]any, 0, len(cols))
		for i, k := range cur.Keys {
			v, _ := keyValue(k, cols[i].kind)
			vals = append(vals, v)
		}
		vals = append(vals, cur.Type, cur.ID)
		if len(q.Sort) > 0 {
			b.w(" WHERE (")
		} else {
			b.w(" AND (")
		}
		// (c0 > v0) OR (c0 = v0 AND c1 > v1) OR ..., each > flipped for
		// a descending column and again for a previous page.
		for i := range cols {
			if i > 0 {
				b.w(" OR ")
			}
			b.w("(")
			for j := 0; j < i; j++ {
				b.w(cols[j].name, " = ")
				b.arg(vals[j])
				b.w(" AND ")
			}
			op := " > "
			if cols[i].desc != back {
				op = " < "
			}
			b.w(cols[i].name, op)
			b.arg(vals[i])
			b.w(")")
		}
		b.w(")")
	}
	b.w(" ORDER BY ")
	for i, c := range cols {
		if i > 0 {
			b.w(", ")
		}
		b.w(c.name)
		if c.desc != back {
			b.w(" DESC")
		}
	}
	b.w(" LIMIT ")
	b.arg(q.Count + 1)

	rows, err := tx.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return fmt.Errorf("fhir/search: searching: %w", err)
	}
	defer rows.Close()
	type row struct {
		res  Resource
		keys []string
	}
	var got []row
	for rows.Next() {
		var r row
		var version, at int64
		keys := make([]any, len(q.Sort))
		dst := []any{&r.res.Type, &r.res.ID, &version, &at, &r.res.JSON}
		for i := range keys {
			dst = append(dst, &keys[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return fmt.Errorf("fhir/search: searching: %w", err)
		}
		scanResource(&r.res, version, at)
		for i, k := range keys {
			r.keys = append(r.keys, keyString(normalizeKey(k, cols[i].kind), cols[i].kind))
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("fhir/search: searching: %w", err)
	}
	more := len(got) > q.Count
	if more {
		got = got[:q.Count]
	}
	if back {
		slices.Reverse(got)
	}
	for _, r := range got {
		page.Matches = append(page.Matches, r.res)
	}
	if len(got) == 0 {
		return nil
	}
	first, last := got[0], got[len(got)-1]
	after := &cursor{Keys: last.keys, Type: last.res.Type, ID: last.res.ID}
	before := &cursor{Prev: true, Keys: first.keys, Type: first.res.Type, ID: first.res.ID}
	if back {
		page.Next = after.encode()
		if more {
			page.Prev = before.encode()
		}
	} else {
		if more {
			page.Next = after.encode()
		}
		if cur != nil {
			page.Prev = before.encode()
		}
	}
	return nil
}

// normalizeKey gives a scanned key the Go type of its kind: drivers return
// integers, reals and text in their own ways.
func normalizeKey(v any, kind string) any {
	switch kind {
	case "i":
		switch x := v.(type) {
		case int64:
			return x
		case float64:
			return int64(x)
		case []byte:
			n, _ := strconv.ParseInt(string(x), 10, 64)
			return n
		case string:
			n, _ := strconv.ParseInt(x, 10, 64)
			return n
		}
	case "f":
		switch x := v.(type) {
		case float64:
			return x
		case int64:
			return float64(x)
		case []byte:
			f, _ := strconv.ParseFloat(string(x), 64)
			return f
		case string:
			f, _ := strconv.ParseFloat(x, 64)
			return f
		}
	}
	return v
}
