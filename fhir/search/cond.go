package search

// A cond is one AND term of a search: a parameter with all its OR values.
// It writes a boolean SQL expression on a row of fhir_resources.
type cond interface {
	// where writes the predicate for the row alias row, a resource of type
	// typ, or of the row's own res_type when typ is "" (system search).
	where(b *builder, typ, row string)
}

// pred is one value of a parameter: a boolean on the columns of an index
// row (alias a).
type pred interface {
	sql(b *builder, a string)
}

// memberOf writes the head of "the row is one of these resources": row.res_id
// IN for a known type, (row.res_type, row.res_id) IN otherwise, with NOT
// when not is set. The caller writes the SELECT and the closing parenthesis;
// sel is what it must select from its index alias a.
func memberOf(b *builder, typ, row string, not bool, a string) {
	if typ != "" {
		b.w(row, ".res_id ")
	} else {
		b.w("(", row, ".res_type, ", row, ".res_id) ")
	}
	if not {
		b.w("NOT ")
	}
	b.w("IN (SELECT ")
	if typ == "" {
		b.w(a, ".res_type, ")
	}
	b.w(a, ".res_id")
}

// typeTest writes "a.res_type = ?" for a known type and TRUE-equivalent
// "1 = 1" otherwise (the row-value IN pairs the types).
func typeTest(b *builder, a, typ string) {
	if typ == "" {
		b.w("1 = 1")
		return
	}
	b.w(a, ".res_type = ")
	b.arg(typ)
}

// orPreds writes " AND (p1 OR p2 ...)" for preds on alias a; nothing when
// preds is empty (any row of the parameter).
func orPreds(b *builder, a string, preds []pred) {
	if len(preds) == 0 {
		return
	}
	b.w(" AND (")
	for i, p := range preds {
		if i > 0 {
			b.w(" OR ")
		}
		b.w("(")
		p.sql(b, a)
		b.w(")")
	}
	b.w(")")
}

// indexCond matches resources with a row of param in table satisfying one
// of preds (any row when preds is empty), or, with not, those without.
type indexCond struct {
	table, param string
	not          bool
	preds        []pred
}

func (c *indexCond) where(b *builder, typ, row string) {
	a := b.alias("i")
	memberOf(b, typ, row, c.not, a)
	c.from(b, typ, a)
	b.w(")")
}

// probe writes the condition as a test of one resource's own rows,
// EXISTS (SELECT 1 ... WHERE a.res_type = row.res_type AND a.res_id =
// row.res_id ...), read through the table's (res_type, res_id) index. A
// search with several parameters lists the candidates of the most selective
// one (see driver) and probes the others: listing every row of a date range
// over all Observations to intersect it with one patient's few costs far
// more than looking at that patient's Observations' dates.
func (c *indexCond) probe(b *builder, row string) {
	a := b.alias("i")
	// "param || ''" keeps the planner, which has no statistics on SQLite,
	// from preferring the (res_type, param, value) index for its longer
	// prefix: the probe must seek by the candidate's id.
	b.w("EXISTS (SELECT 1 FROM ", c.table, " ", a, " WHERE ", a, ".res_type = ", row, ".res_type AND ",
		a, ".res_id = ", row, ".res_id AND ", a, ".param || '' = ")
	b.arg(c.param)
	orPreds(b, a, c.preds)
	b.w(")")
}

// selectivity ranks conditions by how few resources they usually match:
// a list of ids or a reference names few, a chain a few more, a code more,
// a date range or a number many. Lower is more selective.
func selectivity(c cond) (rank int, ok bool) {
	switch c := c.(type) {
	case *idCond:
		return 0, !c.not
	case *chainCond:
		return 2, true
	case *indexCond:
		if c.not || len(c.preds) == 0 {
			return 0, false
		}
		switch c.table {
		case "fhir_idx_reference":
			return 1, true
		case "fhir_idx_token":
			return 3, true
		case "fhir_idx_uri":
			return 4, true
		case "fhir_idx_string":
			return 5, true
		case "fhir_idx_quantity":
			return 6, true
		case "fhir_idx_number":
			return 7, true
		default:
			return 8, true
		}
	}
	return 0, false
}

