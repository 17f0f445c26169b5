package x12

import (
	"testing"
)

// The eligibility (270/271, 005010X279A1) and claim status (276/277,
// 005010X212; 277CA, 005010X214) tables: a small complete set of each kind
// must pass, and each broken variant must get exactly its 999 verdict.
// All names and identifiers are made up.

var eligValid270 = []string{
	"ST*270*0001*005010X279A1",
	"BHT*0022*13*REQ0001*20240102*1230",
	"HL*1**20*1",
	"NM1*PR*2*EXAMPLE PAYER*****PI*12345",
	"HL*2*1*21*1",
	"NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893",
	"HL*3*2*22*0",
	"TRN*1*TRACE0001*9000000001",
	"NM1*IL*1*SAMPLE*ALEX****MI*W000000001",
	"DMG*D8*19700101*F",
	"DTP*291*D8*20240102",
	"EQ*30^88",
	"SE*0*0001",
}

var eligValid271 = []string{
	"ST*271*0001*005010X279A1",
	"BHT*0022*11*REQ0001*20240102*1230",
	"HL*1**20*1",
	"NM1*PR*2*EXAMPLE PAYER*****PI*12345",
	"HL*2*1*21*1",
	"NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893",
	"HL*3*2*22*0",
	"TRN*2*TRACE0001*9000000001",
	"NM1*IL*1*SAMPLE*ALEX****MI*W000000001",
	"N3*1 TEST STREET",
	"N4*TESTVILLE*MD*21000",
	"DMG*D8*19700101*F",
	"DTP*346*D8*20240101",
	"EB*1*IND*30**GOLD PLAN",
	"EB*C*IND*30***23*500",
	"DTP*291*RD8*20240101-20241231",
	"LS*2120",
	"NM1*P3*1*EXAMPLE*PROVIDER****XX*1234567893",
	"LE*2120",
	"SE*0*0001",
}

var eligValid276 = []string{
	"ST*276*0001*005010X212",
	"BHT*0010*13*REQ0001*20240102*1230",
	"HL*1**20*1",
	"NM1*PR*2*EXAMPLE PAYER*****PI*12345",
	"HL*2*1*21*1",
	"NM1*41*2*EXAMPLE CLINIC*****46*S1234",
	"HL*3*2*19*1",
	"NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893",
	"HL*4*3*22*0",
	"DMG*D8*19700101*F",
	"NM1*IL*1*SAMPLE*ALEX****MI*W000000001",
	"TRN*1*TRACE0001",
	"REF*EJ*ACCT0001",
	"REF*1K*PCN0001",
	"AMT*T3*150",
	"DTP*472*D8*20240101",
	"SVC*HC:99213*150*****1",
	"REF*FJ*LINE1",
	"DTP*472*D8*20240101",
	"SE*0*0001",
}

var eligValid277 = []string{
	"ST*277*0001*005010X212",
	"BHT*0010*08*REQ0001*20240103*0800*DG",
	"HL*1**20*1",
	"NM1*PR*2*EXAMPLE PAYER*****PI*12345",
	"PER*IC*CLAIMS*TE*5555550100",
	"HL*2*1*21*1",
	"NM1*41*2*EXAMPLE CLINIC*****46*S1234",
	"HL*3*2*19*1",
	"NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893",
	"HL*4*3*22*0",
	"NM1*IL*1*SAMPLE*ALEX****MI*W000000001",
	"TRN*2*TRACE0001",
	"STC*F1:65*20240103**150*120*20240103**20240104*EFT0001",
	"REF*1K*PCN0001",
	"REF*EJ*ACCT0001",
	"DTP*472*D8*20240101",
	"SVC*HC:99213*150*120****1",
	"STC*F1:65*20240103",
	"REF*FJ*LINE1",
	"DTP*472*D8*20240101",
	"SE*0*0001",
}

