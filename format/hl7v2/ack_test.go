package hl7v2

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// ackNow is the fixed clock of the acknowledgment tests.
func ackNow() time.Time { return time.Date(2024, 3, 5, 14, 7, 9, 0, time.FixedZone("CET", 3600)) }

var ackOpts = AckOptions{Now: ackNow, ControlID: "ACK0001"}

// missingPID3 is a data error as Validate or a mapping would report it.
var missingPID3 = newError(ErrRequiredField, CodeRequiredFieldMissing, Location{Segment: "PID", Sequence: 2, Field: 3}, 40, "patient identifier list")

// checkAck parses an acknowledgment and checks what every one must hold.
func checkAck(t *testing.T, ack []byte, code AckCode, controlID string) *Message {
	t.Helper()
	m, err := Parse(ack)
	if err != nil {
		t.Fatalf("acknowledgment does not parse: %v\n%q", err, ack)
	}
	if err := m.Validate(); err != nil {
		t.Errorf("acknowledgment does not validate: %v", err)
	}
	if typ, _, _ := m.Type(); typ != "ACK" {
		t.Errorf("MSH-9.1 = %q", typ)
	}
	if got, _ := m.Get("MSA-1"); got != string(code) {
		t.Errorf("MSA-1 = %q, want %q", got, code)
	}
	if got, _ := m.Get("MSA-2"); got != controlID {
		t.Errorf("MSA-2 = %q, want %q", got, controlID)
	}
	return m
}

