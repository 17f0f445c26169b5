package v2fhir

import (
	"fmt"
	"strings"
)

const adtA01 = "MSH|^~\\&|SIMHOSP|SFAC|RAPP|RFAC|20240101080000||ADT^A01|1|T|2.3|||AL||44|ASCII\r" +
	"EVN|A01|20240101080000|||C003^Cuddy^Kevin^^^Dr^^^DRNBR^PRSNL^^^ORGDR|\r" +
	"PID|1|558181838^^^SIMULATOR MRN^MRN|558181838^^^SIMULATOR MRN^MRN~9902630022^^^NHSNBR^NHSNMBR||Alayli^Georgia^^^Mrs^^CURRENT||19850223000000|F|||76 Buzzard Square^^Wembley^^CB36 3HJ^GBR^HOME||075 0357 1176^HOME|||||||||R^Other - Chinese^^^||||||||\r" +
	"PD1|||FAMILY PRACTICE^^12345|\r" +
	"NK1|1|Alayli^John|SPO^Spouse^HL70063|\r" +
	"PV1|1|I|ED^ED-Bay-1^Bed 1^Simulated Hospital^^BED^Main Building^4|28b|||C003^Cuddy^Kevin^^^Dr^^^DRNBR^PRSNL^^^ORGDR|||MED|||||||||8516463^^^SIMULATOR VISITID^VISITID|||||||||||||||||||||||||20240101080000|\r" +
	"AL1|1|DA^Drug allergy^HL70127|PCN^Penicillin^LOCAL|SV^Severe^HL70128|Rash|\r" +
	"DG1|1||I10^Essential hypertension^I10|||W|\r"

func oruR01(n int) string {
	var b strings.Builder
	b.WriteString("MSH|^~\\&|SIMHOSP|SFAC|RAPP|RFAC|20240101080000+0000||ORU^R01|2|T|2.5|||AL||44|ASCII\r")
	b.WriteString("PID|1|558181838^^^SIMULATOR MRN^MRN|558181838^^^SIMULATOR MRN^MRN||Alayli^Georgia^^^Mrs||19850223|F\r")
	b.WriteString("PV1|1|O|||||||||||||||||8516463^^^SIMULATOR VISITID^VISITID\r")
	b.WriteString("OBR|1|P123^PLACER|F456^LAB|24326-1^Electrolytes panel^LN|||20240101073000+0000||||||||||||||||LAB|F\r")
	for i := 1; i <= n; i++ {
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, "OBX|%d|NM|2951-2^Sodium^LN||%d|mmol/L^mmol/L^UCUM|135-145|N|||F|||20240101075000+0000\r", i, 130+i)
		case 1:
			fmt.Fprintf(&b, "OBX|%d|SN|2823-3^Potassium^LN||<^%d|mmol/L|3.5-5.1|L|||F\r", i, 3+i%2)
		case 2:
			fmt.Fprintf(&b, "OBX|%d|ST|8251-1^Comment^LN||sample slightly haemolysed||||||F\r", i)
			b.WriteString("NTE|1||Reported by phone\r")
		}
	}
	return b.String()
}
