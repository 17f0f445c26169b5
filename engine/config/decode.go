package config

import (
	"bytes"
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder turns YAML nodes into Go values much as yaml.v3 does, but it
// rejects unknown fields, does not stop at the first problem, locates every
// problem by file, line, column and field path, and accepts days ("30d") in
// durations. It remembers the node each field path came from, so that the
// checks made after decoding can point at the right line too.
//
// Fields are matched by their yaml tag (or the lower-cased field name), and
// ",inline" structs are flattened, as with yaml.v3. A value absent from the
// YAML keeps what the Go value held before decoding, so callers set defaults
// first. Types implementing yaml.Unmarshaler or encoding.TextUnmarshaler
// decode themselves.
type decoder struct {
	file     string
	src      []byte // the file's content, for positions inside scalars
	problems []Problem
	nodes    map[string]*yaml.Node // field path → the node its value came from
	failed   map[string]bool       // field paths whose value could not be decoded
	budget   int                   // nodes left to visit, against alias bombs
	exhaust  bool                  // the budget ran out and that was reported

	// root and rootNames add names to the "did you mean" hint for unknown
	// fields of the mapping at path root: the keys the engine took out of a
	// connector section before handing it over.
	root      string
	rootNames []string
}

// line returns line n (1-based) of the file as characters, or nil when the
// file has no such line.
func (d *decoder) line(n int) []rune {
	if n < 1 {
		return nil
	}
	rest := d.src
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(rest, '\n')
		if j < 0 {
			return nil
		}
		rest = rest[j+1:]
	}
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	return []rune(strings.TrimSuffix(string(rest), "\r"))
}

// maxNodes bounds the nodes one decoder visits. Aliases let a small file
// describe a huge tree; no real configuration comes near this.
const maxNodes = 1 << 20

func newDecoder(file string) *decoder {
	return &decoder{file: file, nodes: map[string]*yaml.Node{}, failed: map[string]bool{}, budget: maxNodes}
}

// nodeDecoder is implemented by configuration types that decode themselves,
// such as connector sections whose unknown keys are kept for the connector.
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node, path string)
}

// defaulter is implemented by configuration types that have defaults; the
// decoder calls setDefaults before decoding a mapping into a fresh value.
type defaulter interface {
	setDefaults()
}

var (
	durationType    = reflect.TypeFor[time.Duration]()
	nodeType        = reflect.TypeFor[yaml.Node]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
	nodeDecoderType = reflect.TypeFor[nodeDecoder]()
)

// problem records a problem found while decoding, at node n (which may be
// nil) for field path. Checks made after decoding skip a failed field, so
// that one mistake gives one problem.
func (d *decoder) problem(n *yaml.Node, path, format string, args ...any) {
	d.failed[path] = true
	d.add(n, path, format, args...)
}

func (d *decoder) add(n *yaml.Node, path, format string, args ...any) {
	p := Problem{File: d.file, Field: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	d.problems = append(d.problems, p)
}

// node returns the node recorded for path, or for its closest parent, so a
// problem with a defaulted value points at the section that left it out.
func (d *decoder) node(path string) *yaml.Node {
	for {
		if n, ok := d.nodes[path]; ok {
			return n
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return nil
		}
		path = path[:i]
	}
}

// given reports whether path was written in the YAML with a non-null value
// that could be decoded.
func (d *decoder) given(path string) bool {
	n, ok := d.nodes[path]
	return ok && !isNull(n) && !d.failed[path]
}

// at records a problem found by a check, located at the node of path (or
// of its closest parent).
func (d *decoder) at(path, format string, args ...any) {
	d.add(d.node(path), path, format, args...)
}

// resolve follows aliases and unwraps documents.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil {
		switch {
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		default:
			return n
		}
	}
	return nil
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names what a node holds, for "must be X, not Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if isNull(n) {
		return "empty"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:37] + "..."
	}
	return strconv.Quote(v)
}

