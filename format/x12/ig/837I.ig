set 837I 837 005010X223A2
# Health Care Claim: Institutional (005010X223A2).
# Each NM1 lists NM112 as not used, so that any name element the guide does
# not use is reported as a not-used element (IK4 I10), not as one too many.
seg ST R 1
  01 R ID 3/3 837 #143
  02 R AN 4/9 #329
  03 R AN 1/35 #1705
seg BHT R 1
  01 R ID 4/4 0019 #1005
  02 R ID 2/2 00 18 #353
  03 R AN 1/50 #127
  04 R DT 8/8 #373
  05 R TM 4/8 #337
  06 R ID 2/2 31 CH RP #640
# Submitter.
loop 1000A R 1
  seg NM1 R 1 01=41
    01 R ID 2/3 41 #98
    02 R ID 1/1 1 2 #1065
    03 R AN 1/60 #1035
    04 S AN 1/35 #1036
    05 S AN 1/25 #1037
    08 R ID 1/2 46 #66
    09 R AN 2/80 #67
    12 N AN 1/60 #1035
    rule P0809
  seg PER R 2
    01 R ID 2/2 IC #366
    02 S AN 1/60 #93
    03 R ID 2/2 EM FX TE #365
    04 R AN 1/256 #364
    05 S ID 2/2 EM EX FX TE #365
    06 S AN 1/256 #364
    07 S ID 2/2 EM EX FX TE #365
    08 S AN 1/256 #364
    rule P0304
    rule P0506
    rule P0708
# Receiver.
loop 1000B R 1
  seg NM1 R 1 01=40
    01 R ID 2/3 40 #98
    02 R ID 1/1 2 #1065
    03 R AN 1/60 #1035
    08 R ID 1/2 46 #66
    09 R AN 2/80 #67
    12 N AN 1/60 #1035
    rule P0809
