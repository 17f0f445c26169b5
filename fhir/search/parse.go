package search

import (
	"errors"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

// Page sizes.
const (
	// DefaultCount is the page size when the request gives no _count.
	DefaultCount = 20
	// MaxCount caps _count.
	MaxCount = 1000
)

// Values of _total.
const (
	TotalNone     = "none"
	TotalEstimate = "estimate"
	TotalAccurate = "accurate"
)

// maxDepth bounds chains and _has nesting, so that a hostile URL cannot
// build an unbounded statement.
const maxDepth = 4

// Query is a parsed search: what to match, in which order, how many per
// page, and what to include. Build one with [Parse].
type Query struct {
	// Type is the resource type searched, "" for a system search.
	Type string
	// Types are the types of a system search (_type), all types if empty.
	Types []string
	// Sort lists the sort keys in order; results are then ordered by type
	// and id, which makes the order total.
	Sort []SortKey
	// Count is the page size.
	Count int
	// Total is how to count the matches: TotalNone, TotalEstimate or
	// TotalAccurate (the default).
	Total string
	// Include and RevInclude are the _include and _revinclude requests.
	Include, RevInclude []Include
	// Summary and Elements are _summary and _elements, for the REST layer
	// to apply; Summary "count" makes Search return no resources.
	Summary  string
	Elements []string
	// Cursor is the page cursor from a previous page's link, "" for the
	// first page.
	Cursor string
	// Unknown lists the parameters ignored because this server does not
	// search them (lenient handling only), each with the reason.
	Unknown []*ParamError
	// Used lists the names of the parameters that the search applies, for
	// the self link.
	Used []string

	conds  []cond
	access *accessCond // what the reader may see (Searcher.Restrict); nil: all
}

// SortKey is one _sort key.
type SortKey struct {
	// Code is the search parameter code, "_id" or "_lastUpdated".
	Code string
	// Desc is set for a descending key (-code).
	Desc bool
	kind string // the parameter's type, or the code for _id, _lastUpdated
}

// Include is one _include or _revinclude: resources that Source resources
// point at through Param (or, reversed, Source resources that point at the
// results). Param "*" means every reference parameter of Source.
type Include struct {
	Source, Param, Target string
	Iterate               bool
}

// ParseOptions tune [Parse].
type ParseOptions struct {
	// Strict makes an unknown parameter an error (Prefer: handling=strict);
	// by default it is ignored and listed in Query.Unknown.
	Strict bool
	// Base is the service base URL ("https://example.org/fhir"): a
	// reference value under it names a resource on this server.
	Base string
}

// controls are the result parameters, applied by Search or the REST layer
// rather than matched against resources.
var controls = map[string]bool{
	"_count": true, "_sort": true, "_total": true, "_include": true, "_revinclude": true,
	"_summary": true, "_elements": true, "_format": true, "_pretty": true, "_cursor": true,
	"_include:iterate": true, "_include:recurse": true, "_revinclude:iterate": true, "_revinclude:recurse": true,
}

// Parse reads the search request params for resources of type typ ("" for
// a system search, which may name its types in _type). A parameter that is
// malformed is a *ParamError; one that this server does not know is too
// under opts.Strict, else it is ignored and listed in Query.Unknown.
func Parse(sp *spec.Spec, typ string, params url.Values, opts ParseOptions) (*Query, error) {
	p := &parser{sp: sp, opts: opts}
	q := &Query{Type: typ, Count: DefaultCount, Total: TotalAccurate}
	if typ != "" && !sp.IsResource(typ) {
		return nil, paramErr("", "", "%q is not a resource type", typ)
	}
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	if typ == "" {
		if err := p.types(q, params["_type"]); err != nil {
			return nil, err
		}
	}
	for _, name := range names {
		values := params[name]
		var err error
		switch {
		case name == "_type" && typ == "":
			continue
		case controls[name]:
			err = p.control(q, name, values)
		default:
			for _, v := range values {
				if v == "" {
					continue // FHIR: a parameter with an empty value is ignored
				}
				var c cond
				c, err = p.filter(p.filterType(q), name, v, 0)
				if err != nil {
					break
				}
				q.conds = append(q.conds, c)
			}
		}
		if err == nil {
			if name != "_cursor" {
				q.Used = append(q.Used, name)
			}
			continue
		}
		var pe *ParamError
		if errors.As(err, &pe) && pe.Unknown && !opts.Strict {
			q.Unknown = append(q.Unknown, pe)
			continue
		}
		return nil, err
	}
	if q.Type == "" && len(q.Types) == 1 {
		// One type named: the search is a type search in all but name.
		q.Type, q.Types = q.Types[0], nil
	}
	return q, nil
}

type parser struct {
	sp   *spec.Spec
	opts ParseOptions
	// system holds the types of a multi-type system search, whose
	// parameters must be common to them all.
	system []string
}

// filterType is the type parameters are resolved against: the searched
// type, or "" in a system search over several types.
func (p *parser) filterType(q *Query) string {
	if q.Type != "" {
		return q.Type
	}
	if len(q.Types) == 1 {
		return q.Types[0]
	}
	return ""
}

func (p *parser) types(q *Query, values []string) error {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			if !p.sp.IsResource(t) {
				return paramErr("_type", t, "not a resource type")
			}
			if !slices.Contains(q.Types, t) {
				q.Types = append(q.Types, t)
			}
		}
	}
	p.system = q.Types
	return nil
}