// decode stores the value of n into v, which must be settable.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = resolve(n)
	if n == nil {
		return
	}
	if d.budget--; d.budget < 0 {
		if !d.exhaust {
			d.exhaust = true
			d.problem(n, path, "too many values once aliases are expanded")
		}
		return
	}
	if path != "" {
		d.nodes[path] = n
	}
	t := v.Type()
	if t == nodeType {
		v.Set(reflect.ValueOf(*n))
		return
	}
	if t.Kind() == reflect.Pointer {
		if isNull(n) {
			v.SetZero()
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.decode(n, v.Elem(), path)
		return
	}
	if v.CanAddr() {
		p := v.Addr()
		switch {
		case p.Type().Implements(nodeDecoderType):
			p.Interface().(nodeDecoder).decodeNode(d, n, path)
			return
		case p.Type().Implements(unmarshalerType):
			if err := p.Interface().(yaml.Unmarshaler).UnmarshalYAML(n); err != nil {
				d.problem(n, path, "%s", yamlMessage(err))
			}
			return
		case t != durationType && p.Type().Implements(textType) && n.Kind == yaml.ScalarNode:
			if err := p.Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
				d.problem(n, path, "%v", err)
			}
			return
		}
	}
	if t == durationType {
		d.duration(n, v, path)
		return
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() > 0 {
			d.problem(n, path, "cannot decode into %s", t)
			return
		}
		var x any
		if err := n.Decode(&x); err != nil {
			d.problem(n, path, "%s", yamlMessage(err))
			return
		}
		if x == nil {
			v.SetZero()
		} else {
			v.Set(reflect.ValueOf(x))
		}
	case reflect.Struct:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.problem(n, path, "must be a mapping, not %s", describe(n))
			return
		}
		if df, ok := v.Addr().Interface().(defaulter); ok && v.IsZero() {
			df.setDefaults()
		}
		d.decodeStruct(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Slice:
		if isNull(n) {
			v.SetZero()
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.problem(n, path, "must be a list, not %s", describe(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.problem(n, path, "must be a string, not %s", describe(n))
			return
		}
		if isNull(n) {
			v.SetString("")
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
			d.problem(n, path, "must be true or false, not %s", describe(n))
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var i int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
			d.problem(n, path, "must be an integer, not %s", describe(n))
			return
		}
		if v.OverflowInt(i) {
			d.problem(n, path, "%d is out of range", i)
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var i int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
			d.problem(n, path, "must be an integer, not %s", describe(n))
			return
		}
		if i < 0 {
			d.problem(n, path, "must not be negative")
			return
		}
		if v.OverflowUint(uint64(i)) {
			d.problem(n, path, "%d is out of range", i)
			return
		}
		v.SetUint(uint64(i))
	case reflect.Float32, reflect.Float64:
		var f float64
		tag := n.ShortTag()
		if n.Kind != yaml.ScalarNode || (tag != "!!float" && tag != "!!int") || n.Decode(&f) != nil {
			d.problem(n, path, "must be a number, not %s", describe(n))
			return
		}
		v.SetFloat(f)
	default:
		d.problem(n, path, "cannot decode into %s", t)
	}
}

func (d *decoder) duration(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.problem(n, path, "must be a duration, not %s", describe(n))
		return
	}
	if isNull(n) {
		return
	}
	if n.ShortTag() == "!!int" && n.Value == "0" {
		v.SetInt(0)
		return
	}
	dur, err := parseDuration(n.Value)
	if err != nil {
		d.problem(n, path, "%v", err)
		return
	}
	v.SetInt(int64(dur))
}

// maxDays keeps day counts well inside what a time.Duration holds.
const maxDays = 36500

// parseDuration accepts Go durations ("1h30m", "250ms") and a leading count
// of days ("30d", "1d12h").
func parseDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration (write for example 500ms, 10m, 24h or 30d)", s)
	rest := s
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 || s[0] == '+' {
			return 0, bad
		}
		if n > maxDays {
			return 0, fmt.Errorf("%q is too long (at most %dd)", s, maxDays)
		}
		days = time.Duration(n) * 24 * time.Hour
		rest = s[i+1:]
		if rest == "" {
			return days, nil
		}
		if rest[0] == '-' || rest[0] == '+' {
			return 0, bad
		}
	}
	dur, err := time.ParseDuration(rest)
	if err != nil {
		if _, numErr := strconv.ParseFloat(rest, 64); numErr == nil {
			return 0, fmt.Errorf("%q needs a unit (for example 500ms, 10m, 24h or 30d)", s)
		}
		return 0, bad
	}
	if dur < 0 {
		return 0, fmt.Errorf("%q must not be negative", s)
	}
	return days + dur, nil
}

// pair is one key and value of a mapping.
type pair struct {
	name       string
	key, value *yaml.Node
}

