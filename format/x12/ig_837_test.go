package x12

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// The professional (837P, 005010X222A1) and dental (837D, 005010X224A2)
// claim tables: a small complete set of each kind must pass, and each
// broken variant must get exactly its 999 verdict. All names and
// identifiers are made up.

var claimValid837P = []string{
	"ST*837*0001*005010X222A1",
	"BHT*0019*00*BATCH0001*20240102*1230*CH",
	"NM1*41*2*EXAMPLE BILLING SERVICE*****46*S1234",
	"PER*IC*CONTACT DESK*TE*5555550100",
	"NM1*40*2*EXAMPLE PAYER*****46*R5678",
	"HL*1**20*1",
	"PRV*BI*PXC*207Q00000X",
	"NM1*85*2*EXAMPLE CLINIC*****XX*1234567893",
	"N3*1 TEST STREET",
	"N4*TESTVILLE*MD*21000",
	"REF*EI*123456789",
	"HL*2*1*22*0",
	"SBR*P*18*GRP0001******CI",
	"NM1*IL*1*SAMPLE*ALEX****MI*W000000001",
	"N3*2 TEST AVENUE",
	"N4*TESTVILLE*MD*21000",
	"DMG*D8*19700101*F",
	"NM1*PR*2*EXAMPLE PAYER*****PI*12345",
	"CLM*CLAIM0001*150***11:B:1*Y*A*Y*Y",
	"DTP*431*D8*20231215",
	"REF*G1*AUTH0001",
	"HI*ABK:R69*ABF:Z0000",
	"NM1*82*1*PRACTITIONER*SAM****XX*1234567893",
	"PRV*PE*PXC*207Q00000X",
	"SBR*S*01*GRP0002******CI",
	"AMT*D*50",
	"OI***Y*P**Y",
	"NM1*IL*1*SAMPLE*JORDAN****MI*W000000002",
	"NM1*PR*2*OTHER PAYER*****PI*67890",
	"LX*1",
	"SV1*HC:99213*150*UN*1***1",
	"DTP*472*D8*20240101",
	"REF*6R*LINE0001",
	"SE*0*0001",
}

var claimValid837D = []string{
	"ST*837*0001*005010X224A2",
	"BHT*0019*00*BATCH0002*20240102*1230*CH",
	"NM1*41*2*EXAMPLE BILLING SERVICE*****46*S1234",
	"PER*IC*CONTACT DESK*TE*5555550100",
	"NM1*40*2*EXAMPLE DENTAL PAYER*****46*R5678",
	"HL*1**20*1",
	"NM1*85*2*EXAMPLE DENTAL CLINIC*****XX*1234567893",
	"N3*1 TEST STREET",
	"N4*TESTVILLE*MD*21000",
	"REF*EI*123456789",
	"HL*2*1*22*1",
	"SBR*P**GRP0001******CI",
	"NM1*IL*1*SAMPLE*ALEX****MI*W000000001",
	"NM1*PR*2*EXAMPLE DENTAL PAYER*****PI*12345",
	"HL*3*2*23*0",
	"PAT*19",
	"NM1*QC*1*SAMPLE*CASEY",
	"N3*2 TEST AVENUE",
	"N4*TESTVILLE*MD*21000",
	"DMG*D8*20100101*M",
	"CLM*CLAIM0002*200***11:B:1*Y*A*Y*Y",
	"DTP*472*D8*20240101",
	"DN2*3*M",
	"HI*ABK:K0252",
	"NM1*82*1*DENTIST*SAM****XX*1234567893",
	"PRV*PE*PXC*1223G0001X",
	"LX*1",
	"SV3*AD:D2391*120*11***1",
	"TOO*JP*14*M:O",
	"DTP*472*D8*20240101",
	"LX*2",
	"SV3*AD:D1110*80****1",
	"SE*0*0001",
}

