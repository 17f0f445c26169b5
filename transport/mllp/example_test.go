package mllp_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"github.com/plexus-health/plexus/transport/mllp"
)

// A receiver that accepts ADT messages and rejects everything else, and a
// sender talking to it.
func Example() {
	srv := &mllp.Server{
		Handler: mllp.HandlerFunc(func(ctx context.Context, m *mllp.Message) ([]byte, error) {
			// A real handler journals m.Payload first and only then
			// answers; here the ACK is built by hand.
			code := "AA"
			if !strings.Contains(string(m.Payload), "||ADT^") {
				code = "AR"
			}
			return []byte("MSH|^~\\&|RCV|HOSP|SND|HOSP|20240101120000||ACK|R1|P|2.5\r" +
				"MSA|" + code + "|1|\r"), nil
		}),
		Logger: slog.New(slog.DiscardHandler),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())

	c := &mllp.Client{Addr: ln.Addr().String()}
	defer c.Close()
	for _, typ := range []string{"ADT^A01", "ORU^R01"} {
		msg := []byte("MSH|^~\\&|SND|HOSP|RCV|HOSP|20240101120000||" + typ + "|1|P|2.5\rPID|1||42\r")
		_, err := c.Send(context.Background(), msg)
		var nak *mllp.AckError
		switch {
		case err == nil:
			fmt.Println(typ, "accepted")
		case errors.As(err, &nak):
			fmt.Println(typ, "refused with", nak.Code)
		default:
			fmt.Println(typ, "not delivered:", err)
		}
	}
	// Output:
	// ADT^A01 accepted
	// ORU^R01 refused with AR
}
