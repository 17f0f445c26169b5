package filter

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/engine"
)

// jsonStep is one step of a JSON path: an object key, or an array index
// when key is "" and index >= 0.
type jsonStep struct {
	key   string
	index int
}

// parseJSONPath parses a dotted path such as "a.b[0].c" or "[2].id". Keys
// are any characters but '.', '[' and ']'.
func parseJSONPath(path string) ([]jsonStep, error) {
	if path == "" {
		return nil, errors.New("empty JSON path")
	}
	var steps []jsonStep
	s := path
	for first := true; s != ""; first = false {
		switch {
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, fmt.Errorf("bad JSON path %q: missing ']'", path)
			}
			n, err := strconv.Atoi(s[1:end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad JSON path %q: an index is a number from 0", path)
			}
			steps = append(steps, jsonStep{index: n})
			s = s[end+1:]
			continue
		case !first && s[0] == '.':
			s = s[1:]
		case !first:
			return nil, fmt.Errorf("bad JSON path %q: expected '.' or '['", path)
		}
		end := strings.IndexAny(s, ".[]")
		if end < 0 {
			end = len(s)
		}
		if end == 0 {
			return nil, fmt.Errorf("bad JSON path %q: empty key", path)
		}
		steps = append(steps, jsonStep{key: s[:end], index: -1})
		s = s[end:]
	}
	return steps, nil
}

// decodeJSON decodes a JSON document. Its error names no value.
func decodeJSON(raw []byte) (any, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("json: content is not valid JSON (at byte %d)", se.Offset)
		}
		return nil, errors.New("json: content is not valid JSON")
	}
	return v, nil
}

func lookupJSON(v any, steps []jsonStep) any {
	for _, st := range steps {
		switch x := v.(type) {
		case map[string]any:
			if st.index >= 0 {
				return nil
			}
			v = x[st.key]
		case []any:
			if st.index < 0 || st.index >= len(x) {
				return nil
			}
			v = x[st.index]
		default:
			return nil
		}
	}
	return v
}

// isJSON reports whether a media type is JSON or a JSON-based type such as
// application/fhir+json.
func isJSON(contentType string) bool {
	if contentType == engine.ContentJSON || contentType == engine.ContentFHIR {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == engine.ContentJSON || strings.HasSuffix(mt, "+json"))
}
