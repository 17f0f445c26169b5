package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"path/filepath"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// hashLen is the number of hex digits kept in a version hash: 48 bits, so
// that two configurations of one deployment practically never collide.
const hashLen = 12

// hashSources computes the version hash of a configuration: a SHA-256 over
// each file's base name and its normalised bytes (without a UTF-8 byte order
// mark, with LF line endings and a final newline), in load order. Saving a
// file with other line endings does not change the version; editing a
// comment does.
func hashSources(files []source) string {
	h := sha256.New()
	for _, f := range files {
		data := normalise(f.data)
		writeField(h, []byte(filepath.Base(f.name)))
		writeField(h, data)
	}
	return hex.EncodeToString(h.Sum(nil))[:hashLen]
}

func normalise(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data[:len(data):len(data)], '\n')
	}
	return data
}

// writeField writes b with its length, so that no two lists of fields
// hash alike.
func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// canonicalHash identifies the meaning of a YAML subtree: aliases are
// expanded, and comments, quoting and layout are ignored. Diff compares
// channels with it.
func canonicalHash(n *yaml.Node) string {
	h := sha256.New()
	canonical(h, n)
	return hex.EncodeToString(h.Sum(nil))
}

func canonical(h hash.Hash, n *yaml.Node) {
	n = resolve(n)
	if n == nil {
		h.Write([]byte{0})
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		h.Write([]byte("{" + strconv.Itoa(len(n.Content)/2)))
	case yaml.SequenceNode:
		h.Write([]byte("[" + strconv.Itoa(len(n.Content))))
	default:
		h.Write([]byte("="))
		writeField(h, []byte(n.ShortTag()))
		writeField(h, []byte(n.Value))
		return
	}
	for _, c := range n.Content {
		canonical(h, c)
	}
}
