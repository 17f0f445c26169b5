set 835 835 005010X221A1
# Health Care Claim Payment/Advice (005010X221A1).
# Each NM1 lists NM112 as not used, so that a name element the guide does not
# use is reported as a not-used element (IK4 I10), not as one too many.
seg ST R 1
  01 R ID 3/3 835 #143
  02 R AN 4/9 #329
  03 R AN 1/35 #1705
seg BPR R 1
  01 R ID 1/2 C D H I P U X #305
  02 R R 1/18 #782
  03 R ID 1/1 C D #478
  04 R ID 3/3 ACH BOP CHK FWT NON #591
  05 S ID 1/10 CCP CTX #812
  06 S ID 2/2 01 04 #506
  07 S AN 3/12 #507
  08 S ID 1/3 DA #569
  09 S AN 1/35 #508
  10 S AN 10/10 #509
  11 S AN 9/9 #510
  12 S ID 2/2 01 04 #506
  13 S AN 3/12 #507
  14 S ID 1/3 DA SG #569
  15 S AN 1/35 #508
  16 R DT 8/8 #373
  rule P0607
  rule C0809
  rule P1213
  rule C1415
# Reassociation trace number.
seg TRN R 1
  01 R ID 1/2 1 #481
  02 R AN 1/50 #127
  03 R AN 10/10 #509
  04 S AN 1/50 #127
# Foreign currency: CUR02 is an ISO 4217 code.
seg CUR S 1
  01 R ID 2/3 PR #98
  02 R ID 3/3 #100
# Receiver identification.
seg REF S 1 01=EV
  01 R ID 2/3 EV #128
  02 R AN 1/50 #127
# Version identification.
seg REF S 1 01=F2
  01 R ID 2/3 F2 #128
  02 R AN 1/50 #127
# Production date.
seg DTM S 1 01=405
  01 R ID 3/3 405 #374
  02 R DT 8/8 #373
# Payer identification.
loop 1000A R 1
  seg N1 R 1 01=PR
    01 R ID 2/3 PR #98
    02 R AN 1/60 #93
    03 S ID 1/2 XV #66
    04 S AN 2/80 #67
    rule P0304
  seg N3 R 1
    01 R AN 1/55 #166
    02 S AN 1/55 #166
  # N402 state, N404 country and N407 subdivision are external lists.
  seg N4 R 1
    01 R AN 2/30 #19
    02 S ID 2/2 #156
    03 S ID 3/15 #116
    04 S ID 2/3 #26
    07 S ID 1/3 #1715
    rule E0207
    rule C0704
  # Additional payer identification.
  seg REF S 4
    01 R ID 2/3 2U EO HI NF #128
    02 R AN 1/50 #127
  # Business contact.
  seg PER S 1 01=CX
    01 R ID 2/2 CX #366
    02 S AN 1/60 #93
    03 S ID 2/2 EM FX TE #365
    04 S AN 1/256 #364
    05 S ID 2/2 EM EX FX TE #365
    06 S AN 1/256 #364
    07 S ID 2/2 EX #365
    08 S AN 1/256 #364
    rule P0304
    rule P0506
    rule P0708
  # Technical contact.
  seg PER R >1 01=BL
    01 R ID 2/2 BL #366
    02 S AN 1/60 #93
    03 S ID 2/2 EM TE UR #365
    04 S AN 1/256 #364
    05 S ID 2/2 EM EX FX TE UR #365
    06 S AN 1/256 #364
    07 S ID 2/2 EM EX FX UR #365
    08 S AN 1/256 #364
    rule P0304
    rule P0506
    rule P0708
  # Web site.
  seg PER S 1 01=IC
    01 R ID 2/2 IC #366
    03 R ID 2/2 UR #365
    04 R AN 1/256 #364
    rule P0304