// param finds the search parameter code for typ; for a system search, one
// that every searched type has (or one on Resource when no type is named).
func (p *parser) param(typ, code string) *spec.SearchParam {
	if typ != "" {
		return p.sp.SearchParam(typ, code)
	}
	if len(p.system) == 0 {
		return p.sp.SearchParam("Resource", code)
	}
	var found *spec.SearchParam
	for _, t := range p.system {
		sp := p.sp.SearchParam(t, code)
		if sp == nil || (found != nil && found.Type != sp.Type) {
			return nil
		}
		found = sp
	}
	return found
}

func (p *parser) control(q *Query, name string, values []string) error {
	last := values[len(values)-1]
	switch name {
	case "_count":
		n, err := strconv.Atoi(last)
		if err != nil || n < 0 {
			return paramErr(name, last, "not a whole number of zero or more")
		}
		q.Count = min(n, MaxCount)
	case "_total":
		switch last {
		case TotalNone, TotalEstimate, TotalAccurate:
			q.Total = last
		default:
			return paramErr(name, last, "must be none, estimate or accurate")
		}
	case "_summary":
		switch last {
		case "true", "false", "text", "data", "count":
			q.Summary = last
		default:
			return paramErr(name, last, "must be true, false, text, data or count")
		}
	case "_elements":
		for _, v := range values {
			for e := range strings.SplitSeq(v, ",") {
				if e = strings.TrimSpace(e); e != "" {
					q.Elements = append(q.Elements, e)
				}
			}
		}
	case "_cursor":
		q.Cursor = last
	case "_format", "_pretty":
	case "_sort":
		return p.sort(q, values)
	default: // _include, _revinclude and their :iterate forms
		rev := strings.HasPrefix(name, "_revinclude")
		iterate := strings.Contains(name, ":")
		for _, v := range values {
			for one := range strings.SplitSeq(v, ",") {
				inc, err := p.include(q, name, one, rev)
				if err != nil {
					return err
				}
				inc.Iterate = iterate
				if rev {
					q.RevInclude = append(q.RevInclude, inc)
				} else {
					q.Include = append(q.Include, inc)
				}
			}
		}
	}
	return nil
}

func (p *parser) include(q *Query, name, v string, rev bool) (Include, error) {
	if v == "*" {
		return Include{Source: "*", Param: "*"}, nil
	}
	parts := strings.Split(v, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return Include{}, paramErr(name, v, "must be Type:parameter or Type:parameter:TargetType")
	}
	inc := Include{Source: parts[0], Param: parts[1]}
	if !p.sp.IsResource(inc.Source) {
		return Include{}, paramErr(name, v, "%q is not a resource type", inc.Source)
	}
	if inc.Param != "*" {
		sp := p.sp.SearchParam(inc.Source, inc.Param)
		if sp == nil || sp.Type != spec.SearchReference {
			return Include{}, paramErr(name, v, "%s has no reference parameter %q", inc.Source, inc.Param)
		}
	}
	if len(parts) == 3 {
		inc.Target = parts[2]
		if !p.sp.IsResource(inc.Target) {
			return Include{}, paramErr(name, v, "%q is not a resource type", inc.Target)
		}
	}
	return inc, nil
}