var eligValid277CA = []string{
	"ST*277*0001*005010X214",
	"BHT*0085*08*BATCH0001*20240103*0800*TH",
	"HL*1**20*1",
	"NM1*PR*2*EXAMPLE PAYER*****PI*12345",
	"TRN*1*RCPT0001",
	"DTP*050*D8*20240102",
	"DTP*009*D8*20240103",
	"HL*2*1*21*1",
	"NM1*41*2*EXAMPLE CLINIC*****46*S1234",
	"TRN*2*BATCH0001",
	"STC*A1:20*20240103*WQ*150",
	"QTY*90*1",
	"AMT*YU*150",
	"HL*3*2*19*1",
	"NM1*85*2*EXAMPLE CLINIC*****XX*1234567893",
	"TRN*1*PROV0001",
	"HL*4*3*PT",
	"NM1*QC*1*SAMPLE*ALEX****MI*W000000001",
	"TRN*2*ACCT0001",
	"STC*A7:562:85*20240103*U*150",
	"REF*1K*PCN0001",
	"DTP*472*D8*20240101",
	"SVC*HC:99213*150*****1",
	"STC*A7:453*20240103*U",
	"SE*0*0001",
}

func TestIGEligibilityAndClaimStatus(t *testing.T) {
	type variant struct {
		name string
		set  []string
		want string // the set's part of the Summary
		ik4  string // igNotes of the set
	}
	kinds := []struct {
		kind, gs01, version string
		valid               []string
		variants            []variant
	}{
		{"270", "HS", "005010X279A1", eligValid270, []variant{
			{"missing required segment (2100B name)",
				replaceSeg(eligValid270, "NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893"),
				"ST 270 R [5] NM1@6(2100B):3", ""},
			{"segment out of order (DMG after DTP)",
				replaceSeg(replaceSeg(eligValid270, "DMG*D8*19700101*F"), "DTP*291*D8*20240102", "DTP*291*D8*20240102", "DMG*D8*19700101*F"),
				"ST 270 R [5] DMG@11(2100C):7", ""},
			{"bad code value (gender)",
				replaceSeg(eligValid270, "DMG*D8*19700101*F", "DMG*D8*19700101*X"),
				"ST 270 R [5] DMG@10(2100C):8", "3/1068/7"},
			{"missing required element (TRN03)",
				replaceSeg(eligValid270, "TRN*1*TRACE0001*9000000001", "TRN*1*TRACE0001"),
				"ST 270 R [5] TRN@8(2000C):8", "3/509/1"},
			{"too many repeats (subscriber dates, at most 2)",
				replaceSeg(eligValid270, "DTP*291*D8*20240102", "DTP*291*D8*20240102", "DTP*102*D8*20240101", "DTP*291*D8*20240103"),
				"ST 270 R [5] DTP@13(2100C):5", ""},
			{"unknown segment",
				replaceSeg(eligValid270, "EQ*30^88", "EQ*30^88", "ZZZ*1"),
				"ST 270 R [5] ZZZ@13(2110C):1", ""},
			{"segment of another set (a claim in an inquiry)",
				replaceSeg(eligValid270, "EQ*30^88", "EQ*30^88", "CLM*C1*100"),
				"ST 270 R [5] CLM@13(2110C):6", ""},
			{"too many elements (HL05)",
				replaceSeg(eligValid270, "HL*3*2*22*0", "HL*3*2*22*0*X"),
				"ST 270 R [5] HL@7(2000C):8", "5/0/3"},
			{"not used element (NM106 prefix)",
				replaceSeg(eligValid270, "NM1*IL*1*SAMPLE*ALEX****MI*W000000001", "NM1*IL*1*SAMPLE*ALEX**DR**MI*W000000001"),
				"ST 270 R [5] NM1@9(2100C):8", "6/0/I10"},
			{"paired elements (NM108 without NM109)",
				replaceSeg(eligValid270, "NM1*IL*1*SAMPLE*ALEX****MI*W000000001", "NM1*IL*1*SAMPLE*ALEX****MI"),
				"ST 270 R [5] NM1@9(2100C):8", "9/67/2"},
			{"procedure qualifier in a composite",
				replaceSeg(eligValid270, "EQ*30^88", "EQ**XX:99213"),
				"ST 270 R [5] EQ@12(2110C):8", "2:1/235/7"},
			{"hierarchical level code of no level here",
				replaceSeg(eligValid270, "HL*3*2*22*0", "HL*3*2*24*0"),
				"ST 270 R [5] HL@7(2000C):8", "3/735/7"},
		}},
		{"271", "HB", "005010X279A1", eligValid271, []variant{
			{"missing required loop (2100A payer name)",
				replaceSeg(eligValid271, "NM1*PR*2*EXAMPLE PAYER*****PI*12345"),
				"ST 271 R [5] NM1@4(2100A):3", ""},
			{"segment out of order (N3 after N4)",
				replaceSeg(replaceSeg(eligValid271, "N3*1 TEST STREET"), "N4*TESTVILLE*MD*21000", "N4*TESTVILLE*MD*21000", "N3*1 TEST STREET"),
				"ST 271 R [5] N3@11(2100C):7", ""},
			{"bad code value (EB01)",
				replaceSeg(eligValid271, "EB*1*IND*30**GOLD PLAN", "EB*ZZ*IND*30**GOLD PLAN"),
				"ST 271 R [5] EB@14(2110C):8", "1/1390/7"},
			{"missing required element (EB01)",
				replaceSeg(eligValid271, "EB*1*IND*30**GOLD PLAN", "EB**IND*30**GOLD PLAN"),
				"ST 271 R [5] EB@14(2110C):8", "1/1390/1"},
			{"too many repeats (trace numbers, at most 3)",
				replaceSeg(eligValid271, "TRN*2*TRACE0001*9000000001", "TRN*2*TRACE0001*9000000001", "TRN*2*TRACE0002*9000000001",
					"TRN*1*TRACE0003*9000000002", "TRN*1*TRACE0004*9000000003"),
				"ST 271 R [5] TRN@11(2000C):5", ""},
			{"unknown segment",
				replaceSeg(eligValid271, "LE*2120", "LE*2120", "XYZ*1"),
				"ST 271 R [5] XYZ@20(2110C):1", ""},
			{"paired elements (EB09 quantity qualifier without EB10)",
				replaceSeg(eligValid271, "EB*C*IND*30***23*500", "EB*C*IND*30***23*500**VS"),
				"ST 271 R [5] EB@15(2110C):8", "10/380/2"},
			{"service types repeat",
				replaceSeg(eligValid271, "EB*1*IND*30**GOLD PLAN", "EB*1*IND*30^1^33^35^47^48^50^86^88^98^AL^MH^UC**GOLD PLAN"),
				"ST 271 A", ""},
			{"second benefit entity name (a loop repeat)",
				replaceSeg(eligValid271, "LE*2120", "NM1*PR*2*OTHER PAYER*****PI*67890", "LE*2120"),
				"ST 271 A", ""},
		}},
		{"276", "HR", "005010X212", eligValid276, []variant{
			{"missing required loop (2100C provider name)",
				replaceSeg(eligValid276, "NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893"),
				"ST 276 R [5] NM1@8(2100C):3", ""},
			{"segment out of order (AMT after DTP)",
				replaceSeg(replaceSeg(eligValid276, "AMT*T3*150"), "SVC*HC:99213*150*****1", "AMT*T3*150", "SVC*HC:99213*150*****1"),
				"ST 276 R [5] AMT@16(2200D):7", ""},
			{"bad code value (BHT02)",
				replaceSeg(eligValid276, "BHT*0010*13*REQ0001*20240102*1230", "BHT*0010*11*REQ0001*20240102*1230"),
				"ST 276 R [5] BHT@2:8", "2/353/7"},
			{"missing required element (SVC02 charge)",
				replaceSeg(eligValid276, "SVC*HC:99213*150*****1", "SVC*HC:99213******1"),
				"ST 276 R [5] SVC@17(2210D):8", "2/782/1"},
			{"too many repeats (patient control number twice)",
				replaceSeg(eligValid276, "REF*EJ*ACCT0001", "REF*EJ*ACCT0001", "REF*EJ*ACCT0002"),
				"ST 276 R [5] REF@14(2200D):5", ""},
			{"unknown segment",
				replaceSeg(eligValid276, "REF*FJ*LINE1", "QQQ*1", "REF*FJ*LINE1"),
				"ST 276 R [5] QQQ@18(2210D):1", ""},
			{"REF qualifier of no position here",
				replaceSeg(eligValid276, "REF*1K*PCN0001", "REF*ZZ*PCN0001"),
				"ST 276 R [5] REF@14(2200D):8", "1/128/7"},
			{"dependent level without its demographics",
				replaceSeg(eligValid276, "SE*0*0001", "HL*5*4*23", "NM1*QC*1*SAMPLE*JO", "TRN*1*TRACE0002", "SE*0*0001"),
				"ST 276 R [5] DMG@21(2000E):3", ""},
			{"dependent level",
				replaceSeg(eligValid276, "SE*0*0001", "HL*5*4*23", "DMG*D8*20100101*M", "NM1*QC*1*SAMPLE*JO", "TRN*1*TRACE0002", "SE*0*0001"),
				"ST 276 A", ""},
		}},
		{"277", "HN", "005010X212", eligValid277, []variant{
			{"missing required segment (claim status)",
				replaceSeg(eligValid277, "STC*F1:65*20240103**150*120*20240103**20240104*EFT0001"),
				"ST 277 R [5] STC@13(2200D):3", ""},
			{"segment out of order (REF after DTP)",
				replaceSeg(replaceSeg(eligValid277, "REF*EJ*ACCT0001"), "DTP*472*D8*20240101", "DTP*472*D8*20240101", "REF*EJ*ACCT0001"),
				"ST 277 R [5] REF@16(2200D):7", ""},
			{"bad code value (claim trace type)",
				replaceSeg(eligValid277, "TRN*2*TRACE0001", "TRN*1*TRACE0001"),
				"ST 277 R [5] TRN@12(2200D):8", "1/481/7"},
			{"missing required element (status date)",
				replaceSeg(eligValid277, "STC*F1:65*20240103", "STC*F1:65"),
				"ST 277 R [5] STC@18(2220D):8", "2/373/1"},
			{"too many repeats (payer contact, at most 1)",
				replaceSeg(eligValid277, "PER*IC*CLAIMS*TE*5555550100", "PER*IC*CLAIMS*TE*5555550100", "PER*IC*CLAIMS*TE*5555550101"),
				"ST 277 R [5] PER@6(2100A):5", ""},
			{"unknown segment",
				replaceSeg(eligValid277, "STC*F1:65*20240103", "STC*F1:65*20240103", "ZZ1*1"),
				"ST 277 R [5] ZZ1@19(2220D):1", ""},
			{"invalid status date",
				replaceSeg(eligValid277, "STC*F1:65*20240103", "STC*F1:65*20240231"),
				"ST 277 R [5] STC@18(2220D):8", "2/373/8"},
			{"status at the provider level",
				replaceSeg(eligValid277, "HL*4*3*22*0", "TRN*1*TRACE0000", "STC*E0:35:1P*20240103", "HL*4*3*22*0"),
				"ST 277 A", ""},
			{"status message and action code, as sent in practice",
				replaceSeg(eligValid277, "STC*F1:65*20240103**150*120*20240103**20240104*EFT0001",
					"STC*A1:704*20240103*WQ*150********PAYER ACKNOWLEDGED RECEIPT"),
				"ST 277 A", ""},
		}},
		{"277CA", "HN", "005010X214", eligValid277CA, []variant{
			{"missing required segment (process date)",
				replaceSeg(eligValid277CA, "DTP*009*D8*20240103"),
				"ST 277 R [5] DTP@7(2200A):3", ""},
			{"segment out of order (QTY after AMT)",
				replaceSeg(replaceSeg(eligValid277CA, "QTY*90*1"), "AMT*YU*150", "AMT*YU*150", "QTY*90*1"),
				"ST 277 R [5] QTY@13(2200B):7", ""},
			{"bad code value (action code)",
				replaceSeg(eligValid277CA, "STC*A1:20*20240103*WQ*150", "STC*A1:20*20240103*XX*150"),
				"ST 277 R [5] STC@11(2200B):8", "3/306/7"},
			{"missing required element (claim charge)",
				replaceSeg(eligValid277CA, "SVC*HC:99213*150*****1", "SVC*HC:99213******1"),
				"ST 277 R [5] SVC@23(2220D):8", "2/782/1"},
			{"too many repeats (receipt date twice)",
				replaceSeg(eligValid277CA, "DTP*050*D8*20240102", "DTP*050*D8*20240102", "DTP*050*D8*20240101"),
				"ST 277 R [5] DTP@7(2200A):5", ""},
			{"unknown segment",
				replaceSeg(eligValid277CA, "REF*1K*PCN0001", "REF*1K*PCN0001", "ZZZ*1"),
				"ST 277 R [5] ZZZ@22(2200D):1", ""},
			{"patient level coded as a dependent",
				replaceSeg(eligValid277CA, "HL*4*3*PT", "HL*4*3*23"),
				"ST 277 R [5] HL@17(2000D):8", "3/735/7"},
			{"missing required segment (claim service date)",
				replaceSeg(eligValid277CA, "DTP*472*D8*20240101"),
				"ST 277 R [5] DTP@22(2200D):3", ""},
			{"line status without its STC",
				replaceSeg(eligValid277CA, "STC*A7:453*20240103*U"),
				"ST 277 R [5] STC@24(2220D):3", ""},
			{"provider secondary identifier at the provider level",
				replaceSeg(eligValid277CA, "TRN*1*PROV0001", "TRN*1*PROV0001", "REF*TJ*123456789"),
				"ST 277 A", ""},
		}},
	}
	for _, k := range kinds {
		cases := append([]variant{{"valid", k.valid, "ST " + k.valid[0][3:6] + " A", ""}}, k.variants...)
		for _, c := range cases {
			t.Run(k.kind+"/"+c.name, func(t *testing.T) {
				got, ik4 := igCheckSet(t, igInterchange(k.gs01, k.version, c.set), k.kind)
				if got != c.want {
					t.Errorf("verdict %q, want %q", got, c.want)
				}
				if ik4 != c.ik4 {
					t.Errorf("IK4 %q, want %q", ik4, c.ik4)
				}
			})
		}
	}
}

// TestIGEligibilitySamples runs the shared sample files through the tables.
// The 277s are clean. The 270 is a 4010 request (GS08 004010X092A1), which
// the 5010 tables do not judge, and both 270 and 271 carry envelope and SE
// count errors of their own.
func TestIGEligibilitySamples(t *testing.T) {
	dir := sharedX12 + "/imsweb/src/test/resources/"
	cases := []struct{ file, want string }{
		{"x270_271/x270.txt", "TA1 001; GS HS R; ST 270 R [4 3]"},
		{"x270_271/x271.txt", "TA1 001; GS HB R; ST 271 R [4]"},
		{"277_5010/x12_277CA_accepted.txt", "TA1 000; GS HN A; ST 277 A"},
		{"277_5010/x12_277CA_rejected.txt", "TA1 000; GS HN A; ST 277 A"},
		{"277_5010/x12_277_x212.txt", "TA1 001; GS HN A; ST 277 A"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			res := sampleVerdict(t, dir+c.file)
			if got := res.Summary(); got != c.want {
				t.Errorf("verdict %q, want %q", got, c.want)
			}
		})
	}
}
