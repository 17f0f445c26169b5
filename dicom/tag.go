package dicom

import (
	"fmt"

	dicttag "github.com/suyashkumar/dicom/pkg/tag"
)

// Tag is a data element tag: the group in the high 16 bits and the element
// number in the low 16 bits, as written (gggg,eeee).
type Tag uint32

// NewTag returns the tag (group,element).
func NewTag(group, element uint16) Tag { return Tag(uint32(group)<<16 | uint32(element)) }

// Group returns the tag's group number.
func (t Tag) Group() uint16 { return uint16(t >> 16) }

// Element returns the tag's element number.
func (t Tag) Element() uint16 { return uint16(t) }

// String formats the tag as (gggg,eeee) in upper-case hexadecimal.
func (t Tag) String() string { return fmt.Sprintf("(%04X,%04X)", t.Group(), t.Element()) }

// Private reports whether the tag belongs to a private (odd) group.
func (t Tag) Private() bool { return t.Group()%2 == 1 }

// Tags used by this package and its users.
const (
	TagFileMetaInformationGroupLength = Tag(0x00020000)
	TagFileMetaInformationVersion     = Tag(0x00020001)
	TagMediaStorageSOPClassUID        = Tag(0x00020002)
	TagMediaStorageSOPInstanceUID     = Tag(0x00020003)
	TagTransferSyntaxUID              = Tag(0x00020010)
	TagImplementationClassUID         = Tag(0x00020012)
	TagImplementationVersionName      = Tag(0x00020013)
	TagSourceApplicationEntityTitle   = Tag(0x00020016)
	TagSpecificCharacterSet           = Tag(0x00080005)
	TagSOPClassUID                    = Tag(0x00080016)
	TagSOPInstanceUID                 = Tag(0x00080018)
	TagStudyDate                      = Tag(0x00080020)
	TagStudyTime                      = Tag(0x00080030)
	TagAccessionNumber                = Tag(0x00080050)
	TagQueryRetrieveLevel             = Tag(0x00080052)
	TagModality                       = Tag(0x00080060)
	TagModalitiesInStudy              = Tag(0x00080061)
	TagReferringPhysicianName         = Tag(0x00080090)
	TagStudyDescription               = Tag(0x00081030)
	TagSeriesDescription              = Tag(0x0008103E)
	TagPatientName                    = Tag(0x00100010)
	TagPatientID                      = Tag(0x00100020)
	TagPatientBirthDate               = Tag(0x00100030)
	TagPatientSex                     = Tag(0x00100040)
	TagStudyInstanceUID               = Tag(0x0020000D)
	TagSeriesInstanceUID              = Tag(0x0020000E)
	TagStudyID                        = Tag(0x00200010)
	TagSeriesNumber                   = Tag(0x00200011)
	TagInstanceNumber                 = Tag(0x00200013)
	TagNumberOfStudyRelatedSeries     = Tag(0x00201206)
	TagNumberOfStudyRelatedInstances  = Tag(0x00201208)
	TagNumberOfSeriesRelatedInstances = Tag(0x00201209)
	TagPixelData                      = Tag(0x7FE00010)
	TagItem                           = Tag(0xFFFEE000)
	TagItemDelimitation               = Tag(0xFFFEE00D)
	TagSequenceDelimitation           = Tag(0xFFFEE0DD)
)

// dictKey maps repeating groups (50xx curves, 60xx overlays) to the group the
// dictionary lists them under.
func dictKey(t Tag) dicttag.Tag {
	g, e := t.Group(), t.Element()
	if (g&0xFF00 == 0x6000 || g&0xFF00 == 0x5000) && g%2 == 0 {
		g &= 0xFF00
	}
	return dicttag.Tag{Group: g, Element: e}
}

// DictVR returns the value representation the standard gives the tag, and
// false for private and unknown tags. For tags with several possible VRs
// (US or SS, OB or OW) it returns the first.
func DictVR(t Tag) (string, bool) {
	if t.Private() {
		if t.Element() >= 0x0010 && t.Element() <= 0x00FF {
			return "LO", true // private creator
		}
		return "", false
	}
	if t.Element() == 0 {
		return "UL", true // group length
	}
	info, err := dicttag.Find(dictKey(t))
	if err != nil || len(info.VRs) == 0 {
		return "", false
	}
	return info.VRs[0], true
}

// Keyword returns the standard keyword of the tag ("PatientName"), or "" for
// private and unknown tags.
func Keyword(t Tag) string {
	if t.Private() {
		return ""
	}
	info, err := dicttag.Find(dictKey(t))
	if err != nil {
		return ""
	}
	return info.Keyword
}

// TagByKeyword returns the tag with the standard keyword.
func TagByKeyword(keyword string) (Tag, bool) {
	info, err := dicttag.FindByKeyword(keyword)
	if err != nil {
		return 0, false
	}
	return NewTag(info.Tag.Group, info.Tag.Element), true
}