# Billing provider hierarchical level.
loop 2000A R >1
  seg HL R 1 03=20
    01 R AN 1/12 #628
    03 R ID 1/2 20 #735
    04 R ID 1/1 1 #736
  # Billing provider specialty: PRV03 is a taxonomy code.
  seg PRV S 1
    01 R ID 1/3 BI #1221
    02 R ID 2/3 PXC #128
    03 R AN 1/50 #127
    rule P0203
  # Foreign currency: CUR02 is an ISO 4217 code.
  seg CUR S 1
    01 R ID 2/3 85 #98
    02 R ID 3/3 #100
  # Billing provider.
  loop 2010AA R 1
    seg NM1 R 1 01=85
      01 R ID 2/3 85 #98
      02 R ID 1/1 2 #1065
      03 R AN 1/60 #1035
      08 S ID 1/2 XX #66
      09 S AN 2/80 #67
      12 N AN 1/60 #1035
      rule P0809
    seg N3 R 1
      01 R AN 1/55 #166
      02 S AN 1/55 #166
    seg N4 R 1
      01 R AN 2/30 #19
      02 S ID 2/2 #156
      03 S ID 3/15 #116
      04 S ID 2/3 #26
      07 S ID 1/3 #1715
      rule E0207
      rule C0704
    # Billing provider tax identification.
    seg REF R 1 01=EI
      01 R ID 2/3 EI #128
      02 R AN 1/50 #127
    # Billing provider contact.
    seg PER S 2
      01 R ID 2/2 IC #366
      02 S AN 1/60 #93
      03 R ID 2/2 EM FX TE #365
      04 R AN 1/256 #364
      05 S ID 2/2 EM EX FX TE #365
      06 S AN 1/256 #364
      07 S ID 2/2 EM EX FX TE #365
      08 S AN 1/256 #364
      rule P0304
      rule P0506
      rule P0708
  # Pay-to address: NM101 and NM102 only.
  loop 2010AB S 1
    seg NM1 R 1 01=87
      01 R ID 2/3 87 #98
      02 R ID 1/1 2 #1065
      12 N AN 1/60 #1035
    seg N3 R 1
      01 R AN 1/55 #166
      02 S AN 1/55 #166
    seg N4 R 1
      01 R AN 2/30 #19
      02 S ID 2/2 #156
      03 S ID 3/15 #116
      04 S ID 2/3 #26
      07 S ID 1/3 #1715
      rule E0207
      rule C0704
  # Pay-to plan.
  loop 2010AC S 1
    seg NM1 R 1 01=PE
      01 R ID 2/3 PE #98
      02 R ID 1/1 2 #1065
      03 R AN 1/60 #1035
      08 R ID 1/2 PI XV #66
      09 R AN 2/80 #67
      12 N AN 1/60 #1035
      rule P0809
    seg N3 R 1
      01 R AN 1/55 #166
      02 S AN 1/55 #166
    seg N4 R 1
      01 R AN 2/30 #19
      02 S ID 2/2 #156
      03 S ID 3/15 #116
      04 S ID 2/3 #26
      07 S ID 1/3 #1715
      rule E0207
      rule C0704
    # Pay-to plan secondary identification and tax identification number.
    seg REF S 1 01=2U,FY,NF
      01 R ID 2/3 2U FY NF #128
      02 R AN 1/50 #127
    seg REF R 1 01=EI
      01 R ID 2/3 EI #128
      02 R AN 1/50 #127
  # Subscriber hierarchical level.
  loop 2000B R >1
    seg HL R 1 03=22
      01 R AN 1/12 #628
      02 R AN 1/12 #734
      03 R ID 1/2 22 #735
      04 R ID 1/1 0 1 #736
    seg SBR R 1
      01 R ID 1/1 A B C D E F G H P S T U #1138
      02 S ID 2/2 18 #1069
      03 S AN 1/50 #127
      04 S AN 1/60 #93
      09 S ID 1/2 11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ #1032
    # Subscriber.
    loop 2010BA R 1
      seg NM1 R 1 01=IL
        01 R ID 2/3 IL #98
        02 R ID 1/1 1 2 #1065
        03 R AN 1/60 #1035
        04 S AN 1/35 #1036
        05 S AN 1/25 #1037
        07 S AN 1/10 #1039
        08 S ID 1/2 II MI #66
        09 S AN 2/80 #67
        12 N AN 1/60 #1035
        rule P0809
      seg N3 S 1
        01 R AN 1/55 #166
        02 S AN 1/55 #166
      seg N4 S 1
        01 R AN 2/30 #19
        02 S ID 2/2 #156
        03 S ID 3/15 #116
        04 S ID 2/3 #26
        07 S ID 1/3 #1715
        rule E0207
        rule C0704
      seg DMG S 1
        01 R ID 2/3 D8 #1250
        02 R AN 1/35 #1251
        03 R ID 1/1 F M U #1068
        rule P0102
      # Subscriber secondary identification, property and casualty claim number.
      seg REF S 1 01=SY
        01 R ID 2/3 SY #128
        02 R AN 1/50 #127
      seg REF S 1 01=Y4
        01 R ID 2/3 Y4 #128
        02 R AN 1/50 #127
    # Payer.
    loop 2010BB R 1
      seg NM1 R 1 01=PR
        01 R ID 2/3 PR #98
        02 R ID 1/1 2 #1065
        03 R AN 1/60 #1035
        08 R ID 1/2 PI XV #66
        09 R AN 2/80 #67
        12 N AN 1/60 #1035
        rule P0809
      seg N3 S 1
        01 R AN 1/55 #166
        02 S AN 1/55 #166
      seg N4 S 1
        01 R AN 2/30 #19
        02 S ID 2/2 #156
        03 S ID 3/15 #116
        04 S ID 2/3 #26
        07 S ID 1/3 #1715
        rule E0207
        rule C0704
      # Payer secondary identification, billing provider secondary identification.
      seg REF S 3 01=2U,EI,FY,NF
        01 R ID 2/3 2U EI FY NF #128
        02 R AN 1/50 #127
      seg REF S 1 01=G2,LU
        01 R ID 2/3 G2 LU #128
        02 R AN 1/50 #127
    # Claim: here when the subscriber is the patient, else under 2000C.
    loop 2300 S 100
      # CLM05-1 facility type and CLM05-3 frequency are external (NUBC) codes.
      seg CLM R 1
        01 R AN 1/38 #1028
        02 R R 1/18 #782
        05 R C
          05-1 R AN 1/2 #1331
          05-2 R ID 1/2 A #1332
          05-3 R ID 1/1 #1325
        07 R ID 1/1 A B C #1359
        08 R ID 1/1 N W Y #1073
        09 R ID 1/1 I Y #1363
        20 S ID 1/2 1 2 3 4 5 6 7 8 9 10 11 15 #1514
      # Discharge hour, statement dates, admission date/hour, repricer received date.
      seg DTP S 1 01=096
        01 R ID 3/3 096 #374
        02 R ID 2/3 TM #1250
        03 R AN 1/35 #1251
      seg DTP R 1 01=434
        01 R ID 3/3 434 #374
        02 R ID 2/3 RD8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=435
        01 R ID 3/3 435 #374
        02 R ID 2/3 D8 DT #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=050
        01 R ID 3/3 050 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      # Institutional claim code: admission type, source and patient status are NUBC codes.
      seg CL1 R 1
        01 R ID 1/1 #1315
        02 S ID 1/1 #1314
        03 R ID 1/2 #1352
      # Claim supplemental information (attachments).
      seg PWK S 10
        01 R ID 2/2 03 04 05 06 07 08 09 10 11 13 15 21 A3 A4 AM AS B2 B3 B4 BR BS BT CB CK CT D2 DA DB DG DJ DS EB HC HR I5 IR LA M1 MT NN OB OC OD OE OX OZ P4 P5 PE PN PO PQ PY PZ RB RR RT RX SG V5 XP #755
        02 R ID 1/2 AA BM EL EM FT FX #756
        05 S ID 1/2 AC #66
        06 S AN 2/80 #67
        rule P0506
      # Contract information.
      seg CN1 S 1
        01 R ID 2/2 01 02 03 04 05 06 09 #1166
        02 S R 1/18 #782
        03 S R 1/6 #332
        04 S AN 1/50 #127
        05 S R 1/6 #338
        06 S AN 1/30 #799
      # Patient estimated amount due.
      seg AMT S 1 01=F3
        01 R ID 1/3 F3 #522
        02 R R 1/18 #782
      # Claim references: service authorization exception, referral, prior
      # authorization, payer claim control number, repriced and adjusted repriced
      # claim numbers, investigational device exemption, transmission intermediary
      # trace, auto accident state, medical record, demonstration project, PRO approval.
      seg REF S 1 01=4N
        01 R ID 2/3 4N #128
        02 R AN 1/50 #127
      seg REF S 1 01=9F
        01 R ID 2/3 9F #128
        02 R AN 1/50 #127
      seg REF S 1 01=G1
        01 R ID 2/3 G1 #128
        02 R AN 1/50 #127
      seg REF S 1 01=F8
        01 R ID 2/3 F8 #128
        02 R AN 1/50 #127
      seg REF S 1 01=9A
        01 R ID 2/3 9A #128
        02 R AN 1/50 #127
      seg REF S 1 01=9C
        01 R ID 2/3 9C #128
        02 R AN 1/50 #127
      seg REF S 5 01=LX
        01 R ID 2/3 LX #128
        02 R AN 1/50 #127
      seg REF S 1 01=D9
        01 R ID 2/3 D9 #128
        02 R AN 1/50 #127
      seg REF S 1 01=LU
        01 R ID 2/3 LU #128
        02 R AN 1/50 #127
      seg REF S 1 01=EA
        01 R ID 2/3 EA #128
        02 R AN 1/50 #127
      seg REF S 1 01=P4
        01 R ID 2/3 P4 #128
        02 R AN 1/50 #127
      seg REF S 1 01=G4
        01 R ID 2/3 G4 #128
        02 R AN 1/50 #127
      seg K3 S 10
        01 R AN 1/80 #449
      # Claim notes and the billing note.
      seg NTE S 10 01=ALG,DCP,DGN,DME,MED,NTR,ODT,RHB,RLH,RNH,SET,SFM,SPT,UPI
        01 R ID 3/3 ALG DCP DGN DME MED NTR ODT RHB RLH RNH SET SFM SPT UPI #363
        02 R AN 1/80 #352
      seg NTE S 1 01=ADD
        01 R ID 3/3 ADD #363
        02 R AN 1/80 #352
      # EPSDT referral.
      seg CRC S 1
        01 R ID 2/3 ZZ #1136
        02 R ID 1/1 N Y #1073
        03 R ID 2/3 AV NU S2 ST #1321
        04 S ID 2/3 AV NU S2 ST #1321
        05 S ID 2/3 AV NU S2 ST #1321
      # Health care codes: diagnosis, procedure, occurrence, value, condition and
      # treatment codes are external lists; HIxx-9 is the present-on-admission flag.
      # Principal diagnosis.
      seg HI R 1 01-1=ABK,BK
        01 R C
          01-1 R ID 1/3 ABK BK #1270
          01-2 R AN 1/30 #1271
          01-9 S ID 1/1 N U W Y #1073
      # Admitting diagnosis.
      seg HI S 1 01-1=ABJ,BJ
        01 R C
          01-1 R ID 1/3 ABJ BJ #1270
          01-2 R AN 1/30 #1271
      # Patient's reason for visit.
      seg HI S 1 01-1=APR,PR
        01 R C
          01-1 R ID 1/3 APR PR #1270
          01-2 R AN 1/30 #1271
        02 S C
          02-1 R ID 1/3 APR PR #1270
          02-2 R AN 1/30 #1271
        03 S C
          03-1 R ID 1/3 APR PR #1270
          03-2 R AN 1/30 #1271
      # External cause of injury.
      seg HI S 1 01-1=ABN,BN
        01 R C
          01-1 R ID 1/3 ABN BN #1270
          01-2 R AN 1/30 #1271
          01-9 S ID 1/1 N U W Y #1073
        02 S C
          02-1 R ID 1/3 ABN BN #1270
          02-2 R AN 1/30 #1271
          02-9 S ID 1/1 N U W Y #1073
        03 S C
          03-1 R ID 1/3 ABN BN #1270
          03-2 R AN 1/30 #1271
          03-9 S ID 1/1 N U W Y #1073
        04 S C
          04-1 R ID 1/3 ABN BN #1270
          04-2 R AN 1/30 #1271
          04-9 S ID 1/1 N U W Y #1073
        05 S C
          05-1 R ID 1/3 ABN BN #1270
          05-2 R AN 1/30 #1271
          05-9 S ID 1/1 N U W Y #1073
        06 S C
          06-1 R ID 1/3 ABN BN #1270
          06-2 R AN 1/30 #1271
          06-9 S ID 1/1 N U W Y #1073
        07 S C
          07-1 R ID 1/3 ABN BN #1270
          07-2 R AN 1/30 #1271
          07-9 S ID 1/1 N U W Y #1073
        08 S C
          08-1 R ID 1/3 ABN BN #1270
          08-2 R AN 1/30 #1271
          08-9 S ID 1/1 N U W Y #1073
        09 S C
          09-1 R ID 1/3 ABN BN #1270
          09-2 R AN 1/30 #1271
          09-9 S ID 1/1 N U W Y #1073
        10 S C
          10-1 R ID 1/3 ABN BN #1270
          10-2 R AN 1/30 #1271
          10-9 S ID 1/1 N U W Y #1073
        11 S C
          11-1 R ID 1/3 ABN BN #1270
          11-2 R AN 1/30 #1271
          11-9 S ID 1/1 N U W Y #1073
        12 S C
          12-1 R ID 1/3 ABN BN #1270
          12-2 R AN 1/30 #1271
          12-9 S ID 1/1 N U W Y #1073
      # Diagnosis related group.
      seg HI S 1 01-1=DR
        01 R C
          01-1 R ID 1/3 DR #1270
          01-2 R AN 1/30 #1271
      # Other diagnosis information.
      seg HI S 2 01-1=ABF,BF
        01 R C
          01-1 R ID 1/3 ABF BF #1270
          01-2 R AN 1/30 #1271
          01-9 S ID 1/1 N U W Y #1073
        02 S C
          02-1 R ID 1/3 ABF BF #1270
          02-2 R AN 1/30 #1271
          02-9 S ID 1/1 N U W Y #1073
        03 S C
          03-1 R ID 1/3 ABF BF #1270
          03-2 R AN 1/30 #1271
          03-9 S ID 1/1 N U W Y #1073
        04 S C
          04-1 R ID 1/3 ABF BF #1270
          04-2 R AN 1/30 #1271
          04-9 S ID 1/1 N U W Y #1073
        05 S C
          05-1 R ID 1/3 ABF BF #1270
          05-2 R AN 1/30 #1271
          05-9 S ID 1/1 N U W Y #1073
        06 S C
          06-1 R ID 1/3 ABF BF #1270
          06-2 R AN 1/30 #1271
          06-9 S ID 1/1 N U W Y #1073
        07 S C
          07-1 R ID 1/3 ABF BF #1270
          07-2 R AN 1/30 #1271
          07-9 S ID 1/1 N U W Y #1073
        08 S C
          08-1 R ID 1/3 ABF BF #1270
          08-2 R AN 1/30 #1271
          08-9 S ID 1/1 N U W Y #1073
        09 S C
          09-1 R ID 1/3 ABF BF #1270
          09-2 R AN 1/30 #1271
          09-9 S ID 1/1 N U W Y #1073
        10 S C
          10-1 R ID 1/3 ABF BF #1270
          10-2 R AN 1/30 #1271
          10-9 S ID 1/1 N U W Y #1073
        11 S C
          11-1 R ID 1/3 ABF BF #1270
          11-2 R AN 1/30 #1271
          11-9 S ID 1/1 N U W Y #1073
        12 S C
          12-1 R ID 1/3 ABF BF #1270
          12-2 R AN 1/30 #1271
          12-9 S ID 1/1 N U W Y #1073
      # Principal procedure information.
      seg HI S 1 01-1=BBR,BR,CAH
        01 R C
          01-1 R ID 1/3 BBR BR CAH #1270
          01-2 R AN 1/30 #1271
          01-3 R ID 2/3 D8 #1250
          01-4 R AN 1/35 #1251
      # Other procedure information.
      seg HI S 2 01-1=BBQ,BQ
        01 R C
          01-1 R ID 1/3 BBQ BQ #1270
          01-2 R AN 1/30 #1271
          01-3 R ID 2/3 D8 #1250
          01-4 R AN 1/35 #1251
        02 S C
          02-1 R ID 1/3 BBQ BQ #1270
          02-2 R AN 1/30 #1271
          02-3 R ID 2/3 D8 #1250
          02-4 R AN 1/35 #1251
        03 S C
          03-1 R ID 1/3 BBQ BQ #1270
          03-2 R AN 1/30 #1271
          03-3 R ID 2/3 D8 #1250
          03-4 R AN 1/35 #1251
        04 S C
          04-1 R ID 1/3 BBQ BQ #1270
          04-2 R AN 1/30 #1271
          04-3 R ID 2/3 D8 #1250
          04-4 R AN 1/35 #1251
        05 S C
          05-1 R ID 1/3 BBQ BQ #1270
          05-2 R AN 1/30 #1271
          05-3 R ID 2/3 D8 #1250
          05-4 R AN 1/35 #1251
        06 S C
          06-1 R ID 1/3 BBQ BQ #1270
          06-2 R AN 1/30 #1271
          06-3 R ID 2/3 D8 #1250
          06-4 R AN 1/35 #1251
        07 S C
          07-1 R ID 1/3 BBQ BQ #1270
          07-2 R AN 1/30 #1271
          07-3 R ID 2/3 D8 #1250
          07-4 R AN 1/35 #1251
        08 S C
          08-1 R ID 1/3 BBQ BQ #1270
          08-2 R AN 1/30 #1271
          08-3 R ID 2/3 D8 #1250
          08-4 R AN 1/35 #1251
        09 S C
          09-1 R ID 1/3 BBQ BQ #1270
          09-2 R AN 1/30 #1271
          09-3 R ID 2/3 D8 #1250
          09-4 R AN 1/35 #1251
        10 S C
          10-1 R ID 1/3 BBQ BQ #1270
          10-2 R AN 1/30 #1271
          10-3 R ID 2/3 D8 #1250
          10-4 R AN 1/35 #1251
        11 S C
          11-1 R ID 1/3 BBQ BQ #1270
          11-2 R AN 1/30 #1271
          11-3 R ID 2/3 D8 #1250
          11-4 R AN 1/35 #1251
        12 S C
          12-1 R ID 1/3 BBQ BQ #1270
          12-2 R AN 1/30 #1271
          12-3 R ID 2/3 D8 #1250
          12-4 R AN 1/35 #1251
      # Occurrence span information.
      seg HI S 2 01-1=BI
        01 R C
          01-1 R ID 1/3 BI #1270
          01-2 R AN 1/30 #1271
          01-3 R ID 2/3 RD8 #1250
          01-4 R AN 1/35 #1251
        02 S C
          02-1 R ID 1/3 BI #1270
          02-2 R AN 1/30 #1271
          02-3 R ID 2/3 RD8 #1250
          02-4 R AN 1/35 #1251
        03 S C
          03-1 R ID 1/3 BI #1270
          03-2 R AN 1/30 #1271
          03-3 R ID 2/3 RD8 #1250
          03-4 R AN 1/35 #1251
        04 S C
          04-1 R ID 1/3 BI #1270
          04-2 R AN 1/30 #1271
          04-3 R ID 2/3 RD8 #1250
          04-4 R AN 1/35 #1251
        05 S C
          05-1 R ID 1/3 BI #1270
          05-2 R AN 1/30 #1271
          05-3 R ID 2/3 RD8 #1250
          05-4 R AN 1/35 #1251
        06 S C
          06-1 R ID 1/3 BI #1270
          06-2 R AN 1/30 #1271
          06-3 R ID 2/3 RD8 #1250
          06-4 R AN 1/35 #1251
        07 S C
          07-1 R ID 1/3 BI #1270
          07-2 R AN 1/30 #1271
          07-3 R ID 2/3 RD8 #1250
          07-4 R AN 1/35 #1251
        08 S C
          08-1 R ID 1/3 BI #1270
          08-2 R AN 1/30 #1271
          08-3 R ID 2/3 RD8 #1250
          08-4 R AN 1/35 #1251
        09 S C
          09-1 R ID 1/3 BI #1270
          09-2 R AN 1/30 #1271
          09-3 R ID 2/3 RD8 #1250
          09-4 R AN 1/35 #1251
        10 S C
          10-1 R ID 1/3 BI #1270
          10-2 R AN 1/30 #1271
          10-3 R ID 2/3 RD8 #1250
          10-4 R AN 1/35 #1251
        11 S C
          11-1 R ID 1/3 BI #1270
          11-2 R AN 1/30 #1271
          11-3 R ID 2/3 RD8 #1250
          11-4 R AN 1/35 #1251
        12 S C
          12-1 R ID 1/3 BI #1270
          12-2 R AN 1/30 #1271
          12-3 R ID 2/3 RD8 #1250
          12-4 R AN 1/35 #1251
      # Occurrence information.
      seg HI S 2 01-1=BH
        01 R C
          01-1 R ID 1/3 BH #1270
          01-2 R AN 1/30 #1271
          01-3 R ID 2/3 D8 #1250
          01-4 R AN 1/35 #1251
        02 S C
          02-1 R ID 1/3 BH #1270
          02-2 R AN 1/30 #1271
          02-3 R ID 2/3 D8 #1250
          02-4 R AN 1/35 #1251
        03 S C
          03-1 R ID 1/3 BH #1270
          03-2 R AN 1/30 #1271
          03-3 R ID 2/3 D8 #1250
          03-4 R AN 1/35 #1251
        04 S C
          04-1 R ID 1/3 BH #1270
          04-2 R AN 1/30 #1271
          04-3 R ID 2/3 D8 #1250
          04-4 R AN 1/35 #1251
        05 S C
          05-1 R ID 1/3 BH #1270
          05-2 R AN 1/30 #1271
          05-3 R ID 2/3 D8 #1250
          05-4 R AN 1/35 #1251
        06 S C
          06-1 R ID 1/3 BH #1270
          06-2 R AN 1/30 #1271
          06-3 R ID 2/3 D8 #1250
          06-4 R AN 1/35 #1251
        07 S C
          07-1 R ID 1/3 BH #1270
          07-2 R AN 1/30 #1271
          07-3 R ID 2/3 D8 #1250
          07-4 R AN 1/35 #1251
        08 S C
          08-1 R ID 1/3 BH #1270
          08-2 R AN 1/30 #1271
          08-3 R ID 2/3 D8 #1250
          08-4 R AN 1/35 #1251
        09 S C
          09-1 R ID 1/3 BH #1270
          09-2 R AN 1/30 #1271
          09-3 R ID 2/3 D8 #1250
          09-4 R AN 1/35 #1251
        10 S C
          10-1 R ID 1/3 BH #1270
          10-2 R AN 1/30 #1271
          10-3 R ID 2/3 D8 #1250
          10-4 R AN 1/35 #1251
        11 S C
          11-1 R ID 1/3 BH #1270
          11-2 R AN 1/30 #1271
          11-3 R ID 2/3 D8 #1250
          11-4 R AN 1/35 #1251
        12 S C
          12-1 R ID 1/3 BH #1270
          12-2 R AN 1/30 #1271
          12-3 R ID 2/3 D8 #1250
          12-4 R AN 1/35 #1251
      # Value information.
      seg HI S 2 01-1=BE
        01 R C
          01-1 R ID 1/3 BE #1270
          01-2 R AN 1/30 #1271
          01-5 R R 1/18 #782
        02 S C
          02-1 R ID 1/3 BE #1270
          02-2 R AN 1/30 #1271
          02-5 R R 1/18 #782
        03 S C
          03-1 R ID 1/3 BE #1270
          03-2 R AN 1/30 #1271
          03-5 R R 1/18 #782
        04 S C
          04-1 R ID 1/3 BE #1270
          04-2 R AN 1/30 #1271
          04-5 R R 1/18 #782
        05 S C
          05-1 R ID 1/3 BE #1270
          05-2 R AN 1/30 #1271
          05-5 R R 1/18 #782
        06 S C
          06-1 R ID 1/3 BE #1270
          06-2 R AN 1/30 #1271
          06-5 R R 1/18 #782
        07 S C
          07-1 R ID 1/3 BE #1270
          07-2 R AN 1/30 #1271
          07-5 R R 1/18 #782
        08 S C
          08-1 R ID 1/3 BE #1270
          08-2 R AN 1/30 #1271
          08-5 R R 1/18 #782
        09 S C
          09-1 R ID 1/3 BE #1270
          09-2 R AN 1/30 #1271
          09-5 R R 1/18 #782
        10 S C
          10-1 R ID 1/3 BE #1270
          10-2 R AN 1/30 #1271
          10-5 R R 1/18 #782
        11 S C
          11-1 R ID 1/3 BE #1270
          11-2 R AN 1/30 #1271
          11-5 R R 1/18 #782
        12 S C
          12-1 R ID 1/3 BE #1270
          12-2 R AN 1/30 #1271
          12-5 R R 1/18 #782
      # Condition information.
      seg HI S 2 01-1=BG
        01 R C
          01-1 R ID 1/3 BG #1270
          01-2 R AN 1/30 #1271
        02 S C
          02-1 R ID 1/3 BG #1270
          02-2 R AN 1/30 #1271
        03 S C
          03-1 R ID 1/3 BG #1270
          03-2 R AN 1/30 #1271
        04 S C
          04-1 R ID 1/3 BG #1270
          04-2 R AN 1/30 #1271
        05 S C
          05-1 R ID 1/3 BG #1270
          05-2 R AN 1/30 #1271
        06 S C
          06-1 R ID 1/3 BG #1270
          06-2 R AN 1/30 #1271
        07 S C
          07-1 R ID 1/3 BG #1270
          07-2 R AN 1/30 #1271
        08 S C
          08-1 R ID 1/3 BG #1270
          08-2 R AN 1/30 #1271
        09 S C
          09-1 R ID 1/3 BG #1270
          09-2 R AN 1/30 #1271
        10 S C
          10-1 R ID 1/3 BG #1270
          10-2 R AN 1/30 #1271
        11 S C
          11-1 R ID 1/3 BG #1270
          11-2 R AN 1/30 #1271
        12 S C
          12-1 R ID 1/3 BG #1270
          12-2 R AN 1/30 #1271
      # Treatment code information.
      seg HI S 2 01-1=TC
        01 R C
          01-1 R ID 1/3 TC #1270
          01-2 R AN 1/30 #1271
        02 S C
          02-1 R ID 1/3 TC #1270
          02-2 R AN 1/30 #1271
        03 S C
          03-1 R ID 1/3 TC #1270
          03-2 R AN 1/30 #1271
        04 S C
          04-1 R ID 1/3 TC #1270
          04-2 R AN 1/30 #1271
        05 S C
          05-1 R ID 1/3 TC #1270
          05-2 R AN 1/30 #1271
        06 S C
          06-1 R ID 1/3 TC #1270
          06-2 R AN 1/30 #1271
        07 S C
          07-1 R ID 1/3 TC #1270
          07-2 R AN 1/30 #1271
        08 S C
          08-1 R ID 1/3 TC #1270
          08-2 R AN 1/30 #1271
        09 S C
          09-1 R ID 1/3 TC #1270
          09-2 R AN 1/30 #1271
        10 S C
          10-1 R ID 1/3 TC #1270
          10-2 R AN 1/30 #1271
        11 S C
          11-1 R ID 1/3 TC #1270
          11-2 R AN 1/30 #1271
        12 S C
          12-1 R ID 1/3 TC #1270
          12-2 R AN 1/30 #1271
      # Claim pricing/repricing information.
      seg HCP S 1
        01 R ID 2/2 00 01 02 03 04 05 06 07 08 09 10 11 12 13 14 #1473
        02 R R 1/18 #782
        03 S R 1/18 #782
        04 S AN 1/50 #127
        05 S R 1/9 #118
        06 S AN 1/50 #127
        07 S R 1/18 #782
        08 S AN 1/48 #234
        11 S ID 2/2 DA UN #355
        12 S R 1/15 #380
        13 S ID 2/2 T1 T2 T3 T4 T5 T6 #901
        14 S ID 1/2 1 2 3 4 5 #1526
        15 S ID 1/2 1 2 3 4 5 6 #1527
        rule R0113
        rule P1112
      # Attending provider.
      loop 2310A S 1
        seg NM1 R 1 01=71
          01 R ID 2/3 71 #98
          02 R ID 1/1 1 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
          12 N AN 1/60 #1035
          rule P0809
        seg PRV S 1
          01 R ID 1/3 AT #1221
          02 R ID 2/3 PXC #128
          03 R AN 1/50 #127
          rule P0203
        seg REF S 4
          01 R ID 2/3 0B 1G G2 LU #128
          02 R AN 1/50 #127
      # Operating physician.
      loop 2310B S 1
        seg NM1 R 1 01=72
          01 R ID 2/3 72 #98
          02 R ID 1/1 1 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
          12 N AN 1/60 #1035
          rule P0809
        seg REF S 4
          01 R ID 2/3 0B 1G G2 LU #128
          02 R AN 1/50 #127
      # Other operating physician.
      loop 2310C S 1
        seg NM1 R 1 01=ZZ
          01 R ID 2/3 ZZ #98
          02 R ID 1/1 1 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
          12 N AN 1/60 #1035
          rule P0809
        seg REF S 4
          01 R ID 2/3 0B 1G G2 LU #128
          02 R AN 1/50 #127
      # Rendering provider.
      loop 2310D S 1
        seg NM1 R 1 01=82
          01 R ID 2/3 82 #98
          02 R ID 1/1 1 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
          12 N AN 1/60 #1035
          rule P0809
        seg REF S 4
          01 R ID 2/3 0B 1G G2 LU #128
          02 R AN 1/50 #127
      # Service facility location.
      loop 2310E S 1
        seg NM1 R 1 01=77
          01 R ID 2/3 77 #98
          02 R ID 1/1 2 #1065
          03 R AN 1/60 #1035
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
          12 N AN 1/60 #1035
          rule P0809
        seg N3 R 1
          01 R AN 1/55 #166
          02 S AN 1/55 #166
        seg N4 R 1
          01 R AN 2/30 #19
          02 S ID 2/2 #156
          03 S ID 3/15 #116
          04 S ID 2/3 #26
          07 S ID 1/3 #1715
          rule E0207
          rule C0704
        seg REF S 3
          01 R ID 2/3 0B G2 LU #128
          02 R AN 1/50 #127
      # Referring provider.
      loop 2310F S 1
        seg NM1 R 1 01=DN
          01 R ID 2/3 DN #98
          02 R ID 1/1 1 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
          12 N AN 1/60 #1035
          rule P0809
        seg REF S 3
          01 R ID 2/3 0B 1G G2 #128
          02 R AN 1/50 #127
      # Other subscriber information (coordination of benefits).
      loop 2320 S 10
        seg SBR R 1
          01 R ID 1/1 A B C D E F G H P S T U #1138
          02 R ID 2/2 01 18 19 20 21 39 40 53 G8 #1069
          03 S AN 1/50 #127
          04 S AN 1/60 #93
          09 S ID 1/2 11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ #1032
        # Claim level adjustments.
        seg CAS S 5
          01 R ID 1/2 CO CR OA PI PR #1033
          02 R ID 1/5 #1034
          03 R R 1/18 #782
          04 S R 1/15 #380
          05 S ID 1/5 #1034
          06 S R 1/18 #782
          07 S R 1/15 #380
          08 S ID 1/5 #1034
          09 S R 1/18 #782
          10 S R 1/15 #380
          11 S ID 1/5 #1034
          12 S R 1/18 #782
          13 S R 1/15 #380
          14 S ID 1/5 #1034
          15 S R 1/18 #782
          16 S R 1/15 #380
          17 S ID 1/5 #1034
          18 S R 1/18 #782
          19 S R 1/15 #380
          rule L050607
          rule C0605
          rule C0705
          rule L080910
          rule C0908
          rule C1008
          rule L111213
          rule C1211
          rule C1311
          rule L141516
          rule C1514
          rule C1614
          rule L171819
          rule C1817
          rule C1917
        # Payer paid amount, remaining patient liability, non-covered amount.
        seg AMT S 1 01=D
          01 R ID 1/3 D #522
          02 R R 1/18 #782
        seg AMT S 1 01=EAF
          01 R ID 1/3 EAF #522
          02 R R 1/18 #782
        seg AMT S 1 01=A8
          01 R ID 1/3 A8 #522
          02 R R 1/18 #782
        seg OI R 1
          03 R ID 1/1 N W Y #1073
          06 R ID 1/1 I Y #1363
        # Inpatient adjudication information; remark codes are external.
        seg MIA S 1
          01 R R 1/15 #380
          03 S R 1/15 #380
          04 S R 1/18 #782
          05 S AN 1/50 #127
          06 S R 1/18 #782
          07 S R 1/18 #782
          08 S R 1/18 #782
          09 S R 1/18 #782
          10 S R 1/18 #782
          11 S R 1/18 #782
          12 S R 1/18 #782
          13 S R 1/18 #782
          14 S R 1/18 #782
          15 S R 1/15 #380
          16 S R 1/18 #782
          17 S R 1/18 #782
          18 S R 1/18 #782
          19 S R 1/18 #782
          20 S AN 1/50 #127
          21 S AN 1/50 #127
          22 S AN 1/50 #127
          23 S AN 1/50 #127
          24 S R 1/18 #782
        # Outpatient adjudication information.
        seg MOA S 1
          01 S R 1/10 #954
          02 S R 1/18 #782
          03 S AN 1/50 #127
          04 S AN 1/50 #127
          05 S AN 1/50 #127
          06 S AN 1/50 #127
          07 S AN 1/50 #127
          08 S R 1/18 #782
          09 S R 1/18 #782
        # Other subscriber name.
        loop 2330A R 1
          seg NM1 R 1 01=IL
            01 R ID 2/3 IL #98
            02 R ID 1/1 1 2 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 R ID 1/2 II MI #66
            09 R AN 2/80 #67
            12 N AN 1/60 #1035
            rule P0809
          seg N3 S 1
            01 R AN 1/55 #166
            02 S AN 1/55 #166
          seg N4 S 1
            01 R AN 2/30 #19
            02 S ID 2/2 #156
            03 S ID 3/15 #116
            04 S ID 2/3 #26
            07 S ID 1/3 #1715
            rule E0207
            rule C0704
          seg REF S 2
            01 R ID 2/3 SY #128
            02 R AN 1/50 #127
        # Other payer name.
        loop 2330B R 1
          seg NM1 R 1 01=PR
            01 R ID 2/3 PR #98
            02 R ID 1/1 2 #1065
            03 R AN 1/60 #1035
            08 R ID 1/2 PI XV #66
            09 R AN 2/80 #67
            12 N AN 1/60 #1035
            rule P0809
          seg N3 S 1
            01 R AN 1/55 #166
            02 S AN 1/55 #166
          seg N4 S 1
            01 R AN 2/30 #19
            02 S ID 2/2 #156
            03 S ID 3/15 #116
            04 S ID 2/3 #26
            07 S ID 1/3 #1715
            rule E0207
            rule C0704
          # Claim check or remittance date.
          seg DTP S 1 01=573
            01 R ID 3/3 573 #374
            02 R ID 2/3 D8 #1250
            03 R AN 1/35 #1251
          # Other payer secondary identifier, prior authorization, referral, claim
          # adjustment indicator, claim control number.
          seg REF S 2 01=2U,EI,FY,NF
            01 R ID 2/3 2U EI FY NF #128
            02 R AN 1/50 #127
          seg REF S 1 01=G1
            01 R ID 2/3 G1 #128
            02 R AN 1/50 #127
          seg REF S 1 01=9F
            01 R ID 2/3 9F #128
            02 R AN 1/50 #127
          seg REF S 1 01=T4
            01 R ID 2/3 T4 #128
            02 R AN 1/50 #127
          seg REF S 1 01=F8
            01 R ID 2/3 F8 #128
            02 R AN 1/50 #127
        # The other payer's identifiers of the claim's providers: NM101 and NM102 only.
        # Other payer attending provider.
        loop 2330C S 1
          seg NM1 R 1 01=71
            01 R ID 2/3 71 #98
            02 R ID 1/1 1 #1065
            12 N AN 1/60 #1035
          seg REF R 4
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
        # Other payer operating physician.
        loop 2330D S 1
          seg NM1 R 1 01=72
            01 R ID 2/3 72 #98
            02 R ID 1/1 1 #1065
            12 N AN 1/60 #1035
          seg REF R 4
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
        # Other payer other operating physician.
        loop 2330E S 1
          seg NM1 R 1 01=ZZ
            01 R ID 2/3 ZZ #98
            02 R ID 1/1 1 #1065
            12 N AN 1/60 #1035
          seg REF R 4
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
        # Other payer service facility location.
        loop 2330F S 1
          seg NM1 R 1 01=77
            01 R ID 2/3 77 #98
            02 R ID 1/1 2 #1065
            12 N AN 1/60 #1035
          seg REF R 3
            01 R ID 2/3 0B G2 LU #128
            02 R AN 1/50 #127
        # Other payer rendering provider.
        loop 2330G S 1
          seg NM1 R 1 01=82
            01 R ID 2/3 82 #98
            02 R ID 1/1 1 #1065
            12 N AN 1/60 #1035
          seg REF R 4
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
        # Other payer referring provider.
        loop 2330H S 1
          seg NM1 R 1 01=DN
            01 R ID 2/3 DN #98
            02 R ID 1/1 1 #1065
            12 N AN 1/60 #1035
          seg REF R 3
            01 R ID 2/3 0B 1G G2 #128
            02 R AN 1/50 #127
        # Other payer billing provider.
        loop 2330I S 1
          seg NM1 R 1 01=85
            01 R ID 2/3 85 #98
            02 R ID 1/1 2 #1065
            12 N AN 1/60 #1035
          seg REF R 2
            01 R ID 2/3 G2 LU #128
            02 R AN 1/50 #127
      # Service line.
      loop 2400 R 999
        seg LX R 1
          01 R N0 1/6 #554
        # Institutional service line: SV201 is a NUBC revenue code.
        seg SV2 R 1
          01 R AN 1/48 #234
          02 S C
            02-1 R ID 2/2 ER HC HP IV WK #235
            02-2 R AN 1/48 #234
            02-3 S AN 2/2 #1339
            02-4 S AN 2/2 #1339
            02-5 S AN 2/2 #1339
            02-6 S AN 2/2 #1339
            02-7 S AN 1/80 #352
          03 R R 1/18 #782
          04 R ID 2/2 DA UN #355
          05 R R 1/15 #380
          07 S R 1/18 #782
          rule P0405
        # Line supplemental information.
        seg PWK S 10
          01 R ID 2/2 03 04 05 06 07 08 09 10 11 13 15 21 A3 A4 AM AS B2 B3 B4 BR BS BT CB CK CT D2 DA DB DG DJ DS EB HC HR I5 IR LA M1 MT NN OB OC OD OE OX OZ P4 P5 PE PN PO PQ PY PZ RB RR RT RX SG V5 XP #755
          02 R ID 1/2 AA BM EL EM FT FX #756
          05 S ID 1/2 AC #66
          06 S AN 2/80 #67
          rule P0506
        # Service date.
        seg DTP S 1 01=472
          01 R ID 3/3 472 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        # Line item control number, repriced and adjusted repriced line item numbers.
        seg REF S 1 01=6R
          01 R ID 2/3 6R #128
          02 R AN 1/50 #127
        seg REF S 1 01=9B
          01 R ID 2/3 9B #128
          02 R AN 1/50 #127
        seg REF S 1 01=9D
          01 R ID 2/3 9D #128
          02 R AN 1/50 #127
        # Service tax and facility tax amounts.
        seg AMT S 1 01=GT
          01 R ID 1/3 GT #522
          02 R R 1/18 #782
        seg AMT S 1 01=N8
          01 R ID 1/3 N8 #522
          02 R R 1/18 #782
        # Third party organization notes.
        seg NTE S 1
          01 R ID 3/3 TPO #363
          02 R AN 1/80 #352
        # Line pricing/repricing information.
        seg HCP S 1
          01 R ID 2/2 00 01 02 03 04 05 06 07 08 09 10 11 12 13 14 #1473
          02 R R 1/18 #782
          03 S R 1/18 #782
          04 S AN 1/50 #127
          05 S R 1/9 #118
          06 S AN 1/50 #127
          07 S R 1/18 #782
          08 S AN 1/48 #234
          09 S ID 2/2 ER HC HP IV WK #235
          10 S AN 1/48 #234
          11 S ID 2/2 DA UN #355
          12 S R 1/15 #380
          13 S ID 2/2 T1 T2 T3 T4 T5 T6 #901
          14 S ID 1/2 1 2 3 4 5 #1526
          15 S ID 1/2 1 2 3 4 5 6 #1527
          rule R0113
          rule P0910
          rule P1112
        # Drug identification.
        loop 2410 S 1
          seg LIN R 1
            02 R ID 2/2 N4 #235
            03 R AN 1/48 #234
          seg CTP R 1
            04 R R 1/15 #380
            05 R C
              05-1 R ID 2/2 F2 GR ME ML UN #355
          # Prescription or compound drug association number.
          seg REF S 1
            01 R ID 2/3 VY XZ #128
            02 R AN 1/50 #127
        # Line operating physician.
        loop 2420A S 1
          seg NM1 R 1 01=72
            01 R ID 2/3 72 #98
            02 R ID 1/1 1 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 S ID 1/2 XX #66
            09 S AN 2/80 #67
            12 N AN 1/60 #1035
            rule P0809
          seg REF S 20
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
            04 S C
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
        # Line other operating physician.
        loop 2420B S 1
          seg NM1 R 1 01=ZZ
            01 R ID 2/3 ZZ #98
            02 R ID 1/1 1 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 S ID 1/2 XX #66
            09 S AN 2/80 #67
            12 N AN 1/60 #1035
            rule P0809
          seg REF S 20
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
            04 S C
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
        # Line rendering provider.
        loop 2420C S 1
          seg NM1 R 1 01=82
            01 R ID 2/3 82 #98
            02 R ID 1/1 1 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 S ID 1/2 XX #66
            09 S AN 2/80 #67
            12 N AN 1/60 #1035
            rule P0809
          seg REF S 20
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
            04 S C
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
        # Line referring provider.
        loop 2420D S 1
          seg NM1 R 1 01=DN
            01 R ID 2/3 DN #98
            02 R ID 1/1 1 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 S ID 1/2 XX #66
            09 S AN 2/80 #67
            12 N AN 1/60 #1035
            rule P0809
          seg REF S 20
            01 R ID 2/3 0B 1G G2 #128
            02 R AN 1/50 #127
            04 S C
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
        # Line adjudication information (coordination of benefits).
        loop 2430 S 15
          seg SVD R 1
            01 R AN 2/80 #67
            02 R R 1/18 #782
            03 S C
              03-1 R ID 2/2 ER HC HP IV WK #235
              03-2 R AN 1/48 #234
              03-3 S AN 2/2 #1339
              03-4 S AN 2/2 #1339
              03-5 S AN 2/2 #1339
              03-6 S AN 2/2 #1339
              03-7 S AN 1/80 #352
            04 R AN 1/48 #234
            05 R R 1/15 #380
            06 S N0 1/6 #554
          # Line adjustment.
          seg CAS S 5
            01 R ID 1/2 CO CR OA PI PR #1033
            02 R ID 1/5 #1034
            03 R R 1/18 #782
            04 S R 1/15 #380
            05 S ID 1/5 #1034
            06 S R 1/18 #782
            07 S R 1/15 #380
            08 S ID 1/5 #1034
            09 S R 1/18 #782
            10 S R 1/15 #380
            11 S ID 1/5 #1034
            12 S R 1/18 #782
            13 S R 1/15 #380
            14 S ID 1/5 #1034
            15 S R 1/18 #782
            16 S R 1/15 #380
            17 S ID 1/5 #1034
            18 S R 1/18 #782
            19 S R 1/15 #380
            rule L050607
            rule C0605
            rule C0705
            rule L080910
            rule C0908
            rule C1008
            rule L111213
            rule C1211
            rule C1311
            rule L141516
            rule C1514
            rule C1614
            rule L171819
            rule C1817
            rule C1917
          # Line check or remittance date.
          seg DTP R 1 01=573
            01 R ID 3/3 573 #374
            02 R ID 2/3 D8 #1250
            03 R AN 1/35 #1251
          # Remaining patient liability.
          seg AMT S 1 01=EAF
            01 R ID 1/3 EAF #522
            02 R R 1/18 #782
    # Patient hierarchical level, when the patient is not the subscriber.
    loop 2000C S >1
      seg HL R 1 03=23
        01 R AN 1/12 #628
        02 R AN 1/12 #734
        03 R ID 1/2 23 #735
        04 R ID 1/1 0 #736
      seg PAT R 1
        01 R ID 2/2 01 19 20 21 39 40 53 G8 #1069
      # Patient.
      loop 2010CA R 1
        seg NM1 R 1 01=QC
          01 R ID 2/3 QC #98
          02 R ID 1/1 1 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          12 N AN 1/60 #1035
        seg N3 R 1
          01 R AN 1/55 #166
          02 S AN 1/55 #166
        seg N4 R 1
          01 R AN 2/30 #19
          02 S ID 2/2 #156
          03 S ID 3/15 #116
          04 S ID 2/3 #26
          07 S ID 1/3 #1715
          rule E0207
          rule C0704
        seg DMG R 1
          01 R ID 2/3 D8 #1250
          02 R AN 1/35 #1251
          03 R ID 1/1 F M U #1068
          rule P0102
        # Property and casualty claim number and patient identifier.
        seg REF S 1 01=Y4
          01 R ID 2/3 Y4 #128
          02 R AN 1/50 #127
        seg REF S 1 01=1W,SY
          01 R ID 2/3 1W SY #128
          02 R AN 1/50 #127
      loop 2300 R 100 = 2000B/2300
seg SE R 1
  01 R N0 1/10 #96
  02 R AN 4/9 #329
