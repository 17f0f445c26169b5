package hl7v2

import (
	"bytes"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

func TestCharsetLatin1RoundTrip(t *testing.T) {
	text := "MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5||||||8859/1\rPID|1||1||Müller^Zoë\r"
	raw, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Get("PID-5.1"); got != "Müller" {
		t.Errorf("PID-5.1 = %q", got)
	}
	if m.Charset() != "8859/1" {
		t.Errorf("Charset() = %q", m.Charset())
	}
	out, err := m.Encode()
	if err != nil || !bytes.Equal(out, raw) {
		t.Errorf("round trip: %q, %v", out, err)
	}
	if err := m.Set("PID-5.2", "Zoé"); err != nil {
		t.Fatal(err)
	}
	out, _ = m.Encode()
	if !bytes.Contains(out, []byte("Zo\xe9")) {
		t.Errorf("edited value not encoded in 8859/1: %q", out)
	}
	// \X..\ bytes are in the message character set.
	m, _ = Parse(append(raw[:len(raw)-1:len(raw)-1], []byte("\rNTE|1||\\XFC\\\r")...))
	if got, _ := m.Get("NTE-3"); got != "ü" {
		t.Errorf("hex in 8859/1 = %q", got)
	}
}

func TestCharsetCyrillicAndJapanese(t *testing.T) {
	cyr, _ := charmap.ISO8859_5.NewEncoder().Bytes([]byte("MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5||||||8859/5\rPID|1||1||Иванов\r"))
	m, err := Parse(cyr)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Get("PID-5"); got != "Иванов" {
		t.Errorf("8859/5: %q", got)
	}
	// ISO-2022-JP bytes can contain '|' and '^'; the message must be
	// decoded before it is split.
	jp, _ := japanese.ISO2022JP.NewEncoder().Bytes([]byte("MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5||||||ISO IR87\rPID|1||1||日本^太郎\r"))
	m, err = Parse(jp)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Get("PID-5.2"); got != "太郎" {
		t.Errorf("ISO IR87: PID-5.2 = %q", got)
	}
	out, _ := m.Encode()
	if !bytes.Equal(out, jp) {
		t.Errorf("ISO IR87 round trip:\n got %q\nwant %q", out, jp)
	}
}

func TestCharsetNames(t *testing.T) {
	for _, name := range []string{"", "ASCII", "UNICODE UTF-8", "unicode utf-8", "UNICODE", "8859/15", "GB 18030-2000", "KS X 1001", "BIG-5", "ISO IR87", " ASCII "} {
		if _, err := lookupCharset([]byte(name)); err != nil {
			t.Errorf("lookupCharset(%q): %v", name, err)
		}
	}
	for _, name := range []string{"UNICODE UTF-16", "UNICODE UTF-32", "EBCDIC"} {
		if _, err := lookupCharset([]byte(name)); err == nil {
			t.Errorf("lookupCharset(%q) accepted", name)
		}
	}
	// MSH-18 repeats: the first repetition is the default character set.
	m := mustParse(t, "MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5||||||8859/1~ISO IR87\rPID|1\r")
	if m.Charset() != "8859/1" {
		t.Errorf("Charset() = %q", m.Charset())
	}
}