# Payee identification.
loop 1000B R 1
  seg N1 R 1 01=PE
    01 R ID 2/3 PE #98
    02 R AN 1/60 #93
    03 R ID 1/2 FI XV XX #66
    04 R AN 2/80 #67
    rule P0304
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
  # Payee additional identification.
  seg REF S >1
    01 R ID 2/3 0B D3 PQ TJ #128
    02 R AN 1/50 #127
  # Remittance delivery method.
  seg RDM S 1
    01 R ID 1/2 BM EM FT OL #756
    02 S AN 1/60 #93
    03 S AN 1/256 #364
# Header number: claims grouped by provider or by bill type.
loop 2000 S >1
  seg LX R 1
    01 R N0 1/6 #554
  # Provider summary information.
  seg TS3 S 1
    01 R AN 1/50 #127
    02 R AN 1/2 #1331
    03 R DT 8/8 #373
    04 R R 1/15 #380
    05 R R 1/18 #782
    13 S R 1/18 #782
    15 S R 1/18 #782
    17 S R 1/18 #782
    18 S R 1/18 #782
    20 S R 1/18 #782
    21 S R 1/18 #782
    22 S R 1/18 #782
    23 S R 1/15 #380
    24 S R 1/18 #782
  # Provider supplemental summary information.
  seg TS2 S 1
    01 S R 1/18 #782
    02 S R 1/18 #782
    03 S R 1/18 #782
    04 S R 1/18 #782
    05 S R 1/18 #782
    06 S R 1/18 #782
    07 S R 1/15 #380
    08 S R 1/18 #782
    09 S R 1/18 #782
    10 S R 1/15 #380
    11 S R 1/15 #380
    12 S R 1/15 #380
    13 S R 1/15 #380
    14 S R 1/15 #380
    15 S R 1/18 #782
    16 S R 1/15 #380
    17 S R 1/18 #782
    18 S R 1/18 #782
    19 S R 1/18 #782
  # Claim payment information.
  loop 2100 R >1
    # CLP08 facility code, CLP09 frequency code and CLP11 DRG are
    # external lists.
    seg CLP R 1
      01 R AN 1/38 #1028
      02 R ID 1/2 1 2 3 4 19 20 21 22 23 25 #1029
      03 R R 1/18 #782
      04 R R 1/18 #782
      05 S R 1/18 #782
      06 R ID 1/2 12 13 14 15 16 17 AM CH DS HM LM MA MB MC OF TV VA WC ZZ #1032
      07 R AN 1/50 #127
      08 S AN 1/2 #1331
      09 S ID 1/1 #1325
      11 S AN 1/4 #1354
      12 S R 1/15 #380
      13 S R 1/10 #954
    # Claim adjustment: reason codes are the external CARC list.
    seg CAS S 99
      01 R ID 1/2 CO OA PI PR #1033
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
    # Patient name.
    seg NM1 R 1 01=QC
      01 R ID 2/3 QC #98
      02 R ID 1/1 1 #1065
      03 S AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      07 S AN 1/10 #1039
      08 S ID 1/2 34 HN II MI MR #66
      09 S AN 2/80 #67
      12 N AN 1/60 #1035
      rule P0809
    # Insured name.
    seg NM1 S 1 01=IL
      01 R ID 2/3 IL #98
      02 R ID 1/1 1 2 #1065
      03 S AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      07 S AN 1/10 #1039
      08 R ID 1/2 FI II MI #66
      09 R AN 2/80 #67
      12 N AN 1/60 #1035
      rule P0809
    # Corrected patient/insured name.
    seg NM1 S 1 01=74
      01 R ID 2/3 74 #98
      02 R ID 1/1 1 2 #1065
      03 S AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      07 S AN 1/10 #1039
      08 S ID 1/2 C #66
      09 S AN 2/80 #67
      12 N AN 1/60 #1035
      rule P0809
    # Service provider name.
    seg NM1 S 1 01=82
      01 R ID 2/3 82 #98
      02 R ID 1/1 1 2 #1065
      03 S AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      07 S AN 1/10 #1039
      08 R ID 1/2 BD BS FI MC PC SL UP XX #66
      09 R AN 2/80 #67
      12 N AN 1/60 #1035
      rule P0809
    # Crossover carrier name.
    seg NM1 S 1 01=TT
      01 R ID 2/3 TT #98
      02 R ID 1/1 2 #1065
      03 R AN 1/60 #1035
      08 R ID 1/2 AD FI NI PI PP XV #66
      09 R AN 2/80 #67
      12 N AN 1/60 #1035
      rule P0809
    # Corrected priority payer name.
    seg NM1 S 1 01=PR
      01 R ID 2/3 PR #98
      02 R ID 1/1 2 #1065
      03 R AN 1/60 #1035
      08 R ID 1/2 AD FI NI PI PP XV #66
      09 R AN 2/80 #67
      12 N AN 1/60 #1035
      rule P0809
    # Other subscriber name.
    seg NM1 S 1 01=GB
      01 R ID 2/3 GB #98
      02 R ID 1/1 1 2 #1065
      03 S AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      07 S AN 1/10 #1039
      08 S ID 1/2 FI II MI #66
      09 S AN 2/80 #67
      12 N AN 1/60 #1035
      rule P0809
    # Inpatient adjudication information; remark codes are external.
    seg MIA S 1
      01 R R 1/15 #380
      02 S R 1/18 #782
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
    # Other claim related identification.
    seg REF S 5 01=1L,1W,28,6P,9A,9C,BB,CE,EA,F8,G1,G3,IG,SY
      01 R ID 2/3 1L 1W 28 6P 9A 9C BB CE EA F8 G1 G3 IG SY #128
      02 R AN 1/50 #127
    # Rendering provider identification.
    seg REF S 10 01=0B,1A,1B,1C,1D,1G,1H,1J,D3,G2,LU
      01 R ID 2/3 0B 1A 1B 1C 1D 1G 1H 1J D3 G2 LU #128
      02 R AN 1/50 #127
    # Statement from or to date.
    seg DTM S 2 01=232,233
      01 R ID 3/3 232 233 #374
      02 R DT 8/8 #373
    # Coverage expiration date.
    seg DTM S 1 01=036
      01 R ID 3/3 036 #374
      02 R DT 8/8 #373
    # Claim received date.
    seg DTM S 1 01=050
      01 R ID 3/3 050 #374
      02 R DT 8/8 #373
    # Claim contact information.
    seg PER S 2
      01 R ID 2/2 CX #366
      02 S AN 1/60 #93
      03 R ID 2/2 EM FX TE #365
      04 R AN 1/256 #364
      05 S ID 2/2 EM EX FX TE #365
      06 S AN 1/256 #364
      07 S ID 2/2 EX #365
      08 S AN 1/256 #364
      rule P0304
      rule P0506
      rule P0708
    # Claim supplemental information.
    seg AMT S 13
      01 R ID 1/3 AU D8 DY F5 I NL T T2 ZK ZL ZM ZN ZO #522
      02 R R 1/18 #782
    # Claim supplemental information quantity.
    seg QTY S 14
      01 R ID 2/2 CA CD LA LE NE NR OU PS VS ZK ZL ZM ZN ZO #673
      02 R R 1/15 #380
    # Service payment information.
    loop 2110 S 999
      seg SVC R 1
        01 R C
          01-1 R ID 2/2 AD ER HC HP IV N4 N6 NU UI WK #235
          01-2 R AN 1/48 #234
          01-3 S AN 2/2 #1339
          01-4 S AN 2/2 #1339
          01-5 S AN 2/2 #1339
          01-6 S AN 2/2 #1339
          01-7 N AN 1/80 #352
        02 R R 1/18 #782
        03 R R 1/18 #782
        04 S AN 1/48 #234
        05 S R 1/15 #380
        06 S C
          06-1 R ID 2/2 AD ER HC HP IV N4 NU WK #235
          06-2 R AN 1/48 #234
          06-3 S AN 2/2 #1339
          06-4 S AN 2/2 #1339
          06-5 S AN 2/2 #1339
          06-6 S AN 2/2 #1339
          06-7 S AN 1/80 #352
        07 S R 1/15 #380
      # Service date, or start and end dates.
      seg DTM S 2 01=150,151,472
        01 R ID 3/3 150 151 472 #374
        02 R DT 8/8 #373
      # Service adjustment.
      seg CAS S 99
        01 R ID 1/2 CO OA PI PR #1033
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
      # Service identification.
      seg REF S 8 01=1S,APC,BB,E9,G1,G3,LU,RB
        01 R ID 2/3 1S APC BB E9 G1 G3 LU RB #128
        02 R AN 1/50 #127
      # Line item control number.
      seg REF S 1 01=6R
        01 R ID 2/3 6R #128
        02 R AN 1/50 #127
      # Rendering provider information.
      seg REF S 10 01=0B,1A,1B,1C,1D,1G,1H,1J,D3,G2,HPI,SY,TJ
        01 R ID 2/3 0B 1A 1B 1C 1D 1G 1H 1J D3 G2 HPI SY TJ #128
        02 R AN 1/50 #127
      # Healthcare policy identification.
      seg REF S 5 01=0K
        01 R ID 2/3 0K #128
        02 R AN 1/50 #127
      # Service supplemental amount.
      seg AMT S 9
        01 R ID 1/3 B6 KH T T2 ZK ZL ZM ZN ZO #522
        02 R R 1/18 #782
      # Service supplemental quantity.
      seg QTY S 6
        01 R ID 2/2 ZK ZL ZM ZN ZO #673
        02 R R 1/15 #380
      # Health care remark codes: LQ02 is the external RARC or NCPDP list.
      seg LQ S 99
        01 R ID 1/3 HE RX #1270
        02 R AN 1/30 #1271
