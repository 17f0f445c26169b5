// Package dimse speaks the DICOM network protocol: the upper layer
// (PS3.8: association negotiation, P-DATA, release and abort) and the DIMSE
// services built on it (PS3.7): C-ECHO, C-STORE and C-FIND, as a service
// class provider (Server) and a user (Dial and Association).
//
// Command sets are always implicit VR little endian; data sets travel in the
// transfer syntax accepted for their presentation context and are passed on
// as received, never re-encoded.
package dimse