func (p *parser) sort(q *Query, values []string) error {
	q.Sort = nil
	for _, v := range values {
		for key := range strings.SplitSeq(v, ",") {
			key = strings.TrimSpace(key)
			k := SortKey{Code: key}
			if strings.HasPrefix(key, "-") {
				k.Code, k.Desc = key[1:], true
			}
			switch k.Code {
			case "":
				continue
			case "_id", "_lastUpdated":
				k.kind = k.Code
			default:
				sp := p.param(p.filterType(q), k.Code)
				if sp == nil {
					return paramErr("_sort", key, "no search parameter %q to sort by", k.Code)
				}
				switch sp.Type {
				case spec.SearchString, spec.SearchToken, spec.SearchDate, spec.SearchNumber, spec.SearchQuantity, spec.SearchURI:
					k.kind = sp.Type
				default:
					return paramErr("_sort", key, "cannot sort by a %s parameter", sp.Type)
				}
			}
			q.Sort = append(q.Sort, k)
		}
	}
	return nil
}

// filter parses one parameter occurrence name=value for resources of type
// typ.
func (p *parser) filter(typ, name, value string, depth int) (cond, error) {
	if depth > maxDepth {
		return nil, paramErr(name, "", "chains and _has nest at most %d deep", maxDepth)
	}
	if rest, ok := strings.CutPrefix(name, "_has:"); ok {
		return p.has(typ, name, rest, value, depth)
	}
	if head, rest, ok := strings.Cut(name, "."); ok {
		return p.chain(typ, name, head, rest, value, depth)
	}
	code, mod, _ := strings.Cut(name, ":")
	switch code {
	case "_id":
		return p.id(name, mod, value)
	case "_lastUpdated":
		if mod != "" {
			return nil, paramErr(name, "", "_lastUpdated takes no modifier")
		}
		var preds []datePred
		for _, v := range splitEscaped(value, ',') {
			d, err := parseDate(name, unescape(v))
			if err != nil {
				return nil, err
			}
			preds = append(preds, d)
		}
		return &lastUpdatedCond{preds: preds}, nil
	}
	sp := p.param(typ, code)
	if sp == nil {
		where := typ
		if where == "" {
			where = "a system search"
		}
		return nil, unknownErr(name, "not a search parameter of %s", where)
	}
	if sp.Type == spec.SearchSpecial || (sp.Expression == "" && sp.Type != spec.SearchComposite) {
		return nil, unknownErr(name, "the special parameter %s is not supported", code)
	}
	if mod == "missing" {
		return p.missing(sp, name, value)
	}
	if sp.Type == spec.SearchComposite {
		if mod != "" {
			return nil, paramErr(name, "", "a composite parameter takes no modifier but :missing")
		}
		return p.composite(sp, name, value)
	}
	table := tables[sp.Type]
	param := sp.Code
	not := false
	switch {
	case sp.Type == spec.SearchToken && mod == "not":
		not, mod = true, ""
	case sp.Type == spec.SearchToken && mod == "not-in":
		not, mod = true, "in"
	case sp.Type == spec.SearchReference && mod == "identifier":
		table, param, mod = tables[spec.SearchToken], sp.Code+":identifier", "identifier"
	}
	var preds []pred
	for _, v := range splitEscaped(value, ',') {
		pr, err := p.pred(sp, typ, name, mod, v)
		if err != nil {
			return nil, err
		}
		preds = append(preds, pr)
	}
	return &indexCond{table: table, param: param, not: not, preds: preds}, nil
}

// tables maps a parameter type to its index table.
var tables = map[string]string{
	spec.SearchString:    "fhir_idx_string",
	spec.SearchToken:     "fhir_idx_token",
	spec.SearchReference: "fhir_idx_reference",
	spec.SearchDate:      "fhir_idx_date",
	spec.SearchNumber:    "fhir_idx_number",
	spec.SearchQuantity:  "fhir_idx_quantity",
	spec.SearchURI:       "fhir_idx_uri",
}

