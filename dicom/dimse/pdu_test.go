package dimse

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestPDURoundTrip(t *testing.T) {
	pdus := []any{
		&Associate{ProtocolVersion: 1, CalledAE: "PACS", CallingAE: "PLEXUS", ApplicationContext: ApplicationContext, MaxPDULength: 16384,
			ImplementationClassUID: "1.2.3", ImplementationVersion: "X_1",
			Contexts: []PresentationContext{{ID: 1, AbstractSyntax: VerificationSOPClass, TransferSyntaxes: []string{"1.2.840.10008.1.2", "1.2.840.10008.1.2.1"}}}},
		&Associate{Accept: true, ProtocolVersion: 1, CalledAE: "PACS", CallingAE: "PLEXUS", ApplicationContext: ApplicationContext,
			Contexts: []PresentationContext{{ID: 1, Result: ResultAcceptance, TransferSyntaxes: []string{"1.2.840.10008.1.2"}}, {ID: 3, Result: ResultAbstractSyntaxNotSupported, TransferSyntaxes: []string{"1.2.840.10008.1.2"}}}},
		&AssociateRJ{Result: 1, Source: 1, Reason: RejectCalledAE},
		&PData{Items: []PDV{{ContextID: 1, Command: true, Last: true, Data: []byte{1, 2, 3}}, {ContextID: 3, Data: []byte{}}}},
		&ReleaseRQ{},
		&ReleaseRP{},
		&Abort{Source: 2, Reason: 6},
	}
	for _, p := range pdus {
		b, err := AppendPDU(nil, p)
		if err != nil {
			t.Fatalf("%T: %v", p, err)
		}
		got, err := ReadPDU(bytes.NewReader(b), 0)
		if err != nil {
			t.Fatalf("%T: %v", p, err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("%T round trip:\n got %+v\nwant %+v", p, got, p)
		}
	}
}

func TestReadPDUErrors(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		max  uint32
	}{
		{"unknown type", []byte{0x09, 0, 0, 0, 0, 0}, 0},
		{"too long", []byte{0x04, 0, 0, 1, 0, 0}, 1024},
		{"short associate", []byte{0x01, 0, 0, 0, 0, 2, 0, 1}, 0},
		{"bad pdv length", []byte{0x04, 0, 0, 0, 0, 6, 0, 0, 0, 9, 1, 3}, 0},
		{"bad item length", append(append([]byte{0x01, 0, 0, 0, 0, 72}, make([]byte, 68)...), 0x10, 0, 0, 9), 0},
		{"release of 2 bytes", []byte{0x05, 0, 0, 0, 0, 2, 0, 0}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadPDU(bytes.NewReader(tc.b), tc.max)
			if !errors.Is(err, ErrPDU) {
				t.Fatalf("error = %v, want ErrPDU", err)
			}
		})
	}
}

func TestCommandRoundTrip(t *testing.T) {
	for _, c := range []*Command{
		{Field: CStoreRQ, MessageID: 7, SOPClassUID: "1.2.840.10008.5.1.4.1.1.2", SOPInstanceUID: "1.2.3", Priority: 0, HasDataSet: true},
		{Field: CStoreRSP, RespondingTo: 7, SOPClassUID: "1.2.3", SOPInstanceUID: "1.2.3.4", Status: StatusCannotUnderstand, ErrorComment: "bad"},
		{Field: CEchoRQ, MessageID: 1, SOPClassUID: VerificationSOPClass},
	} {
		got, err := parseCommand(c.encode())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("got %+v, want %+v", got, c)
		}
	}
}

// FuzzReadPDU checks that no input panics the PDU reader, and that what it
// accepts encodes back to a PDU that reads the same.
func FuzzReadPDU(f *testing.F) {
	seed, _ := AppendPDU(nil, &Associate{ProtocolVersion: 1, CalledAE: "A", CallingAE: "B", ApplicationContext: ApplicationContext, MaxPDULength: 1,
		Contexts: []PresentationContext{{ID: 1, AbstractSyntax: "1.2", TransferSyntaxes: []string{"1.2.840.10008.1.2"}}}})
	f.Add(seed)
	seed, _ = AppendPDU(nil, &PData{Items: []PDV{{ContextID: 1, Command: true, Last: true, Data: (&Command{Field: CEchoRQ, MessageID: 1}).encode()}}})
	f.Add(seed)
	f.Add([]byte{0x07, 0, 0, 0, 0, 4, 0, 0, 2, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ReadPDU(bytes.NewReader(b), 1<<16)
		if err != nil {
			return
		}
		if pd, ok := p.(*PData); ok {
			for _, it := range pd.Items {
				if it.Command {
					parseCommand(it.Data) // must not panic
				}
			}
		}
		if a, ok := p.(*Associate); ok && (len(a.CalledAE) > 16 || len(a.CallingAE) > 16) {
			return
		}
		out, err := AppendPDU(nil, p)
		if err != nil {
			return
		}
		again, err := ReadPDU(bytes.NewReader(out), 0)
		if err != nil {
			t.Fatalf("re-reading an encoded %T: %v", p, err)
		}
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("%T changed through encode and read:\n%+v\n%+v", p, again, p)
		}
	})
}
