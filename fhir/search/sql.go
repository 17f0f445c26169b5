package search

import (
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/platform/store"
)

// builder accumulates one SQL statement and its arguments. Placeholders are
// written for the dialect (? on SQLite, $n on PostgreSQL) as arguments are
// added, so the rest of the text is the same on both.
type builder struct {
	dialect store.Dialect
	sb      strings.Builder
	args    []any
	aliases int
}

func newBuilder(d store.Dialect) *builder { return &builder{dialect: d} }

// w writes SQL text.
func (b *builder) w(parts ...string) {
	for _, p := range parts {
		b.sb.WriteString(p)
	}
}

// arg writes a placeholder for v.
func (b *builder) arg(v any) {
	b.args = append(b.args, v)
	if b.dialect == store.Postgres {
		b.sb.WriteString("$" + strconv.Itoa(len(b.args)))
		return
	}
	b.sb.WriteByte('?')
}

// list writes "(?, ?, ...)" for vs.
func (b *builder) list(vs []string) {
	b.w("(")
	for i, v := range vs {
		if i > 0 {
			b.w(", ")
		}
		b.arg(v)
	}
	b.w(")")
}

// alias returns a table alias not used yet in the statement.
func (b *builder) alias(prefix string) string {
	b.aliases++
	return prefix + strconv.Itoa(b.aliases)
}

func (b *builder) String() string { return b.sb.String() }