func TestAckBytes(t *testing.T) {
	const (
		v23 = "MSH|^~\\&|LAB|HOSP|EHR|CLINIC|20240101120000||ORU^R01|MSG23|P|2.3\rPID|1\r"
		v24 = "MSH|^~\\&|LAB|HOSP|EHR|CLINIC|20240101120000||ORU^R01|MSG24|T|2.4\rPID|1\r"
		v25 = "MSH|^~\\&|LAB^1.2.3^ISO|HOSP|EHR|CLINIC|20240101120000||ADT^A01^ADT_A01|MSG25|P^T|2.5.1\rPID|1\r"
		v27 = "MSH|^~\\&#|LAB|HOSP|EHR|CLINIC|20240101120000||ADT^A08^ADT_A01|MSG27|P|2.7|||AL|NE||UNICODE UTF-8\rPID|1\r"
		v21 = "MSH|^~\\&|LAB|HOSP|EHR|CLINIC|20240101120000||ADT|MSG21|P|2.1\r"
		v22 = "MSH|^~\\&|LAB|HOSP|EHR|CLINIC|20240101120000||ADT^A01|MSG22|P|2.2\r"
		nov = "MSH|^~\\&|LAB|HOSP|EHR|CLINIC|20240101120000||ADT^A01|MSGNV|P\r"
	)
	tests := []struct {
		name, orig string
		code       AckCode
		opts       AckOptions
		want       string
	}{
		{
			name: "v2.3 accept", orig: v23, code: AckAccept,
			want: "MSH|^~\\&|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^R01|ACK0001|P|2.3\r" +
				"MSA|AA|MSG23\r",
		},
		{
			name: "v2.3 error: MSA-3 text and ERR-1", orig: v23, code: AckError,
			opts: AckOptions{Errors: []error{missingPID3}},
			want: "MSH|^~\\&|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^R01|ACK0001|P|2.3\r" +
				"MSA|AE|MSG23|PID(2)-3 (byte 40): required field missing: patient identifier list\r" +
				"ERR|PID^2^3^101&Required field missing&HL70357\r",
		},
		{
			name: "v2.3 two errors repeat ERR-1", orig: v23, code: AckReject,
			opts: AckOptions{Text: "rejected", Errors: []error{missingPID3, errors.New("disk full")}},
			want: "MSH|^~\\&|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^R01|ACK0001|P|2.3\r" +
				"MSA|AR|MSG23|rejected\r" +
				"ERR|PID^2^3^101&Required field missing&HL70357~^^^207&Application internal error&HL70357\r",
		},
		{
			name: "v2.4 error: no MSA-3", orig: v24, code: AckError,
			opts: AckOptions{Errors: []error{missingPID3}},
			want: "MSH|^~\\&|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^R01^ACK|ACK0001|T|2.4\r" +
				"MSA|AE|MSG24\r" +
				"ERR|PID^2^3^101&Required field missing&HL70357\r",
		},
		{
			name: "v2.5.1 accept echoes composite fields", orig: v25, code: AckAccept,
			want: "MSH|^~\\&|EHR|CLINIC|LAB^1.2.3^ISO|HOSP|20240305140709+0100||ACK^A01^ACK|ACK0001|P^T|2.5.1\r" +
				"MSA|AA|MSG25\r",
		},
		{
			name: "v2.5.1 error: ERR-2 to ERR-8", orig: v25, code: AckError,
			opts: AckOptions{Errors: []error{missingPID3, errors.New("mapping failed")}},
			want: "MSH|^~\\&|EHR|CLINIC|LAB^1.2.3^ISO|HOSP|20240305140709+0100||ACK^A01^ACK|ACK0001|P^T|2.5.1\r" +
				"MSA|AE|MSG25\r" +
				"ERR||PID^2^3|101^Required field missing^HL70357|E||||PID(2)-3 (byte 40): required field missing: patient identifier list\r" +
				"ERR|||207^Application internal error^HL70357|E||||mapping failed\r",
		},
		{
			name: "v2.5.1 text asked for", orig: v25, code: AckReject, opts: AckOptions{Text: "try later"},
			want: "MSH|^~\\&|EHR|CLINIC|LAB^1.2.3^ISO|HOSP|20240305140709+0100||ACK^A01^ACK|ACK0001|P^T|2.5.1\r" +
				"MSA|AR|MSG25|try later\r",
		},
		{
			name: "v2.5.1 warning in a positive ack", orig: v25, code: AckAccept,
			opts: AckOptions{Errors: []error{newError(ErrRequiredField, CodeRequiredFieldMissing, Location{Segment: "PV1", Sequence: 3, Field: 2, Rep: 1, Component: 1}, -1, "")}},
			want: "MSH|^~\\&|EHR|CLINIC|LAB^1.2.3^ISO|HOSP|20240305140709+0100||ACK^A01^ACK|ACK0001|P^T|2.5.1\r" +
				"MSA|AA|MSG25\r" +
				"ERR||PV1^3^2^1^1|101^Required field missing^HL70357|W||||PV1(3)-2.1: required field missing\r",
		},
		{
			name: "v2.7 enhanced: truncation character, MSH-18 echoed", orig: v27, code: AckCommitAccept,
			want: "MSH|^~\\&#|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^A08^ACK|ACK0001|P|2.7||||||UNICODE UTF-8\r" +
				"MSA|CA|MSG27\r",
		},
		{
			name: "v2.7 escaping", orig: v27, code: AckCommitError,
			opts: AckOptions{ControlID: "id|1", Text: "a|b^c~d\\e&f#g\rh", Errors: []error{errors.New("bad ^ value | here")}},
			want: "MSH|^~\\&#|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^A08^ACK|id\\F\\1|P|2.7||||||UNICODE UTF-8\r" +
				"MSA|CE|MSG27|a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f\\P\\g\\X0D\\h\r" +
				"ERR|||207^Application internal error^HL70357|E||||bad \\S\\ value \\F\\ here\r",
		},
		{
			name: "v2.1: MSH-9 without trigger", orig: v21, code: AckAccept,
			want: "MSH|^~\\&|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK|ACK0001|P|2.1\rMSA|AA|MSG21\r",
		},
		{
			name: "v2.2: MSH-9 without structure", orig: v22, code: AckAccept,
			want: "MSH|^~\\&|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^A01|ACK0001|P|2.2\rMSA|AA|MSG22\r",
		},
		{
			name: "no version: both ERR forms", orig: nov, code: AckError,
			opts: AckOptions{Errors: []error{missingPID3}},
			want: "MSH|^~\\&|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^A01^ACK|ACK0001|P|2.5\r" +
				"MSA|AE|MSGNV|PID(2)-3 (byte 40): required field missing: patient identifier list\r" +
				"ERR|PID^2^3^101&Required field missing&HL70357|PID^2^3|101^Required field missing^HL70357|E||||PID(2)-3 (byte 40): required field missing: patient identifier list\r",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := mustParse(t, tt.orig)
			opts := tt.opts
			opts.Now = ackNow
			if opts.ControlID == "" {
				opts.ControlID = ackOpts.ControlID
			}
			got, err := Ack(orig, tt.code, opts)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			ack := checkAck(t, got, tt.code, orig.ControlID())
			if opts.Text != "" {
				if text, _ := ack.Get("MSA-3"); text != opts.Text {
					t.Errorf("MSA-3 reads back as %q, want %q", text, opts.Text)
				}
			}
			if id := ack.ControlID(); id != opts.ControlID {
				t.Errorf("MSH-10 reads back as %q", id)
			}
		})
	}
}