# Provider adjustment.
seg PLB S >1
  01 R AN 1/50 #127
  02 R DT 8/8 #373
  03 R C
    03-1 R ID 2/2 50 51 72 90 AH AM AP B2 B3 BD BN C5 CR CS CT CV CW DM E3 FB FC GO HM IP IR IS J1 L3 L6 LE LS OA OB PI PL RA RE SL TL WO WU #426
    03-2 S AN 1/50 #127
  04 R R 1/18 #782
  05 S C
    05-1 R ID 2/2 50 51 72 90 AH AM AP B2 B3 BD BN C5 CR CS CT CV CW DM E3 FB FC GO HM IP IR IS J1 L3 L6 LE LS OA OB PI PL RA RE SL TL WO WU #426
    05-2 S AN 1/50 #127
  06 S R 1/18 #782
  07 S C
    07-1 R ID 2/2 50 51 72 90 AH AM AP B2 B3 BD BN C5 CR CS CT CV CW DM E3 FB FC GO HM IP IR IS J1 L3 L6 LE LS OA OB PI PL RA RE SL TL WO WU #426
    07-2 S AN 1/50 #127
  08 S R 1/18 #782
  09 S C
    09-1 R ID 2/2 50 51 72 90 AH AM AP B2 B3 BD BN C5 CR CS CT CV CW DM E3 FB FC GO HM IP IR IS J1 L3 L6 LE LS OA OB PI PL RA RE SL TL WO WU #426
    09-2 S AN 1/50 #127
  10 S R 1/18 #782
  11 S C
    11-1 R ID 2/2 50 51 72 90 AH AM AP B2 B3 BD BN C5 CR CS CT CV CW DM E3 FB FC GO HM IP IR IS J1 L3 L6 LE LS OA OB PI PL RA RE SL TL WO WU #426
    11-2 S AN 1/50 #127
  12 S R 1/18 #782
  13 S C
    13-1 R ID 2/2 50 51 72 90 AH AM AP B2 B3 BD BN C5 CR CS CT CV CW DM E3 FB FC GO HM IP IR IS J1 L3 L6 LE LS OA OB PI PL RA RE SL TL WO WU #426
    13-2 S AN 1/50 #127
  14 S R 1/18 #782
  rule P0506
  rule P0708
  rule P0910
  rule P1112
  rule P1314
seg SE R 1
  01 R N0 1/10 #96
  02 R AN 4/9 #329
