// Package search answers FHIR R4 searches from the index tables that package
// fhir/index fills at every write (migration 00003_fhir_search.sql).
//
// [Parse] turns a search request (url.Values) for a resource type into a
// [Query]; every search parameter comes from the R4 definitions in fhir/spec,
// never from a hand-written list. A [Searcher] translates a Query into one
// SQL statement whose text is the same on SQLite and PostgreSQL (only the
// placeholders differ, ? or $n, and the builder writes the right ones), and
// runs it on the store's reader pool.
//
// # How a query becomes SQL
//
// A search is a conjunction of parameters (a repeated parameter is AND), each
// a disjunction of values (a,b is OR). Every parameter becomes one predicate
// on the id of the candidate resource:
//
//	r.res_id IN (SELECT i.res_id FROM fhir_idx_token i
//	             WHERE i.res_type = ? AND i.param = ? AND (<value> OR <value>))
//
// so that each index table is read through its (res_type, param, value...)
// index. When a search has several parameters, the most selective kind (_id,
// then a reference, a chain, a token, a uri, a string; a quantity, number or
// date last) lists the candidates that way and the other index parameters
// probe each candidate's own rows through the (res_type, res_id, param)
// index:
//
//	EXISTS (SELECT 1 FROM fhir_idx_date i WHERE i.res_type = r.res_type
//	        AND i.res_id = r.res_id AND i.param || '' = ? AND (<value>))
//
// SQLite plans without statistics, and would otherwise list every
// Observation's dates to intersect them with one patient's few (3.5 ms
// against 0.9 ms for patient, code and a date range over the Synthea data). :missing=true and :not become NOT IN. A chain
// (subject:Patient.name=x) nests the same shape one level down on the
// reference table's target; _has nests it the other way, from the referring
// resources' res_id to their target_id. Composite parameters join the
// component rows of one element on grp.
//
// # Paging
//
// Pages are keyset pages: the results are ordered by the sort keys and then
// by (res_type, res_id), and a page's cursor holds the keys of its last (or,
// for a previous link, first) row. The next page is the rows strictly after
// those keys, so a resource written while a client pages never shifts a page
// already served, and no page is ever computed by OFFSET. The page, its
// total and its included resources are read in one read-only transaction,
// which on SQLite in WAL mode is a snapshot.
//
// # Access
//
// [Searcher.Restrict] adds an [Access] (what a reader may see, per type:
// all, a patient's compartment, or what matches a granular query) to a
// query as one more condition, and applies it to the included resources
// too, so that a restricted reader's pages and totals are right.
package search