// TestAckFromError checks the code chosen for each kind of outcome, in
// original and enhanced mode, and that the errors become ERR segments.
func TestAckFromError(t *testing.T) {
	original := "MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|X1|P|2.5\rPID|1\r"
	enhanced := "MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|X1|P|2.5|||al|ne\rPID|1\r"
	unsupported := newError(ErrUnsupportedVersion, CodeUnsupportedVersion, Location{Segment: "MSH", Sequence: 1, Field: 12}, 50, `"9.9"`)
	tests := []struct {
		name       string
		err        error
		orig, enhc AckCode
	}{
		{"success", nil, AckAccept, AckCommitAccept},
		{"data error", missingPID3, AckError, AckCommitError},
		{"unsupported version", unsupported, AckReject, AckCommitReject},
		{"storage down", errors.New("journal: disk full"), AckReject, AckCommitReject},
		{"joined data errors", errors.Join(missingPID3, missingPID3), AckError, AckCommitError},
		{"reject wins", errors.Join(missingPID3, unsupported), AckReject, AckCommitReject},
		{"wrapped data error", fmt.Errorf("mapping ADT: %w", missingPID3), AckError, AckCommitError},
	}
	for _, tt := range tests {
		for _, mode := range []struct {
			in   string
			want AckCode
		}{{original, tt.orig}, {enhanced, tt.enhc}} {
			m := mustParse(t, mode.in)
			ack, err := AckFromError(m, tt.err, ackOpts)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			a := checkAck(t, ack, mode.want, "X1")
			if want := len(ackErrors(tt.err)); a.Count("ERR") != want {
				t.Errorf("%s: %d ERR segments, want %d", tt.name, a.Count("ERR"), want)
			}
		}
	}

	// Validate's joined errors each get an ERR with their location.
	m := mustParse(t, "MSH|^~\\&|A|B|C|D|20240101||||P|2.6\r")
	verr := m.Validate()
	if verr == nil {
		t.Fatal("message without MSH-9 and MSH-10 validates")
	}
	ack, err := AckFromError(m, verr, ackOpts)
	if err != nil {
		t.Fatal(err)
	}
	a := checkAck(t, ack, AckError, "")
	if a.Count("ERR") != 2 {
		t.Fatalf("ERR segments: %q", ack)
	}
	if loc, _ := a.Get("ERR(2)-2"); loc != "MSH^1^10" {
		t.Errorf("second ERR-2 = %q", loc)
	}
}