func (p *parser) id(name, mod, value string) (cond, error) {
	if mod != "" && mod != "not" {
		return nil, paramErr(name, "", "_id takes no modifier but :not")
	}
	var ids []string
	for _, v := range splitEscaped(value, ',') {
		ids = append(ids, unescape(v))
	}
	return &idCond{ids: ids, not: mod == "not"}, nil
}

func (p *parser) missing(sp *spec.SearchParam, name, value string) (cond, error) {
	var missing bool
	switch value {
	case "true":
		missing = true
	case "false":
	default:
		return nil, paramErr(name, value, ":missing takes true or false")
	}
	table, param := tables[sp.Type], sp.Code
	if sp.Type == spec.SearchComposite {
		if len(sp.Components) == 0 {
			return nil, unknownErr(name, "composite %s has no components", sp.Code)
		}
		c := p.sp.SearchParamByURL(sp.Components[0].Definition)
		if c == nil || tables[c.Type] == "" {
			return nil, unknownErr(name, "composite %s has a component this server cannot search", sp.Code)
		}
		table, param = tables[c.Type], sp.Code+"$0"
	}
	return &indexCond{table: table, param: param, not: missing}, nil
}

func (p *parser) composite(sp *spec.SearchParam, name, value string) (cond, error) {
	comps := make([]*spec.SearchParam, len(sp.Components))
	for i, c := range sp.Components {
		comps[i] = p.sp.SearchParamByURL(c.Definition)
		if comps[i] == nil || tables[comps[i].Type] == "" {
			return nil, unknownErr(name, "composite %s has a component this server cannot search", sp.Code)
		}
	}
	if len(comps) == 0 {
		return nil, unknownErr(name, "composite %s has no components", sp.Code)
	}
	c := &compositeCond{}
	for _, v := range splitEscaped(value, ',') {
		parts := splitEscaped(v, '$')
		if len(parts) != len(comps) {
			return nil, paramErr(name, unescape(v), "needs %d parts separated by $", len(comps))
		}
		var cps []compPart
		for i, part := range parts {
			pr, err := p.pred(comps[i], "", name, "", part)
			if err != nil {
				return nil, err
			}
			cps = append(cps, compPart{table: tables[comps[i].Type], param: sp.Code + "$" + strconv.Itoa(i), pred: pr})
		}
		c.values = append(c.values, cps)
	}
	return c, nil
}

// chain parses head.rest: head is a reference parameter with an optional
// target type (subject:Patient), rest is a parameter of the target.
func (p *parser) chain(typ, name, head, rest, value string, depth int) (cond, error) {
	code, target, _ := strings.Cut(head, ":")
	sp := p.param(typ, code)
	if sp == nil {
		return nil, unknownErr(name, "%s has no search parameter %q", typOr(typ), code)
	}
	if sp.Type != spec.SearchReference {
		return nil, paramErr(name, "", "only a reference parameter can be chained; %s is a %s", code, sp.Type)
	}
	candidates := sp.Targets
	if target != "" {
		if !p.sp.IsResource(target) || (len(sp.Targets) > 0 && !slices.Contains(sp.Targets, target)) {
			return nil, paramErr(name, "", "%s cannot refer to %q", code, target)
		}
		candidates = []string{target}
	}
	next, _, _ := strings.Cut(rest, ".")
	next, _, _ = strings.Cut(next, ":")
	c := &chainCond{param: sp.Code}
	var lastErr error
	for _, t := range candidates {
		if next != "_has" && next != "_id" && next != "_lastUpdated" && p.sp.SearchParam(t, next) == nil {
			continue
		}
		inner, err := p.filter(t, rest, value, depth+1)
		if err != nil {
			lastErr = err
			continue
		}
		c.targets = append(c.targets, chainTarget{typ: t, conds: []cond{inner}})
	}
	if len(c.targets) == 0 {
		if lastErr != nil {
			return nil, lastErr
		}
		return nil, unknownErr(name, "no type %s refers to has a search parameter %q", code, next)
	}
	return c, nil
}