// driver returns the condition a search over one type should list its
// candidates from, or nil when there is nothing to probe instead.
func driver(typ string, conds []cond) cond {
	if typ == "" {
		return nil
	}
	var best cond
	bestRank, n := 0, 0
	for _, c := range conds {
		rank, ok := selectivity(c)
		if !ok {
			continue
		}
		n++
		if best == nil || rank < bestRank {
			best, bestRank = c, rank
		}
	}
	if n < 2 {
		return nil
	}
	return best
}

// writeConds writes " AND cond" for every cond on row: the driver as a
// list of candidates, the index conditions that can test one candidate's
// rows as probes, the rest as they are.
func writeConds(b *builder, typ, row string, conds []cond) {
	d := driver(typ, conds)
	for _, c := range conds {
		b.w(" AND ")
		if ic, ok := c.(*indexCond); ok && d != nil && cond(ic) != d && !ic.not && len(ic.preds) > 0 {
			ic.probe(b, row)
			continue
		}
		c.where(b, typ, row)
	}
}

// ids writes a SELECT of the ids of typ that have a matching row.
func (c *indexCond) ids(b *builder, typ string) {
	a := b.alias("i")
	b.w("SELECT ", a, ".res_id")
	c.from(b, typ, a)
}

func (c *indexCond) from(b *builder, typ, a string) {
	b.w(" FROM ", c.table, " ", a, " WHERE ")
	typeTest(b, a, typ)
	b.w(" AND ", a, ".param = ")
	b.arg(c.param)
	orPreds(b, a, c.preds)
}

// compositeCond matches resources with one element whose components
// satisfy every part of one of values.
type compositeCond struct {
	values [][]compPart
}

// compPart is one component of a composite value: the table of the
// component's type, its param ("code$0") and its predicate.
type compPart struct {
	table, param string
	pred         pred
}

func (c *compositeCond) where(b *builder, typ, row string) {
	b.w("(")
	for i, parts := range c.values {
		if i > 0 {
			b.w(" OR ")
		}
		as := make([]string, len(parts))
		for j := range parts {
			as[j] = b.alias("c")
		}
		memberOf(b, typ, row, false, as[0])
		b.w(" FROM ", parts[0].table, " ", as[0])
		for j := 1; j < len(parts); j++ {
			a := as[j]
			b.w(" JOIN ", parts[j].table, " ", a, " ON ", a, ".res_type = ", as[0], ".res_type AND ",
				a, ".res_id = ", as[0], ".res_id AND ", a, ".grp = ", as[0], ".grp")
		}
		b.w(" WHERE ")
		typeTest(b, as[0], typ)
		for j, p := range parts {
			b.w(" AND ", as[j], ".param = ")
			b.arg(p.param)
			b.w(" AND (")
			p.pred.sql(b, as[j])
			b.w(")")
		}
		b.w(")")
	}
	b.w(")")
}

// matchingIDs writes a SELECT of the ids of live resources of typ that
// satisfy every cond: directly from the index when there is one index
// condition, else over fhir_resources.
func matchingIDs(b *builder, typ string, conds []cond) {
	if len(conds) == 1 {
		if ic, ok := conds[0].(*indexCond); ok && !ic.not {
			ic.ids(b, typ)
			return
		}
	}
	x := b.alias("x")
	b.w("SELECT ", x, ".res_id FROM fhir_resources ", x, " WHERE ", x, ".res_type = ")
	b.arg(typ)
	b.w(" AND ", x, ".deleted = 0")
	writeConds(b, typ, x, conds)
}

// chainCond matches resources whose reference param points at a resource
// of one of the target types that satisfies its conditions
// (subject:Patient.name=x).
type chainCond struct {
	param   string
	targets []chainTarget
}

