set 837D 837 005010X224A2
# Health Care Claim: Dental (005010X224A2).
#
# Leniencies, each where a stricter rule would refuse files in use:
# - Provider NM108/NM109 are situational everywhere the guide lets a
#   provider without an NPI go without them.
# - SV306 (procedure count) and DN206 are situational: senders leave them
#   out.
# - A few positions shared with the professional guide (2010BA property and
#   casualty REF/PER, 2010CA REF 1W/SY, 2320 MOA) are accepted when present.
# - CAS01 keeps CR, which some senders still use.
seg ST R 1
  01 R ID 3/3 837 #143
  02 R AN 4/9 #329
  03 R AN 1/35 005010X224A2 #1705
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
    rule P0809
# Billing provider hierarchical level.
loop 2000A R >1
  seg HL R 1 03=20
    01 R AN 1/12 #628
    03 R ID 1/2 20 #735
    04 R ID 1/1 1 #736
  seg PRV S 1
    01 R ID 1/3 BI #1221
    02 R ID 2/3 PXC #128
    03 R AN 1/50 #127
    rule P0203
  seg CUR S 1
    01 R ID 2/3 85 #98
    02 R ID 3/3 #100
  # Billing provider.
  loop 2010AA R 1
    seg NM1 R 1 01=85
      01 R ID 2/3 85 #98
      02 R ID 1/1 1 2 #1065
      03 R AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      07 S AN 1/10 #1039
      08 S ID 1/2 XX #66
      09 S AN 2/80 #67
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
    seg REF R 1 01=EI,SY
      01 R ID 2/3 EI SY #128
      02 R AN 1/50 #127
    seg REF S 2 01=0B,1G
      01 R ID 2/3 0B 1G #128
      02 R AN 1/50 #127
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
  # Pay-to address.
  loop 2010AB S 1
    seg NM1 R 1 01=87
      01 R ID 2/3 87 #98
      02 R ID 1/1 1 2 #1065
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
      05 S ID 1/3 12 13 14 15 16 41 42 43 47 #1336
      09 S ID 1/2 11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ #1032
    # Patient information when the subscriber is the patient.
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
      seg REF S 1 01=SY
        01 R ID 2/3 SY #128
        02 R AN 1/50 #127
      seg REF S 1 01=Y4
        01 R ID 2/3 Y4 #128
        02 R AN 1/50 #127
      seg PER S 1
        01 R ID 2/2 IC #366
        02 S AN 1/60 #93
        03 R ID 2/2 TE #365
        04 R AN 1/256 #364
        05 S ID 2/2 EX #365
        06 S AN 1/256 #364
        rule P0304
        rule P0506
    # Payer.
    loop 2010BB R 1
      seg NM1 R 1 01=PR
        01 R ID 2/3 PR #98
        02 R ID 1/1 2 #1065
        03 R AN 1/60 #1035
        08 R ID 1/2 PI XV #66
        09 R AN 2/80 #67
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
      seg REF S 2 01=2U,EI,FY,NF
        01 R ID 2/3 2U EI FY NF #128
        02 R AN 1/50 #127
      seg REF S 2 01=G2,LU
        01 R ID 2/3 G2 LU #128
        02 R AN 1/50 #127
    # Claim.
    # Claim.
    loop 2300 S 100
      seg CLM R 1
        01 R AN 1/38 #1028
        02 R R 1/18 #782
        05 R C #C023
          05-1 R AN 1/2 #1331
          05-2 R ID 1/1 B #1332
          05-3 R ID 1/1 #1325
        06 R ID 1/1 N Y #1073
        07 R ID 1/1 A B C #1359
        08 R ID 1/1 N W Y #1073
        09 R ID 1/1 I Y #1363
        10 S ID 1/1 P #1351
        11 S C #C024
          11-1 R ID 2/3 AA EM OA #1362
          11-2 S ID 2/3 AA EM OA #1362
          11-4 S ID 2/2 #156
          11-5 S ID 2/3 #26
        12 S ID 2/3 #1366
        # Predetermination of benefits.
        19 S ID 2/2 PB #1383
        20 S ID 1/2 1 2 3 4 5 6 7 8 9 10 11 15 #1514
      seg DTP S 1 01=439
        01 R ID 3/3 439 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 5 01=452
        01 R ID 3/3 452 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=472
        01 R ID 3/3 472 #374
        02 R ID 2/3 D8 RD8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=050
        01 R ID 3/3 050 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      # Orthodontic total months of treatment.
      seg DN1 S 1
        01 S R 1/15 #380
        02 S R 1/15 #380
        03 S ID 1/1 N Y #1073
        04 S AN 1/80 #352
      # Tooth status: missing or extracted teeth.
      seg DN2 S 35
        01 R AN 1/50 #127
        02 R ID 1/2 E M #1368
        06 S ID 1/3 JP #1270
      # Claim supplemental information (attachments).
      seg PWK S 10
        01 R ID 2/2 #755
        02 R ID 1/2 AA BM EL EM FT FX #756
        05 S ID 1/2 AC #66
        06 S AN 2/80 #67
        rule P0506
      seg CN1 S 1
        01 R ID 2/2 01 02 03 04 05 06 09 #1166
        02 S R 1/18 #782
        03 S R 1/6 #332
        04 S AN 1/50 #127
        05 S AN 1/6 #338
        06 S AN 1/30 #799
      # Patient amount paid.
      seg AMT S 1 01=F5
        01 R ID 1/3 F5 #522
        02 R R 1/18 #782
      seg REF S 1 01=G3
        01 R ID 2/3 G3 #128
        02 R AN 1/50 #127
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
      seg REF S 1 01=D9
        01 R ID 2/3 D9 #128
        02 R AN 1/50 #127
      seg REF S 1 01=EA
        01 R ID 2/3 EA #128
        02 R AN 1/50 #127
      seg K3 S 10
        01 R AN 1/80 #449
      seg NTE S 1
        01 R ID 3/3 ADD CER DCP DGN TPO #363
        02 R AN 1/80 #352
      # Health care diagnosis codes: principal, then other diagnoses.
      seg HI S 1
        01 R C #C022
          01-1 R ID 2/3 ABK BK #1270
          01-2 R AN 1/30 #1271
        02 S C #C022
          02-1 R ID 2/3 ABF BF #1270
          02-2 R AN 1/30 #1271
        03 S C #C022
          03-1 R ID 2/3 ABF BF #1270
          03-2 R AN 1/30 #1271
        04 S C #C022
          04-1 R ID 2/3 ABF BF #1270
          04-2 R AN 1/30 #1271
      # Claim pricing/repricing information.
      seg HCP S 1
        01 R ID 2/2 00 01 02 03 04 05 07 08 09 10 11 12 13 14 #1473
        02 R R 1/18 #782
        03 S R 1/18 #782
        04 S AN 1/50 #127
        05 S R 1/9 #118
        06 S AN 1/50 #127
        07 S R 1/18 #782
        13 S ID 1/2 T1 T2 T3 T4 T5 T6 #901
        14 S ID 1/2 1 2 3 4 5 6 #1526
        15 S ID 1/2 01 02 03 04 05 #1527
      # Referring provider (and primary care provider).
      loop 2310A S 2
        seg NM1 R 1 01=DN,P3
          01 R ID 2/3 DN P3 #98
          02 R ID 1/1 1 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
          rule P0809
        seg PRV S 1
          01 R ID 1/3 RF #1221
          02 R ID 2/3 PXC #128
          03 R AN 1/50 #127
          rule P0203
        seg REF S 3
          01 R ID 2/3 0B 1G G2 #128
          02 R AN 1/50 #127
      # Rendering provider.
      loop 2310B S 1
        seg NM1 R 1 01=82
          01 R ID 2/3 82 #98
          02 R ID 1/1 1 2 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
          rule P0809
        seg PRV S 1
          01 R ID 1/3 PE #1221
          02 R ID 2/3 PXC #128
          03 R AN 1/50 #127
          rule P0203
        seg REF S 4
          01 R ID 2/3 0B 1G G2 LU #128
          02 R AN 1/50 #127
      # Service facility location.
      loop 2310C S 1
        seg NM1 R 1 01=77
          01 R ID 2/3 77 #98
          02 R ID 1/1 2 #1065
          03 S AN 1/60 #1035
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
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
      # Assistant surgeon.
      loop 2310D S 1
        seg NM1 R 1 01=DD
          01 R ID 2/3 DD #98
          02 R ID 1/1 1 2 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
          rule P0809
        seg PRV S 1
          01 R ID 1/3 AS #1221
          02 R ID 2/3 PXC #128
          03 R AN 1/50 #127
          rule P0203
        seg REF S 4
          01 R ID 2/3 0B 1G G2 LU #128
          02 R AN 1/50 #127
      # Other subscriber information.
      loop 2320 S 10
        seg SBR R 1
          01 R ID 1/1 A B C D E F G H P S T U #1138
          02 R ID 2/2 01 18 19 20 21 39 40 53 G8 #1069
          03 S AN 1/50 #127
          04 S AN 1/60 #93
          05 S ID 1/3 12 13 14 15 16 41 42 43 47 #1336
          09 S ID 1/2 11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ #1032
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
        # Payer paid, non-covered and remaining patient liability amounts.
        seg AMT S 1 01=D
          01 R ID 1/3 D #522
          02 R R 1/18 #782
        seg AMT S 1 01=A8
          01 R ID 1/3 A8 #522
          02 R R 1/18 #782
        seg AMT S 1 01=EAF
          01 R ID 1/3 EAF #522
          02 R R 1/18 #782
        seg OI R 1
          03 R ID 1/1 N W Y #1073
          04 S ID 1/1 P #1351
          06 R ID 1/1 I Y #1363
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
        # Other subscriber.
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
          seg REF S 1
            01 R ID 2/3 SY #128
            02 R AN 1/50 #127
        # Other payer.
        loop 2330B R 1
          seg NM1 R 1 01=PR
            01 R ID 2/3 PR #98
            02 R ID 1/1 2 #1065
            03 R AN 1/60 #1035
            08 R ID 1/2 PI XV #66
            09 R AN 2/80 #67
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
          seg DTP S 1
            01 R ID 3/3 573 #374
            02 R ID 2/3 D8 #1250
            03 R AN 1/35 #1251
          seg REF S 2 01=2U,EI,FY,NF
            01 R ID 2/3 2U EI FY NF #128
            02 R AN 1/50 #127
          seg REF S 1 01=G3
            01 R ID 2/3 G3 #128
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
        # Other payer referring provider.
        loop 2330C S 2
          seg NM1 R 1 01=DN,P3
            01 R ID 2/3 DN P3 #98
            02 R ID 1/1 1 #1065
          seg REF R 3
            01 R ID 2/3 0B 1G G2 #128
            02 R AN 1/50 #127
        # Other payer rendering provider.
        loop 2330D S 1
          seg NM1 R 1 01=82
            01 R ID 2/3 82 #98
            02 R ID 1/1 1 2 #1065
          seg REF R 3
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
        # Other payer assistant surgeon.
        loop 2330E S 1
          seg NM1 R 1 01=DD
            01 R ID 2/3 DD #98
            02 R ID 1/1 1 2 #1065
          seg REF R 3
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
        # Other payer service facility location.
        loop 2330F S 1
          seg NM1 R 1 01=77
            01 R ID 2/3 77 #98
            02 R ID 1/1 2 #1065
          seg REF R 3
            01 R ID 2/3 0B G2 LU #128
            02 R AN 1/50 #127
        # Other payer billing provider.
        loop 2330G S 1
          seg NM1 R 1 01=85
            01 R ID 2/3 85 #98
            02 R ID 1/1 1 2 #1065
          seg REF R 2
            01 R ID 2/3 G2 LU #128
            02 R AN 1/50 #127
      # Service line.
      loop 2400 R 50
        seg LX R 1
          01 R N0 1/6 #554
        # Dental service.
        seg SV3 R 1
          01 R C #C003
            01-1 R ID 2/2 AD #235
            01-2 R AN 1/48 #234
            01-3 S AN 2/2 #1339
            01-4 S AN 2/2 #1339
            01-5 S AN 2/2 #1339
            01-6 S AN 2/2 #1339
            01-7 S AN 1/80 #352
          02 R R 1/18 #782
          03 S AN 1/2 #1331
          # Oral cavity designation (areas of the mouth).
          04 S C #C006
            04-1 R ID 1/3 #1361
            04-2 S ID 1/3 #1361
            04-3 S ID 1/3 #1361
            04-4 S ID 1/3 #1361
            04-5 S ID 1/3 #1361
          05 S ID 1/1 I R #1358
          06 S R 1/15 #380
          11 S C #C004
            11-1 R N0 1/2 #1328
            11-2 S N0 1/2 #1328
            11-3 S N0 1/2 #1328
            11-4 S N0 1/2 #1328
        # Tooth information.
        seg TOO S 32
          01 R ID 1/3 JP #1270
          02 R AN 1/30 #1271
          03 S C #C005
            03-1 R ID 1/2 B D F I L M O #1369
            03-2 S ID 1/2 B D F I L M O #1369
            03-3 S ID 1/2 B D F I L M O #1369
            03-4 S ID 1/2 B D F I L M O #1369
            03-5 S ID 1/2 B D F I L M O #1369
        seg DTP S 1 01=472
          01 R ID 3/3 472 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        # Prior placement.
        seg DTP S 2 01=441
          01 R ID 3/3 441 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        # Appliance placement.
        seg DTP S 1 01=452
          01 R ID 3/3 452 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        # Replacement.
        seg DTP S 1 01=446
          01 R ID 3/3 446 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        # Treatment start and completion.
        seg DTP S 1 01=196
          01 R ID 3/3 196 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=198
          01 R ID 3/3 198 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        seg CN1 S 1
          01 R ID 2/2 01 02 03 04 05 06 09 #1166
          02 S R 1/18 #782
          03 S R 1/6 #332
          04 S AN 1/50 #127
          05 S AN 1/6 #338
          06 S AN 1/30 #799
        seg REF S 1 01=G3
          01 R ID 2/3 G3 #128
          02 R AN 1/50 #127
        seg REF S 5 01=G1
          01 R ID 2/3 G1 #128
          02 R AN 1/50 #127
          04 S C #C040
            04-1 R ID 2/3 2U #128
            04-2 R AN 1/50 #127
        seg REF S 5 01=9F
          01 R ID 2/3 9F #128
          02 R AN 1/50 #127
          04 S C #C040
            04-1 R ID 2/3 2U #128
            04-2 R AN 1/50 #127
        seg REF S 1 01=6R
          01 R ID 2/3 6R #128
          02 R AN 1/50 #127
        seg REF S 1 01=9B
          01 R ID 2/3 9B #128
          02 R AN 1/50 #127
        seg REF S 1 01=9D
          01 R ID 2/3 9D #128
          02 R AN 1/50 #127
        # Sales tax amount.
        seg AMT S 1
          01 R ID 1/3 T #522
          02 R R 1/18 #782
        seg K3 S 10
          01 R AN 1/80 #449
        # Third party organization notes.
        seg NTE S 1
          01 R ID 3/3 TPO #363
          02 R AN 1/80 #352
        # Line pricing/repricing information.
        seg HCP S 1
          01 R ID 2/2 00 01 02 03 04 05 07 08 09 10 11 12 13 14 #1473
          02 R R 1/18 #782
          03 S R 1/18 #782
          04 S AN 1/50 #127
          05 S R 1/9 #118
          06 S AN 1/50 #127
          07 S R 1/18 #782
          09 S ID 2/2 AD #235
          10 S AN 1/48 #234
          13 S ID 1/2 T1 T2 T3 T4 T5 T6 #901
          14 S ID 1/2 1 2 3 4 5 6 #1526
          15 S ID 1/2 01 02 03 04 05 #1527
        # Rendering provider.
        loop 2420A S 1
          seg NM1 R 1 01=82
            01 R ID 2/3 82 #98
            02 R ID 1/1 1 2 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 S ID 1/2 XX #66
            09 S AN 2/80 #67
            rule P0809
          seg PRV S 1
            01 R ID 1/3 PE #1221
            02 R ID 2/3 PXC #128
            03 R AN 1/50 #127
            rule P0203
          seg REF S 20
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
            04 S C #C040
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
        # Assistant surgeon.
        loop 2420B S 1
          seg NM1 R 1 01=DD
            01 R ID 2/3 DD #98
            02 R ID 1/1 1 2 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 S ID 1/2 XX #66
            09 S AN 2/80 #67
            rule P0809
          seg PRV S 1
            01 R ID 1/3 AS #1221
            02 R ID 2/3 PXC #128
            03 R AN 1/50 #127
            rule P0203
          seg REF S 20
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
            04 S C #C040
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
        # Service facility location.
        loop 2420C S 1
          seg NM1 R 1 01=77
            01 R ID 2/3 77 #98
            02 R ID 1/1 2 #1065
            03 S AN 1/60 #1035
            08 S ID 1/2 XX #66
            09 S AN 2/80 #67
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
            04 S C #C040
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
        # Line adjudication information.
        loop 2430 S 15
          seg SVD R 1
            01 R AN 2/80 #67
            02 R R 1/18 #782
            03 R C #C003
              03-1 R ID 2/2 AD #235
              03-2 R AN 1/48 #234
              03-3 S AN 2/2 #1339
              03-4 S AN 2/2 #1339
              03-5 S AN 2/2 #1339
              03-6 S AN 2/2 #1339
              03-7 S AN 1/80 #352
            05 R R 1/15 #380
            06 S N0 1/6 #554
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
          seg DTP R 1
            01 R ID 3/3 573 #374
            02 R ID 2/3 D8 #1250
            03 R AN 1/35 #1251
          # Remaining patient liability.
          seg AMT S 1
            01 R ID 1/3 EAF #522
            02 R R 1/18 #782
    # Patient hierarchical level.
    loop 2000C S >1
      seg HL R 1 03=23
        01 R AN 1/12 #628
        02 R AN 1/12 #734
        03 R ID 1/2 23 #735
        04 R ID 1/1 0 #736
      seg PAT R 1
        01 R ID 2/2 01 19 20 21 39 40 53 G8 #1069
        05 S ID 2/3 D8 #1250
        06 S AN 1/35 #1251
        07 S ID 1/2 01 #355
        08 S R 1/10 #81
        09 S ID 1/1 Y #1073
        rule P0506
        rule P0708
      # Patient.
      loop 2010CA R 1
        seg NM1 R 1 01=QC
          01 R ID 2/3 QC #98
          02 R ID 1/1 1 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
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
        seg REF S 1 01=Y4
          01 R ID 2/3 Y4 #128
          02 R AN 1/50 #127
        seg REF S 1 01=1W,SY
          01 R ID 2/3 1W SY #128
          02 R AN 1/50 #127
        seg PER S 1
          01 R ID 2/2 IC #366
          02 S AN 1/60 #93
          03 R ID 2/2 TE #365
          04 R AN 1/256 #364
          05 S ID 2/2 EX #365
          06 S AN 1/256 #364
          rule P0304
          rule P0506
      loop 2300 S 100 = 2000B/2300
seg SE R 1
  01 R N0 1/10 #96
  02 R AN 4/9 #329