// has parses _has:Type:param:rest.
func (p *parser) has(typ, name, spec_, value string, depth int) (cond, error) {
	parts := strings.SplitN(spec_, ":", 3)
	if len(parts) != 3 || parts[2] == "" {
		return nil, paramErr(name, "", "_has must be _has:Type:reference:parameter")
	}
	from, code, rest := parts[0], parts[1], parts[2]
	if !p.sp.IsResource(from) {
		return nil, paramErr(name, "", "%q is not a resource type", from)
	}
	sp := p.sp.SearchParam(from, code)
	if sp == nil || sp.Type != spec.SearchReference {
		return nil, paramErr(name, "", "%s has no reference parameter %q", from, code)
	}
	if typ != "" && len(sp.Targets) > 0 && !slices.Contains(sp.Targets, typ) {
		return nil, paramErr(name, "", "%s.%s cannot refer to %s", from, code, typ)
	}
	inner, err := p.filter(from, rest, value, depth+1)
	if err != nil {
		return nil, err
	}
	return &hasCond{from: from, param: code, conds: []cond{inner}}, nil
}

func typOr(typ string) string {
	if typ == "" {
		return "a system search"
	}
	return typ
}

// pred parses one value (still escaped) of parameter sp.
func (p *parser) pred(sp *spec.SearchParam, typ, name, mod, raw string) (pred, error) {
	v := unescape(raw)
	switch sp.Type {
	case spec.SearchString:
		switch {
		case mod == "" && sp.XPathUsage == "phonetic":
			// The index holds a Soundex code per word: a value of one
			// word sounds like a stored word when their codes are equal.
			code := phonetic(v)
			if code == "" || strings.Contains(code, " ") {
				return nil, paramErr(name, v, "a phonetic search takes one word with letters")
			}
			return stringPred{mode: "phonetic", v: code}, nil
		}
		switch mod {
		case "":
			return stringPred{v: normalizeString(v)}, nil
		case "contains":
			return stringPred{mode: mod, v: normalizeString(v)}, nil
		case "exact":
			return stringPred{mode: mod, v: v}, nil
		}
	case spec.SearchToken:
		switch mod {
		case "text":
			return tokenPred{isText: true, text: normalizeString(v)}, nil
		case "":
			return tokenValue(raw), nil
		case "in":
			return p.inValueSet(name, unescape(raw))
		case "below", "above":
			t := tokenValue(raw)
			if !t.hasSystem || t.system == "" || !t.hasCode {
				return nil, paramErr(name, v, "a :%s search names the code system: system|code", mod)
			}
			codes := p.sp.Descendants(t.system, t.code)
			if mod == "above" {
				codes = p.sp.Ancestors(t.system, t.code)
			}
			return tokenPred{sets: []spec.CodeSet{{System: t.system, Codes: codes}}}, nil
		}
	case spec.SearchReference:
		switch {
		case mod == "identifier":
			return tokenValue(raw), nil
		case mod == "":
			return p.reference(sp, name, v, "")
		case p.sp.IsResource(mod):
			if len(sp.Targets) > 0 && !slices.Contains(sp.Targets, mod) {
				return nil, paramErr(name, "", "%s cannot refer to %s", sp.Code, mod)
			}
			return p.reference(sp, name, v, mod)
		}
	case spec.SearchURI:
		switch mod {
		case "", "below", "above":
			return uriPred{mode: mod, v: v}, nil
		}
	case spec.SearchDate:
		if mod == "" {
			return parseDate(name, v)
		}
	case spec.SearchNumber:
		if mod == "" {
			prefix, rest := cutPrefix(v)
			n, ok := parseNumber(rest)
			if !ok {
				return nil, paramErr(name, v, "not a number")
			}
			return numberPred{col: "value", prefix: prefix, n: n}, nil
		}
	case spec.SearchQuantity:
		if mod == "" {
			return parseQuantity(name, raw)
		}
	}
	if mod == "" {
		return nil, unknownErr(name, "%s parameters are not supported", sp.Type)
	}
	return nil, paramErr(name, "", "modifier :%s is not supported on a %s parameter", mod, sp.Type)
}