type chainTarget struct {
	typ   string
	conds []cond
}

func (c *chainCond) where(b *builder, typ, row string) {
	a := b.alias("i")
	memberOf(b, typ, row, false, a)
	b.w(" FROM fhir_idx_reference ", a, " WHERE ")
	typeTest(b, a, typ)
	b.w(" AND ", a, ".param = ")
	b.arg(c.param)
	b.w(" AND (")
	for i, t := range c.targets {
		if i > 0 {
			b.w(" OR ")
		}
		b.w("(", a, ".target_type = ")
		b.arg(t.typ)
		b.w(" AND ", a, ".target_id IN (")
		matchingIDs(b, t.typ, t.conds)
		b.w("))")
	}
	b.w("))")
}

// hasCond is reverse chaining: resources that a resource of type from,
// satisfying conds, points at through its reference param
// (_has:Observation:patient:code=x).
type hasCond struct {
	from, param string
	conds       []cond
}

func (c *hasCond) where(b *builder, typ, row string) {
	a := b.alias("h")
	if typ != "" {
		b.w(row, ".res_id IN (SELECT ", a, ".target_id")
	} else {
		b.w("(", row, ".res_type, ", row, ".res_id) IN (SELECT ", a, ".target_type, ", a, ".target_id")
	}
	b.w(" FROM fhir_idx_reference ", a, " WHERE ", a, ".res_type = ")
	b.arg(c.from)
	b.w(" AND ", a, ".param = ")
	b.arg(c.param)
	if typ != "" {
		b.w(" AND ", a, ".target_type = ")
		b.arg(typ)
	}
	b.w(" AND ", a, ".res_id IN (")
	matchingIDs(b, c.from, c.conds)
	b.w("))")
}

// idCond is _id: the resource's id is one of ids (or none of them, with
// not).
type idCond struct {
	ids []string
	not bool
}

func (c *idCond) where(b *builder, typ, row string) {
	b.w(row, ".res_id ")
	if c.not {
		b.w("NOT ")
	}
	b.w("IN ")
	b.list(c.ids)
}

// lastUpdatedCond is _lastUpdated: one of preds holds for the resource's
// last_updated, a point in time.
type lastUpdatedCond struct {
	preds []datePred
}

func (c *lastUpdatedCond) where(b *builder, typ, row string) {
	b.w("(")
	for i, p := range c.preds {
		if i > 0 {
			b.w(" OR ")
		}
		b.w("(")
		p.cols(b, row+".last_updated", row+".last_updated")
		b.w(")")
	}
	b.w(")")
}

// compartmentCond is a resource in a compartment: the owner itself, or a
// resource whose reference params listed for its type point at the owner.
type compartmentCond struct {
	ownerType, ownerID string
	params             map[string][]string // resource type → reference params
	types              []string            // the keys of params, sorted
}

func (c *compartmentCond) where(b *builder, typ, row string) {
	a := b.alias("k")
	b.w("((", row, ".res_type = ")
	b.arg(c.ownerType)
	b.w(" AND ", row, ".res_id = ")
	b.arg(c.ownerID)
	if len(c.types) == 0 {
		b.w("))")
		return
	}
	b.w(") OR (", row, ".res_type, ", row, ".res_id) IN (SELECT ", a, ".res_type, ", a, ".res_id FROM fhir_idx_reference ", a,
		" WHERE ", a, ".target_type = ")
	b.arg(c.ownerType)
	b.w(" AND ", a, ".target_id = ")
	b.arg(c.ownerID)
	b.w(" AND (")
	for i, t := range c.types {
		if i > 0 {
			b.w(" OR ")
		}
		b.w("(", a, ".res_type = ")
		b.arg(t)
		b.w(" AND ", a, ".param IN ")
		b.list(c.params[t])
		b.w(")")
	}
	b.w(")))")
}
