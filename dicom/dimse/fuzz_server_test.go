package dimse

import (
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
)

// FuzzServerConn sends an association request accepting every service and
// then arbitrary bytes to the SCP: whatever follows, the server must answer
// or abort without panicking and end the connection.
func FuzzServerConn(f *testing.F) {
	rq, _ := AppendPDU(nil, &Associate{ProtocolVersion: 1, CalledAE: "PLEXUS", CallingAE: "FUZZ", ApplicationContext: ApplicationContext, MaxPDULength: 1 << 16,
		Contexts: []PresentationContext{
			{ID: 1, AbstractSyntax: VerificationSOPClass, TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}},
			{ID: 3, AbstractSyntax: "1.2.840.10008.5.1.4.1.1.7", TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}},
			{ID: 5, AbstractSyntax: StudyRootFind, TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}},
		}})
	echo, _ := AppendPDU(nil, &PData{Items: []PDV{{ContextID: 1, Command: true, Last: true, Data: (&Command{Field: CEchoRQ, MessageID: 1, SOPClassUID: VerificationSOPClass}).encode()}}})
	f.Add(echo)
	id := &dicom.Dataset{}
	id.SetString(dicom.TagQueryRetrieveLevel, "STUDY")
	id.SetString(dicom.TagPatientName, "A*")
	idb, _ := dicom.AppendDataset(nil, id, dicom.TransferSyntax{UID: dicom.ImplicitVRLittleEndian, Implicit: true})
	find, _ := AppendPDU(nil, &PData{Items: []PDV{
		{ContextID: 5, Command: true, Last: true, Data: (&Command{Field: CFindRQ, MessageID: 2, SOPClassUID: StudyRootFind, HasDataSet: true}).encode()},
		{ContextID: 5, Last: true, Data: idb},
	}})
	f.Add(find)
	store, _ := AppendPDU(nil, &PData{Items: []PDV{
		{ContextID: 3, Command: true, Last: true, Data: (&Command{Field: CStoreRQ, MessageID: 3, SOPClassUID: "1.2.840.10008.5.1.4.1.1.7", SOPInstanceUID: "1.2.3", HasDataSet: true}).encode()},
		{ContextID: 3, Last: true, Data: idb},
	}})
	f.Add(store)
	f.Add(append(append([]byte{}, echo...), 0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0))

	arch, _, err := archive.Open(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	srv := &Server{AETitle: "PLEXUS", Archive: arch, IdleTimeout: 5 * time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv.init()
	f.Fuzz(func(t *testing.T, input []byte) {
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			srv.serveConn(server)
		}()
		go io.Copy(io.Discard, client)
		client.SetWriteDeadline(time.Now().Add(10 * time.Second))
		client.Write(rq)
		client.Write(input)
		client.Close()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("the server did not end the connection")
		}
	})
}
