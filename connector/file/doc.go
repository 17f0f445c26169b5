// Package file connects channels to directories: a source that picks up
// the files dropped into one, and a destination that writes each message
// to a file.
//
// # Source
//
//	source:
//	  type: file
//	  dir: /var/spool/plexus/in      # required; must exist
//	  pattern: "*.hl7"               # glob on the file name; default "*"
//	  poll_interval: 5s              # default 5s
//	  min_age: 2s                    # skip files modified more recently; default 0
//	  done_dir: /var/spool/plexus/done    # default <dir>/done
//	  error_dir: /var/spool/plexus/error  # default <dir>/error
//	  split: true                    # a file may hold many HL7 v2 messages
//	  content_type: ""               # with split false; default: sniffed
//	  max_message_size: 16777216     # bytes; with split false, per file
//
// Files are taken oldest first (by modification time, then name). Names
// beginning with "." are ignored: they are how writers, this package's
// destination among them, hide a file that is still being written. Empty
// files are left alone for the same reason.
//
// With split, a file is read as a stream of HL7 v2 messages, each starting
// at an MSH segment; batch envelopes (FHS, BHS, BTS, FTS) are skipped.
// Without it, the whole file is one message, whose content type is
// content_type, or if that is empty HL7 v2 when it starts with MSH, X12
// (application/edi-x12) when it starts with an ISA segment, JSON when it is
// valid JSON, and text/plain otherwise. The TA1/999 answers to an X12 file
// are not written anywhere (a refused interchange's verdict is the error
// of its journaled message); a refused or duplicate interchange sends the
// file to error_dir.
//
// A file is never lost. It is moved to done_dir only after every message
// in it was journaled (the engine's Receive returned), and to error_dir,
// also after that, when the engine refused a message in it (a malformed
// message, stored with status error) or when part of it is not a message
// (text without MSH, a message over max_message_size). When the engine
// cannot store a message, or the source stops or crashes in the middle of
// a file, the file stays where it is and is read again from the start at
// the next poll or after restart. Delivery is therefore at least once: the
// messages of a file read twice reach the engine twice, and the engine's
// duplicate suppression by control ID (MSH-10, with MSH-3 and MSH-4, within
// its window) marks the second copies of HL7 messages as duplicates;
// content without a control ID is not deduplicated. A file that
// changes while it is read is left in place, to be read again once it is
// stable. A name already taken in done_dir or error_dir gets a numeric
// suffix, so nothing there is overwritten.
//
// # Destination
//
//	destination:
//	  type: file
//	  dir: /var/spool/plexus/out                          # required
//	  filename: "{{.Channel}}/{{.ControlID}}-{{.MessageID}}.hl7"
//	  overwrite: false
//
// filename is a text/template over the fields of msgtmpl.Data (.Channel,
// .Destination, .MessageID, .Attempt, .ContentType, .ControlID, .Type,
// .Trigger, .SendingApp, .SendingFacility, .ReceivedAt) and .Ext, an
// extension for the content type (".hl7", ".json", ".xml", ".txt", or
// ".dat"); the default is "{{.MessageID}}{{.Ext}}". Slashes written in the
// template make subdirectories, created as needed. Slashes, backslashes and
// other characters outside letters, digits and "._-+=@,^~" in the values
// are replaced by "_", as is a leading dot, so a value such as
// "../../etc/passwd" cannot leave dir; a name that would still leave dir or
// begins with "." is refused.
//
// Each file is written atomically: to a hidden temporary file in the
// target directory (".<name>.tmp-<random>"), synced, then moved to its name
// and the directory synced, so a reader never sees a partial file and a
// written file survives a crash. An existing file of the same name is
// replaced only with overwrite: true; otherwise a file with the same
// content (a retried delivery) counts as written, and one with other
// content fails the delivery permanently. The response has Status
// "written" and the file's path as Body.
package file
