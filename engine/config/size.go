package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Size is a number of bytes, written as an integer (33554432) or with a
// unit: B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024),
// as in "32MiB" or "512 KiB".
type Size int64

var sizeUnits = []struct {
	suffix string
	n      int64
}{
	// Longest suffixes first, so that "MiB" is not read as "B".
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
	{"B", 1},
}

// UnmarshalText reads a size.
func (s *Size) UnmarshalText(text []byte) error {
	str := strings.TrimSpace(string(text))
	mult := int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(str, u.suffix); ok {
			str, mult = strings.TrimSpace(rest), u.n
			break
		}
	}
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a size such as 1048576, 512KiB or 32MiB", string(text))
	}
	if n > (1<<62)/mult {
		return fmt.Errorf("%q is too large", string(text))
	}
	*s = Size(n * mult)
	return nil
}

// String formats the size with the largest binary unit that divides it.
func (s Size) String() string {
	for _, u := range []struct {
		suffix string
		n      Size
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if s != 0 && s%u.n == 0 {
			return strconv.FormatInt(int64(s/u.n), 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(s), 10)
}
