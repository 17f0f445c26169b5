// Package dicom reads and writes DICOM Part 10 files and data sets.
//
// The reader keeps every value as the bytes that were in the stream, in the
// stream's byte order, so a data set written back with the transfer syntax it
// was read in is byte-for-byte the data set that was read (a deflated data
// set is inflated on reading and deflated again on writing, so only its
// compressed form may differ). Sequences keep their length form (defined or
// undefined), private tags are kept like any other element, and encapsulated
// pixel data is kept as its fragments, never decoded.
//
// Names and value representations of standard tags come from the dictionary
// in github.com/suyashkumar/dicom/pkg/tag, which that project generates from
// the Innolitics JSON edition of the DICOM standard (PS3.6).
package dicom