func TestIGClaims837(t *testing.T) {
	type variant struct {
		name string
		set  []string
		want string // the set's part of the Summary
		ik4  string // igNotes of the set
	}
	p, d := claimValid837P, claimValid837D
	manyDN2 := slices.Repeat([]string{"DN2*3*M"}, 36)
	kinds := []struct {
		kind, version string
		valid         []string
		variants      []variant
	}{
		{"837P", "005010X222A1", p, []variant{
			{"missing required segment (billing provider N3)",
				replaceSeg(p, "N3*1 TEST STREET"),
				"ST 837 R [5] N3@9(2010AA):3", ""},
			{"segment out of order (onset date after the prior authorization)",
				replaceSeg(replaceSeg(p, "DTP*431*D8*20231215"), "REF*G1*AUTH0001", "REF*G1*AUTH0001", "DTP*431*D8*20231215"),
				"ST 837 R [5] DTP@21(2300):7", ""},
			{"bad code value (subscriber gender)",
				replaceSeg(p, "DMG*D8*19700101*F", "DMG*D8*19700101*X"),
				"ST 837 R [5] DMG@17(2010BA):8", "3/1068/7"},
			{"bad component code (procedure qualifier)",
				replaceSeg(p, "SV1*HC:99213*150*UN*1***1", "SV1*XX:99213*150*UN*1***1"),
				"ST 837 R [5] SV1@31(2400):8", "1:1/235/7"},
			{"missing required element (CLM05)",
				replaceSeg(p, "CLM*CLAIM0001*150***11:B:1*Y*A*Y*Y", "CLM*CLAIM0001*150****Y*A*Y*Y"),
				"ST 837 R [5] CLM@19(2300):8", "5/0/1"},
			{"paired rule (NM108 without NM109)",
				replaceSeg(p, "NM1*85*2*EXAMPLE CLINIC*****XX*1234567893", "NM1*85*2*EXAMPLE CLINIC*****XX"),
				"ST 837 R [5] NM1@8(2010AA):8", "9/67/2"},
			{"not used element (HL02 of the billing level)",
				replaceSeg(p, "HL*1**20*1", "HL*1*9*20*1"),
				"ST 837 R [5] HL@6(2000A):8", "2/0/I10"},
			{"too many elements (LX02)",
				replaceSeg(p, "LX*1", "LX*1*2"),
				"ST 837 R [5] LX@30(2400):8", "2/0/3"},
			{"invalid date (service date)",
				replaceSeg(p, "DTP*472*D8*20240101", "DTP*472*D8*20240231"),
				"ST 837 R [5] DTP@32(2400):8", "3/1251/8"},
			{"too many repeats (billing provider tax ID twice)",
				replaceSeg(p, "REF*EI*123456789", "REF*EI*123456789", "REF*EI*987654321"),
				"ST 837 R [5] REF@12(2010AA):5", ""},
			{"loop over its maximum (billing provider twice)",
				replaceSeg(p, "REF*EI*123456789", "REF*EI*123456789", "NM1*85*2*SECOND CLINIC*****XX*1234567893", "N3*3 TEST ROAD", "N4*TESTVILLE*MD*21000", "REF*EI*987654321"),
				"ST 837 R [5] NM1@12(2010AA):4", ""},
			{"required loop missing (payer)",
				replaceSeg(p, "NM1*PR*2*EXAMPLE PAYER*****PI*12345"),
				"ST 837 R [5] NM1@18(2010BB):3", ""},
			{"unknown segment",
				replaceSeg(p, "LX*1", "LX*1", "ZZZ*1"),
				"ST 837 R [5] ZZZ@31(2400):1", ""},
			{"dental segment in a professional claim (not in this set's table)",
				replaceSeg(p, "SV1*HC:99213*150*UN*1***1", "SV1*HC:99213*150*UN*1***1", "TOO*JP*14"),
				"ST 837 R [5] TOO@32(2400):I4", ""},
			{"required segment of the other subscriber missing (OI)",
				replaceSeg(p, "OI***Y*P**Y"),
				"ST 837 R [5] OI@27(2320):3", ""},
		}},
		{"837D", "005010X224A2", d, []variant{
			{"missing required segment (dental service)",
				replaceSeg(d, "SV3*AD:D2391*120*11***1"),
				"ST 837 R [5] SV3@28(2400):3", ""},
			{"segment out of order (tooth after the service date)",
				slices.Concat(d[:28], []string{"DTP*472*D8*20240101", "TOO*JP*14*M:O"}, d[30:]),
				"ST 837 R [5] TOO@30(2400):7", ""},
			{"bad code value (tooth surface)",
				replaceSeg(d, "TOO*JP*14*M:O", "TOO*JP*14*M:X"),
				"ST 837 R [5] TOO@29(2400):8", "3:2/1369/7"},
			{"missing required element (line charge)",
				replaceSeg(d, "SV3*AD:D1110*80****1", "SV3*AD:D1110*****1"),
				"ST 837 R [5] SV3@32(2400):8", "2/782/1"},
			{"too many repeats (36 tooth status segments)",
				replaceSeg(d, "DN2*3*M", manyDN2...),
				"ST 837 R [5] DN2@58(2300):5", ""},
			{"required loop missing (patient name)",
				replaceSeg(d, "NM1*QC*1*SAMPLE*CASEY"),
				"ST 837 R [5] N3@17(2000C):2 N4@18(2000C):2 DMG@19(2000C):2 NM1@20(2010CA):3", ""},
			{"patient information at the subscriber level (professional only)",
				replaceSeg(d, "SBR*P**GRP0001******CI", "SBR*P**GRP0001******CI", "PAT*****D8*20240101"),
				"ST 837 R [5] PAT@13(2000B):2", ""},
			{"unknown segment",
				replaceSeg(d, "DN2*3*M", "DN2*3*M", "ZZZ*1"),
				"ST 837 R [5] ZZZ@24(2300):1", ""},
		}},
	}
	for _, k := range kinds {
		t.Run(k.kind+"/valid", func(t *testing.T) {
			res, err := Check(bytes.NewReader(igInterchange("HC", k.version, k.valid)), Config{})
			if err != nil || len(res) != 1 {
				t.Fatalf("Check: %v, %d results", err, len(res))
			}
			if got := res[0].Summary(); got != "TA1 000; GS HC A; ST 837 A" {
				t.Fatalf("verdict %q, want a clean set", got)
			}
		})
		for _, v := range k.variants {
			t.Run(k.kind+"/"+v.name, func(t *testing.T) {
				res, err := Check(bytes.NewReader(igInterchange("HC", k.version, v.set)), Config{})
				if err != nil || len(res) != 1 {
					t.Fatalf("Check: %v, %d results", err, len(res))
				}
				sum := res[0].Summary()
				i := strings.Index(sum, "ST 837")
				if i < 0 {
					t.Fatalf("verdict %q has no transaction set", sum)
				}
				if got := sum[i:]; got != v.want {
					t.Errorf("verdict %q, want %q", got, v.want)
				}
				if got := igNotes(res[0].Groups[0].Transactions[0]); got != v.ik4 {
					t.Errorf("IK4 %q, want %q", got, v.ik4)
				}
			})
		}
	}
}