// inValueSet is the predicate of token:in=url: the codes of the value
// set's expansion. A value set this server cannot expand is an error, not
// an empty match.
func (p *parser) inValueSet(name, url string) (pred, error) {
	vs := p.sp.ValueSet(url)
	switch {
	case vs == nil || vs.Version == "":
		return nil, paramErr(name, url, "not a value set this server knows (it knows those of the FHIR R4 package)")
	case !vs.Expanded():
		return nil, paramErr(name, url, "the value set cannot be expanded here: %s", vs.Unexpanded)
	}
	return tokenPred{sets: vs.Systems}, nil
}

// tokenValue reads [system|]code from a raw (escaped) value.
func tokenValue(raw string) tokenPred {
	parts := splitEscaped(raw, '|')
	if len(parts) == 1 {
		return tokenPred{code: unescape(raw), hasCode: true}
	}
	system, code := unescape(parts[0]), unescape(strings.Join(parts[1:], "|"))
	return tokenPred{system: system, hasSystem: true, code: code, hasCode: code != ""}
}

func parseDate(name, v string) (datePred, error) {
	prefix, rest := cutPrefix(v)
	lo, hi, err := dateRange(rest)
	if err != nil {
		return datePred{}, paramErr(name, v, "not a FHIR date (2024, 2024-03, 2024-03-05, 2024-03-05T10:00:00Z)")
	}
	return datePred{prefix: prefix, lo: lo, hi: hi}, nil
}

func parseQuantity(name, raw string) (pred, error) {
	parts := splitEscaped(raw, '|')
	v := unescape(parts[0])
	prefix, rest := cutPrefix(v)
	n, ok := parseNumber(rest)
	if !ok {
		return nil, paramErr(name, unescape(raw), "not a quantity (5.4|http://unitsofmeasure.org|mg)")
	}
	q := quantityPred{num: numberPred{col: "value", prefix: prefix, n: n}}
	switch len(parts) {
	case 1:
		return q, nil
	case 3:
		q.system, q.code = unescape(parts[1]), unescape(parts[2])
	default:
		return nil, paramErr(name, unescape(raw), "not a quantity (5.4|http://unitsofmeasure.org|mg)")
	}
	if q.code != "" && (q.system == "" || q.system == ucum) {
		if v, c, ok := canonicalQuantity(n.v, q.code); ok {
			lo, _, _ := canonicalQuantity(n.lo, q.code)
			hi, _, _ := canonicalQuantity(n.hi, q.code)
			q.canon, q.canonCode = true, c
			q.num = numberPred{col: "canon_value", prefix: prefix, n: number{v: v, lo: lo, hi: hi}}
		}
	}
	return q, nil
}

const ucum = "http://unitsofmeasure.org"

// reference reads a reference value: Type/id, id, an absolute URL (local
// when under the service base) or a canonical url|version. target is the
// type a :Type modifier names.
func (p *parser) reference(sp *spec.SearchParam, name, v, target string) (pred, error) {
	if v == "" {
		return nil, paramErr(name, v, "empty reference")
	}
	if i := strings.Index(v, "/_history/"); i >= 0 && !strings.Contains(v, "://") {
		v = v[:i]
	}
	if strings.Contains(v, ":") { // absolute URL, urn or canonical
		r := refPred{url: v}
		if u, ver, ok := strings.Cut(v, "|"); ok {
			r.url, r.version = u, ver
		}
		if base := strings.TrimSuffix(p.opts.Base, "/"); base != "" && strings.HasPrefix(r.url, base+"/") {
			local := strings.TrimPrefix(r.url, base+"/")
			if i := strings.Index(local, "/_history/"); i >= 0 {
				local = local[:i]
			}
			if t, id, ok := strings.Cut(local, "/"); ok && p.sp.IsResource(t) && !strings.Contains(id, "/") {
				r.typ, r.id = t, id
			}
		}
		return r, nil
	}
	t, id, ok := strings.Cut(v, "/")
	if !ok {
		return refPred{typ: target, id: v}, nil
	}
	if !p.sp.IsResource(t) || id == "" || strings.Contains(id, "/") {
		return nil, paramErr(name, v, "not a reference (Type/id, id or an absolute URL)")
	}
	if target != "" && target != t {
		return nil, paramErr(name, v, "reference to %s under modifier :%s", t, target)
	}
	return refPred{typ: t, id: id}, nil
}