// pairs returns the entries of mapping n with merge keys ("<<: *base")
// expanded, keys written in n winning over merged ones. It reports keys that
// are not plain scalars and keys given twice.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	var out []pair
	seen := map[string]*yaml.Node{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, val)
			continue
		}
		if rk := resolve(k); rk == nil || rk.Kind != yaml.ScalarNode {
			d.add(k, path, "keys must be plain names, not %s", describe(k))
			continue
		}
		name := resolve(k).Value
		if first, dup := seen[name]; dup {
			d.problem(k, join(path, name), "given twice (first at line %d, column %d)", first.Line, first.Column)
			continue
		}
		seen[name] = k
		out = append(out, pair{name, k, val})
	}
	for _, m := range merges {
		m = resolve(m)
		var sources []*yaml.Node
		switch m.Kind {
		case yaml.MappingNode:
			sources = []*yaml.Node{m}
		case yaml.SequenceNode:
			for _, s := range m.Content {
				sources = append(sources, resolve(s))
			}
		default:
			sources = []*yaml.Node{nil}
		}
		for _, s := range sources {
			if s == nil || s.Kind != yaml.MappingNode {
				d.problem(m, join(path, "<<"), "must merge a mapping or a list of mappings")
				continue
			}
			for _, p := range d.pairs(s, path) {
				if _, dup := seen[p.name]; !dup {
					seen[p.name] = p.key
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// join appends a key to a field path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.problem(n, path, "must be a mapping, not %s", describe(n))
		return
	}
	t := v.Type()
	if t.Key().Kind() != reflect.String {
		d.problem(n, path, "cannot decode into %s", t)
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(t))
	}
	for _, p := range d.pairs(n, path) {
		e := reflect.New(t.Elem()).Elem()
		if old := v.MapIndex(reflect.ValueOf(p.name).Convert(t.Key())); old.IsValid() {
			e.Set(old)
		}
		d.decode(p.value, e, join(path, p.name))
		v.SetMapIndex(reflect.ValueOf(p.name).Convert(t.Key()), e)
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	fields := structFields(v.Type())
	for _, p := range d.pairs(n, path) {
		f, ok := fields.byName[p.name]
		if !ok {
			d.unknown(p, path, fields.names)
			continue
		}
		d.decode(p.value, fieldByIndex(v, f), join(path, p.name))
	}
}

// unknown reports an unknown field, suggesting the closest known name.
func (d *decoder) unknown(p pair, path string, names []string) {
	if path == d.root && d.rootNames != nil {
		names = append(append([]string(nil), names...), d.rootNames...)
		sort.Strings(names)
	}
	if s := suggest(p.name, names); s != "" {
		d.problem(p.key, join(path, p.name), "unknown field (did you mean %s?)", s)
		return
	}
	if len(names) == 0 {
		d.problem(p.key, join(path, p.name), "unknown field (this section takes none)")
		return
	}
	d.problem(p.key, join(path, p.name), "unknown field (known: %s)", strings.Join(names, ", "))
}

// fieldByIndex is reflect.Value.FieldByIndex allocating nil embedded
// pointers on the way.
func fieldByIndex(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

type fieldSet struct {
	byName map[string][]int
	names  []string // sorted
}

var fieldCache sync.Map // reflect.Type → *fieldSet

// structFields lists the YAML names of a struct's fields, flattening
// ",inline" structs.
func structFields(t reflect.Type) *fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fieldSet)
	}
	fs := &fieldSet{byName: map[string][]int{}}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("yaml")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), index...), i)
			if strings.Contains(","+opts+",", ",inline,") {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, idx)
				}
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			if _, dup := fs.byName[name]; !dup {
				fs.byName[name] = idx
				fs.names = append(fs.names, name)
			}
		}
	}
	walk(t, nil)
	sort.Strings(fs.names)
	actual, _ := fieldCache.LoadOrStore(t, fs)
	return actual.(*fieldSet)
}

// suggest returns the name closest to s when it is close enough to be a
// likely typo, or "".
func suggest(s string, names []string) string {
	best, bestDist := "", 3
	if len(s) < 5 {
		bestDist = 2
	}
	for _, n := range names {
		if dist := editDistance(s, n); dist < bestDist {
			best, bestDist = n, dist
		}
	}
	return best
}

// editDistance counts the insertions, deletions, substitutions and swaps of
// two neighbouring letters that turn a into b (the optimal string alignment
// distance), so that "tyep" is one step from "type".
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// yamlMessage strips yaml.v3's "yaml: " prefix and its line prefixes from
// an error, since the problem carries the location itself.
func yamlMessage(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	msg = strings.TrimPrefix(msg, "yaml: ")
	var parts []string
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "line ") {
			if _, rest, ok := strings.Cut(line, ": "); ok {
				line = rest
			}
		}
		if line != "" {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, "; ")
}