func TestAckCodeFor(t *testing.T) {
	tests := []struct {
		err  error
		want AckCode
	}{
		{nil, AckAccept},
		{newError(ErrNoMSH, CodeSegmentSequence, Location{}, 0, ""), AckReject},
		{newError(ErrEncodingChars, CodeDataType, Location{Segment: "MSH", Field: 2}, 0, ""), AckReject},
		{newError(ErrCharset, CodeDataType, Location{Segment: "MSH", Field: 18}, 0, ""), AckReject},
		{newError(ErrEmpty, CodeSegmentSequence, Location{}, -1, ""), AckReject},
		{newError(ErrRequiredField, CodeUnsupportedMessage, Location{}, -1, ""), AckReject},
		{newError(ErrRequiredField, CodeUnsupportedEvent, Location{}, -1, ""), AckReject},
		{newError(ErrRequiredField, CodeUnsupportedProcessing, Location{}, -1, ""), AckReject},
		{newError(ErrRequiredField, CodeRecordLocked, Location{}, -1, ""), AckReject},
		{newError(ErrRequiredField, CodeDataType, Location{}, -1, ""), AckError},
		{newError(ErrRequiredField, CodeTableValueNotFound, Location{}, -1, ""), AckError},
		{newError(ErrRequiredField, CodeDuplicateKey, Location{}, -1, ""), AckError},
		{newError(ErrBatch, CodeSegmentSequence, Location{}, -1, ""), AckError},
		{newError(ErrTooLarge, CodeValueTooLong, Location{}, 0, ""), AckError},
		{fmt.Errorf("checking: %w", ErrRequiredField), AckError},
		{errors.New("context deadline exceeded"), AckReject},
	}
	for _, tt := range tests {
		if got := AckCodeFor(tt.err); got != tt.want {
			t.Errorf("AckCodeFor(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

func TestAckCode(t *testing.T) {
	tests := []struct {
		code                      AckCode
		valid, positive, isCommit bool
		commit, application       AckCode
	}{
		{AckAccept, true, true, false, AckCommitAccept, AckAccept},
		{AckError, true, false, false, AckCommitError, AckError},
		{AckReject, true, false, false, AckCommitReject, AckReject},
		{AckCommitAccept, true, true, true, AckCommitAccept, AckAccept},
		{AckCommitError, true, false, true, AckCommitError, AckError},
		{AckCommitReject, true, false, true, AckCommitReject, AckReject},
		{"aa", false, false, false, "aa", "aa"},
		{"", false, false, false, "", ""},
	}
	for _, tt := range tests {
		c := tt.code
		if c.Valid() != tt.valid || c.IsPositive() != tt.positive || c.IsCommit() != tt.isCommit ||
			c.Commit() != tt.commit || c.Application() != tt.application {
			t.Errorf("%q: Valid %v IsPositive %v IsCommit %v Commit %q Application %q", c,
				c.Valid(), c.IsPositive(), c.IsCommit(), c.Commit(), c.Application())
		}
	}
}

// TestAckRequest checks the acknowledgment decision for each MSH-15 and
// MSH-16 combination.
func TestAckRequest(t *testing.T) {
	tests := []struct {
		msh15, msh16 string
		enhanced     bool
		// immediate acks sent on success and on error; deferred likewise
		immOK, immErr, defOK, defErr string
	}{
		{"", "", false, "AA", "AE", "", ""},
		{"AL", "AL", true, "CA", "CE", "AA", "AE"},
		{"NE", "NE", true, "", "", "", ""},
		{"ER", "SU", true, "", "CE", "AA", ""},
		{"SU", "ER", true, "CA", "", "", "AE"},
		{"AL", "", true, "CA", "CE", "AA", "AE"}, // an empty condition counts as AL
		{"", "NE", true, "CA", "CE", "", ""},
		{" ne ", "al", true, "", "", "AA", "AE"}, // case and spaces are forgiven
		{"XX", "NE", true, "CA", "CE", "", ""},   // an unknown condition counts as AL
	}
	show := func(c AckCode, send bool) string {
		if !send {
			return ""
		}
		return string(c)
	}
	for _, tt := range tests {
		m := mustParse(t, "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5|||"+tt.msh15+"|"+tt.msh16+"\r")
		r := RequestedAck(m)
		got := fmt.Sprint(r.Enhanced(), " ", show(r.Immediate(AckAccept)), " ", show(r.Immediate(AckError)),
			" ", show(r.Deferred(AckAccept)), " ", show(r.Deferred(AckError)))
		want := fmt.Sprint(tt.enhanced, " ", tt.immOK, " ", tt.immErr, " ", tt.defOK, " ", tt.defErr)
		if got != want {
			t.Errorf("MSH-15 %q MSH-16 %q: got %q, want %q", tt.msh15, tt.msh16, got, want)
		}
	}
	if r := RequestedAck(nil); r.Enhanced() {
		t.Error("nil message asks for enhanced mode")
	}
	for _, tt := range []struct {
		c    AckCondition
		ok   bool
		fail bool
	}{{AckAlways, true, true}, {AckNever, false, false}, {AckOnError, false, true}, {AckOnSuccess, true, false}, {"", true, true}} {
		if tt.c.Wants(AckCommitAccept) != tt.ok || tt.c.Wants(AckCommitReject) != tt.fail {
			t.Errorf("%q.Wants: %v %v", tt.c, tt.c.Wants(AckCommitAccept), tt.c.Wants(AckCommitReject))
		}
	}
}

// TestAckCharset checks that an acknowledgment of a Latin-1 message is
// written in Latin-1.
func TestAckCharset(t *testing.T) {
	orig := mustParse(t, "MSH|^~\\&|LAB|H\xf4PITAL|EHR|CLINIC|20240101||ADT^A01|L1|P|2.5||||||8859/1\r")
	ack, err := Ack(orig, AckError, AckOptions{Now: ackNow, ControlID: "1", Errors: []error{errors.New("déjà vu ✓")}})
	if err != nil {
		t.Fatal(err)
	}
	want := "MSH|^~\\&|EHR|CLINIC|LAB|H\xf4PITAL|20240305140709+0100||ACK^A01^ACK|1|P|2.5||||||8859/1\r" +
		"MSA|AE|L1\r" +
		"ERR|||207^Application internal error^HL70357|E||||d\xe9j\xe0 vu \x1a\r"
	if string(ack) != want {
		t.Errorf("got\n%q\nwant\n%q", ack, want)
	}
	a := checkAck(t, ack, AckError, "L1")
	if got, _ := a.Get("MSH-6"); got != "HôPITAL" {
		t.Errorf("MSH-6 reads back as %q", got)
	}
}

// TestAckOddDelimiters checks an original that declares only some encoding
// characters: the ACK falls back to |^~\& and converts the echoed fields.
func TestAckOddDelimiters(t *testing.T) {
	orig := mustParse(t, "MSH#*~#APP*FAC#F|B#R#X#20240101##ADT*A01#C|1#P#2.4\r")
	ack, err := Ack(orig, AckError, AckOptions{Now: ackNow, ControlID: "1", Text: "x&y"})
	if err != nil {
		t.Fatal(err)
	}
	want := "MSH|^~\\&|R|X|APP^FAC|F\\F\\B|20240305140709+0100||ACK^A01^ACK|1|P|2.4\rMSA|AE|C\\F\\1|x\\T\\y\r"
	if string(ack) != want {
		t.Errorf("got\n%q\nwant\n%q", ack, want)
	}
	checkAck(t, ack, AckError, "C|1")
}

func TestNakRaw(t *testing.T) {
	now := AckOptions{Now: ackNow, ControlID: "N1"}
	tests := []struct {
		name, in string
		err      error
		want     string
	}{
		{
			name: "not HL7", in: "GET / HTTP/1.1\r\n", err: newError(ErrNoMSH, CodeSegmentSequence, Location{}, 0, ""),
			want: "MSH|^~\\&|||||20240305140709+0100||ACK^^ACK|N1|P|2.5\r" +
				"MSA|AR||byte 0: message does not start with an MSH segment\r" +
				"ERR|^^^100&Segment sequence error&HL70357||100^Segment sequence error^HL70357|E||||byte 0: message does not start with an MSH segment\r",
		},
		{
			name: "bad encoding characters, control ID salvaged",
			in:   "MSH|^^~\\&|LAB|HOSP|EHR|CLINIC|20240101||ADT^A01|CTRL^9|P|2.5\rPID|1\r",
			want: "MSH|^~\\&|||||20240305140709+0100||ACK^^ACK|N1|P|2.5\rMSA|AR|CTRL\\S\\9\r",
		},
		{
			name: "unreadable character set: header used, MSH-18 dropped",
			in:   "MSH|^~\\&|LAB|HOSP|EHR|CLINIC|20240101||ADT^A01|C7|P|2.3|||||||UNICODE UTF-16\r",
			err:  errors.New("charset"),
			want: "MSH|^~\\&|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^A01|N1|P|2.3\rMSA|AR|C7|charset\rERR|^^^207&Application internal error&HL70357\r",
		},
		{
			name: "enhanced mode",
			in:   "\xef\xbb\xbf\r\nMSH|^~\\&|LAB|HOSP|EHR|CLINIC|20240101||ADT^A01|C8|P|2.7|||AL|AL\rPID",
			want: "MSH|^~\\&|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^A01^ACK|N1|P|2.7\rMSA|CR|C8\r",
		},
		{
			name: "too large", in: "MSH|^~\\&|LAB|HOSP|EHR|CLINIC|20240101||ORU^R01|BIG|P|2.5",
			err: newError(ErrTooLarge, CodeValueTooLong, Location{}, 7, "longer than the limit"),
			want: "MSH|^~\\&|EHR|CLINIC|LAB|HOSP|20240305140709+0100||ACK^R01^ACK|N1|P|2.5\rMSA|AE|BIG\r" +
				"ERR|||104^Value too long^HL70357|E||||byte 7: message too large: longer than the limit\r",
		},
		{name: "empty", in: "", want: "MSH|^~\\&|||||20240305140709+0100||ACK^^ACK|N1|P|2.5\rMSA|AR|\r"},
	}
	for _, tt := range tests {
		got, err := NakRaw([]byte(tt.in), tt.err, now)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if string(got) != tt.want {
			t.Errorf("%s: got\n%q\nwant\n%q", tt.name, got, tt.want)
		}
		if _, err := Parse(got); err != nil {
			t.Errorf("%s: result does not parse: %v", tt.name, err)
		}
	}
}

// TestNakRawFromReader rejects an oversized message by the head the
// Reader returns with ErrTooLarge.
func TestNakRawFromReader(t *testing.T) {
	r := NewReader(strings.NewReader("MSH|^~\\&|A|B|C|D|20240101||ORU^R01|HUGE|P|2.5\r" + strings.Repeat("OBX|1|ED|||xxxxxxxxxxxx\r", 100)))
	r.SetMaxSize(500)
	head, err := r.Next()
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v", err)
	}
	ack, nerr := NakRaw(head, err, ackOpts)
	if nerr != nil {
		t.Fatal(nerr)
	}
	checkAck(t, ack, AckError, "HUGE")
}

func TestAckGeneratedControlID(t *testing.T) {
	orig := mustParse(t, "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\r")
	seen := map[string]bool{}
	for range 50 {
		ack, err := Ack(orig, AckAccept, AckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m := checkAck(t, ack, AckAccept, "1")
		id := m.ControlID()
		if len(id) != 16 || strings.Trim(id, "0123456789abcdef") != "" || seen[id] {
			t.Fatalf("control ID %q: want 16 new hexadecimal digits", id)
		}
		seen[id] = true
		ts, _ := m.Get("MSH-7")
		if when, err := time.Parse("20060102150405-0700", ts); err != nil || time.Since(when) > time.Minute {
			t.Errorf("MSH-7 %q is not the current time", ts)
		}
	}
}

func TestAckRefuses(t *testing.T) {
	orig := mustParse(t, "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\r")
	if _, err := Ack(orig, "OK", ackOpts); err == nil || !strings.Contains(err.Error(), "table 0008") {
		t.Errorf("unknown code: %v", err)
	}
	if _, err := Ack(nil, AckAccept, ackOpts); err == nil {
		t.Error("nil message: no error")
	}
	if _, err := AckFromError(nil, nil, ackOpts); err == nil {
		t.Error("nil message: no error")
	}
	// A Message that was never parsed has no MSH: the defaults are used.
	ack, err := Ack(new(Message), AckError, ackOpts)
	if err != nil {
		t.Fatal(err)
	}
	checkAck(t, ack, AckError, "")
}

// FuzzAck checks that acknowledging any input, parsed or not, never panics
// and gives an acknowledgment that parses, with MSA-2 equal to MSH-10 of
// the original when it parsed.
func FuzzAck(f *testing.F) {
	f.Add([]byte("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5|||AL|NE\rPID|1\r"), "text|with^delims")
	f.Add([]byte("MSH#*~#APP*FAC#F|B#R#X#20240101##ADT*A01#C|1#P#2.4\r"), "")
	f.Add([]byte("MSH|^~\\&|||||||||||||||||8859/1\r\xe9"), "\xff")
	f.Add([]byte("MSH|^^|a|b|c|d|e|f|g|h|i|j"), "x")
	f.Add([]byte("MSH#*########*"), "")
	f.Add([]byte("MSH|!||||||||||||||||\x00"), "0")
	f.Fuzz(func(t *testing.T, data []byte, text string) {
		opts := AckOptions{Now: ackNow, Text: text, Errors: []error{errors.New(text), missingPID3}}
		nak, err := NakRaw(data, newError(ErrNoMSH, CodeSegmentSequence, Location{}, 0, text), opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(nak); err != nil {
			t.Fatalf("NakRaw result does not parse: %v\n%q", err, nak)
		}
		m, err := Parse(data)
		if err != nil {
			return
		}
		ack, err := AckFromError(m, m.Validate(), opts)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Parse(ack)
		if err != nil {
			t.Fatalf("acknowledgment does not parse: %v\n%q", err, ack)
		}
		if d := m.Delimiters(); m.Charset() == "" && d.Escape != 0 && d.Subcomponent != 0 {
			// Same delimiters in the acknowledgment: MSA-2 reads as MSH-10.
			if got, want := a.LookupPath(Path{Segment: "MSA", Field: 2}).String(), m.ControlID(); got != want && !strings.ContainsAny(want, "\r\n") {
				t.Fatalf("MSA-2 %q, original MSH-10 %q", got, want)
			}
		}
	})
}