// TestIGClaimSamples runs the shared professional claim samples through the
// 837P table. Every one carries errors of its own that the table does not
// judge (a wrong SE01 count, an HL02 naming no earlier level); apart from
// those, the valid files must get no segment note from the table, and the
// broken ones exactly their breakage. The two copies of the project's own
// sample must be clean.
func TestIGClaimSamples(t *testing.T) {
	dir := sharedX12 + "/imsweb/src/test/resources/837_5010/"
	// x12_complex.txt really breaks the guide, the same way in both of
	// its sets: diagnosis codes outside their composites, NM108 "X" (2310B) and "MI" (2420D) where only XX is
	// allowed, OI04 other than P, other payer referring providers (2330C)
	// without their required REF, FRM with none of FRM02-FRM05.
	complexSet := "ST 837 R [4 5] HI@26(2300):8 NM1@31(2310B):8 OI@36(2320):8 OI@40(2320):8 REF@44(2330C):3 OI@45(2320):8 " +
		"REF@49(2330C):3 FRM@60(2440):8 HL@64(2000B):8 HL@68(2000C):8 HI@75(2300):8 OI@90(2320):8 REF@94(2330C):3 REF@95(2330C):3 " +
		"NM1@114(2420D):8 FRM@128(2440):8 HI@130(2300):8 NM1@133(2310B):8 FRM@144(2440):8 FRM@146(2440):8"
	cases := []struct{ file, want, ik4 string }{
		{"x12_complex.txt", "TA1 000; GS HC R [5]; " + complexSet + "; " + complexSet, "-"},
		{"x12_valid.txt", "TA1 000; GS HC R; ST 837 R [4 5] HI@21(2300):8 HL@25(2000B):8 HI@30(2300):8", ""},
		{"x12_no_errors.txt", "TA1 000; GS HC R; ST 837 R [4 5] HI@21(2300):8 HL@25(2000A):8 HL@32(2000B):8 HI@37(2300):8", ""},
		{"x12_bad_valid_code.txt", "TA1 000; GS HC R; ST 837 R [4 5] NM1@7(2010AA):8 HI@21(2300):8 HL@25(2000B):8 HI@30(2300):8", "1/98/7"},
		{"x12_missing_elements.txt", "TA1 000; GS HC R; ST 837 R [4 5] NM1@5(1000B):8 HI@21(2300):8 HL@25(2000B):8 CLM@29(2300):8 HI@30(2300):8", "2/1065/1 5/0/1"},
		{"x12_segments_out_of_order.txt", "TA1 000; GS HC R; ST 837 R [4 5] N4@10(2010AA):7 N3@15(2010AB):7 HI@21(2300):8 HL@25(2000B):8 HI@30(2300):8", ""},
		{"x12_segment_errors.txt", "TA1 000; GS HC R; ST 837 R [4 5] N3@8(2010AA):3 REF@10(2010AA):5 HI@20(2300):3", ""},
		{"x12_loop_errors1_exceeds_max_1_parent.txt", "TA1 000; GS HC R; ST 837 R [4 5] NM1@13(2010AA):4 HI@27(2300):8", ""},
		{"x12_loop_errors2_exceeds_max_repeats_multiple_parents.txt", "TA1 000; GS HC R; ST 837 R [4 5] HI@21(2300):8 HL@25(2000A):8 NM1@32(2010AA):4 HL@41(2000B):8 HI@46(2300):8", ""},
		{"x12_loop_errors3_missing_loops.txt", "TA1 000; GS HC R; ST 837 R [4 5] NM1@10(2010AA):3 HI@15(2300):8", ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			res := sampleVerdict(t, dir+c.file)
			if got := res.Summary(); got != c.want {
				t.Errorf("verdict %q, want %q", got, c.want)
			}
			if c.ik4 == "-" {
				return
			}
			// The HL notes are the samples' own numbering errors, the HI
			// notes their diagnosis codes written in elements of their
			// own ("HI*BK*8901*BF*87200"): both are common to all.
			var ik4 []string
			for _, tx := range res.Groups[0].Transactions {
				notes := &TransactionResult{}
				for _, s := range tx.Segments {
					if s.ID != "HL" && s.ID != "HI" {
						notes.Segments = append(notes.Segments, s)
					}
				}
				if s := igNotes(notes); s != "" {
					ik4 = append(ik4, s)
				}
			}
			if got := strings.Join(ik4, " "); got != c.ik4 {
				t.Errorf("IK4 %q, want %q", got, c.ik4)
			}
		})
	}
	for _, f := range []string{"testdata/837p.x12", "../../mapping/x12fhir/testdata/837p.x12"} {
		t.Run(f, func(t *testing.T) {
			res, err := Check(bytes.NewReader(mustRead(t, f)), Config{})
			if err != nil || len(res) != 1 {
				t.Fatalf("Check: %v, %d results", err, len(res))
			}
			if !res[0].Valid() {
				t.Errorf("verdict %q, want a clean interchange", res[0].Summary())
			}
		})
	}
}
