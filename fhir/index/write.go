package index

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// tables lists the index tables with their value columns, in the order
// Write fills them.
var tables = []struct {
	name string
	cols []string
}{
	{"fhir_idx_string", []string{"value", "exact"}},
	{"fhir_idx_token", []string{"system", "code", "text"}},
	{"fhir_idx_reference", []string{"target_type", "target_id", "url", "version"}},
	{"fhir_idx_date", []string{"lo", "hi"}},
	{"fhir_idx_number", []string{"value"}},
	{"fhir_idx_quantity", []string{"value", "system", "code", "unit", "canon_value", "canon_code"}},
	{"fhir_idx_uri", []string{"uri"}},
}

// batchRows is how many rows one INSERT carries: one statement with many
// rows costs the single writer far less than a statement per row.
const batchRows = 32

// Writer writes index rows through statements prepared once on the store's
// writer pool: preparing a 32-row INSERT costs more than running it. They
// are all prepared by NewWriter, because the writer pool's one connection is
// busy with the transaction whenever Write runs.
type Writer struct {
	stmts map[string]*sql.Stmt
}

// NewWriter prepares the index statements on db, the pool the transactions
// passed to Write come from.
func NewWriter(ctx context.Context, db *sql.DB) (*Writer, error) {
	w := &Writer{stmts: map[string]*sql.Stmt{}}
	var queries []string
	for ti, t := range tables {
		queries = append(queries, deleteSQL(t.name))
		for n := 1; n <= batchRows; n++ {
			queries = append(queries, insertSQL(ti, n))
		}
	}
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("fhir/index: preparing statements: %w", err)
		}
		w.stmts[q] = st
	}
	return w, nil
}

// Close releases the prepared statements.
func (w *Writer) Close() error {
	for _, s := range w.stmts {
		s.Close()
	}
	return nil
}

// exec runs query, one of the prepared ones, in tx.
func (w *Writer) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	_, err := tx.StmtContext(ctx, w.stmts[query]).ExecContext(ctx, args...)
	return err
}

func deleteSQL(table string) string {
	return "DELETE FROM " + table + " WHERE res_type = ? AND res_id = ?"
}

// Write replaces the index rows of typ/id with e inside tx. A nil e removes
// them (a deletion). replace says the resource may already have rows (it
// existed before this write); a resource created under a fresh id has none,
// so Write skips the deletes.
func (w *Writer) Write(ctx context.Context, tx *sql.Tx, typ, id string, e *Entries, replace bool) error {
	if replace {
		for _, t := range tables {
			if err := w.exec(ctx, tx, deleteSQL(t.name), typ, id); err != nil {
				return fmt.Errorf("fhir/index: clearing %s of %s/%s: %w", t.name, typ, id, err)
			}
		}
	}
	if e == nil {
		return nil
	}
	var args []any
	for ti, t := range tables {
		n := e.rows(ti)
		for start := 0; start < n; start += batchRows {
			end := min(start+batchRows, n)
			args = args[:0]
			for i := start; i < end; i++ {
				args = append(args, typ, id)
				args = e.appendRow(args, ti, i)
			}
			if err := w.exec(ctx, tx, insertSQL(ti, end-start), args...); err != nil {
				return fmt.Errorf("fhir/index: writing %s of %s/%s: %w", t.name, typ, id, err)
			}
		}
	}
	return nil
}

func (e *Entries) rows(table int) int {
	switch table {
	case 0:
		return len(e.Strings)
	case 1:
		return len(e.Tokens)
	case 2:
		return len(e.References)
	case 3:
		return len(e.Dates)
	case 4:
		return len(e.Numbers)
	case 5:
		return len(e.Quantities)
	default:
		return len(e.URIs)
	}
}

// appendRow appends row i of table's param, grp and value columns.
func (e *Entries) appendRow(args []any, table, i int) []any {
	switch table {
	case 0:
		r := e.Strings[i]
		return append(args, r.Param, r.Grp, r.Value, r.Exact)
	case 1:
		r := e.Tokens[i]
		return append(args, r.Param, r.Grp, r.System, r.Code, r.Text)
	case 2:
		r := e.References[i]
		return append(args, r.Param, r.Grp, r.TargetType, r.TargetID, r.URL, r.Version)
	case 3:
		r := e.Dates[i]
		return append(args, r.Param, r.Grp, r.Lo, r.Hi)
	case 4:
		r := e.Numbers[i]
		return append(args, r.Param, r.Grp, r.Value)
	case 5:
		r := e.Quantities[i]
		return append(args, r.Param, r.Grp, r.Value, r.System, r.Code, r.Unit, r.CanonValue, r.CanonCode)
	default:
		r := e.URIs[i]
		return append(args, r.Param, r.Grp, r.URI)
	}
}

// insertSQL is the INSERT of n rows into table, built once per size.
var insertSQLs = func() [][]string {
	out := make([][]string, len(tables))
	for ti, t := range tables {
		cols := append([]string{"res_type", "res_id", "param", "grp"}, t.cols...)
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		out[ti] = make([]string, batchRows+1)
		for n := 1; n <= batchRows; n++ {
			out[ti][n] = "INSERT INTO " + t.name + " (" + strings.Join(cols, ", ") + ") VALUES " +
				strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
		}
	}
	return out
}()

func insertSQL(table, n int) string { return insertSQLs[table][n] }
