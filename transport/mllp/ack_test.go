package mllp

import (
	"errors"
	"testing"

	"github.com/plexus-health/plexus/format/hl7v2"
)

func TestCheckAck(t *testing.T) {
	const msh = "MSH|^~\\&|EHR|HOSP|LAB|HOSP|20240101||ACK|A1|P|2.5\r"
	tests := []struct {
		name   string
		ack    string
		sentID string
		want   error // nil, a sentinel, or an *AckError to compare with
	}{
		{"AA", msh + "MSA|AA|42\r", "42", nil},
		{"CA", msh + "MSA|CA|42\r", "42", nil},
		{"lowercase code", msh + "MSA|aa|42\r", "42", nil},
		{"no sent id to compare", msh + "MSA|AA|42\r", "", nil},
		{"no MSA-2 to compare", msh + "MSA|AA\r", "42", nil},
		{"AE with MSA-3", msh + "MSA|AE|42|Bad PID\r", "42",
			&AckError{Code: "AE", ControlID: "42", Text: "Bad PID"}},
		{"AR with ERR-8", msh + "MSA|AR|42\rERR||PID^1^3|101^Missing^HL70357|E||||Identifier required\r", "42",
			&AckError{Code: "AR", ControlID: "42", Text: "Identifier required"}},
		{"CE with ERR-3.2", msh + "MSA|CE|42\rERR||PID^1^3|207^Internal error^HL70357|E\r", "42",
			&AckError{Code: "CE", ControlID: "42", Text: "Internal error"}},
		{"AE with v2.3 ERR-1", msh + "MSA|AE|42\rERR|PID^1^3^101&Required field missing&HL70357\r", "42",
			&AckError{Code: "AE", ControlID: "42", Text: "Required field missing"}},
		{"MSA-3 preferred", msh + "MSA|AE|42|From MSA\rERR||||E||||From ERR\r", "42",
			&AckError{Code: "AE", ControlID: "42", Text: "From MSA"}},
		{"escaped text", msh + "MSA|AE|42|PID\\F\\3 empty\r", "42",
			&AckError{Code: "AE", ControlID: "42", Text: "PID|3 empty"}},
		{"CR without text", msh + "MSA|CR|42\r", "42", &AckError{Code: "CR", ControlID: "42"}},
		{"control id mismatch", msh + "MSA|AA|41\r", "42", ErrControlIDMismatch},
		{"mismatch wins over AE", msh + "MSA|AE|41|x\r", "42", ErrControlIDMismatch},
		{"unknown code", msh + "MSA|OK|42\r", "42", ErrInvalidAck},
		{"no MSA", msh, "42", ErrInvalidAck},
		{"not HL7", "OK", "42", ErrInvalidAck},
		{"empty", "", "42", ErrInvalidAck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkAck(new(hl7v2.Message), []byte(tt.ack), tt.sentID)
			switch want := tt.want.(type) {
			case nil:
				if err != nil {
					t.Errorf("err = %v, want nil", err)
				}
			case *AckError:
				var got *AckError
				if !errors.As(err, &got) {
					t.Fatalf("err = %v, want an *AckError", err)
				}
				if *got != *want {
					t.Errorf("AckError = %+v, want %+v", got, want)
				}
			default:
				if !errors.Is(err, want) {
					t.Errorf("err = %v, want %v", err, want)
				}
			}
		})
	}
}

func TestAckErrorMessage(t *testing.T) {
	err := &AckError{Code: "AR", ControlID: "42", Text: "Unknown patient"}
	if got, want := err.Error(), `mllp: negative acknowledgement AR for control id "42": Unknown patient`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestControlID(t *testing.T) {
	if got := controlID(new(hl7v2.Message), testMessage("ABC-1")); got != "ABC-1" {
		t.Errorf("controlID = %q, want %q", got, "ABC-1")
	}
	if got := controlID(new(hl7v2.Message), []byte("not hl7")); got != "" {
		t.Errorf("controlID of non-HL7 = %q, want empty", got)
	}
}
