// Package dicom connects channels to modalities and PACS over the DICOM
// network protocol (DIMSE).
//
// The source is a storage SCP: each instance a sender stores is written to
// a DICOM archive (see package dicom/archive), and the channel receives a
// small JSON descriptor of it (content type ContentDescriptor), never the
// pixel data, which stays in the archive. The C-STORE is answered with
// success only once the channel has journaled the descriptor; when the
// journal cannot store it the sender gets 0xA700 and sends again. The
// messages carry no HL7 metadata (type, trigger, control ID stay empty):
// filters read the descriptor, json("modality") == "CT". The message's
// remote is the calling AE title.
//
//	source:
//	  type: dicom
//	  listen: ":11112"           # required
//	  ae_title: PLEXUS           # required; the called AE title answered
//	  calling_aes: [CT01, PACS]  # optional; empty: any calling AE
//	  archive: /var/lib/plexus/dicom  # default <data_dir>/dicom
//	  max_pdu: 262144            # largest PDU accepted; default 256 KiB
//	  tls:                       # optional: DICOM over TLS
//	    cert: server.crt
//	    key: server.key
//	    client_ca: ca.crt        # optional; requires client certificates
//
// The destination is a storage SCU: it reads the instance a descriptor
// names from the archive and stores it, byte for byte, with C-STORE:
//
//	destination:
//	  type: dicom
//	  address: pacs.example.org:104  # required
//	  called_ae: PACS                # required
//	  calling_ae: PLEXUS             # default PLEXUS
//	  timeout: 30s                   # connecting, negotiating, each store
//
// A success or warning status is success. An out-of-resources status
// (0xA7xx) is retried, as are connection and association failures. Any
// other status is permanent: the peer refused this instance and would
// refuse it again, so it goes to the dead-letter queue at once. The association stays open between
// deliveries and is negotiated again when an instance needs a presentation
// context (SOP class and transfer syntax) it lacks. The destination speaks
// plain TCP only: package dicom/dimse dials without TLS.
package dicom
