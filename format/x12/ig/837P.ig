set 837P 837 005010X222A1
# Health Care Claim: Professional (005010X222A1).
#
# Leniencies, each where a stricter rule would refuse files in use:
# - Provider NM108/NM109 are situational everywhere the guide lets a
#   provider without an NPI go without them.
# - CAS01 keeps CR, which some senders still use.
seg ST R 1
  01 R ID 3/3 837 #143
  02 R AN 4/9 #329
  03 R AN 1/35 005010X222A1 #1705
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
    seg PAT S 1
      05 S ID 2/3 D8 #1250
      06 S AN 1/35 #1251
      07 S ID 1/2 01 #355
      08 S R 1/10 #81
      09 S ID 1/1 Y #1073
      rule P0506
      rule P0708
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
        12 S ID 2/3 02 03 05 09 #1366
        20 S ID 1/2 1 2 3 4 5 6 7 8 9 10 11 15 #1514
      seg DTP S 1 01=431
        01 R ID 3/3 431 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=454
        01 R ID 3/3 454 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=304
        01 R ID 3/3 304 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=453
        01 R ID 3/3 453 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=439
        01 R ID 3/3 439 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=484
        01 R ID 3/3 484 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=455
        01 R ID 3/3 455 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=471
        01 R ID 3/3 471 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=314,360,361
        01 R ID 3/3 314 360 361 #374
        02 R ID 2/3 D8 RD8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=297
        01 R ID 3/3 297 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=296
        01 R ID 3/3 296 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=435
        01 R ID 3/3 435 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=096
        01 R ID 3/3 096 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 2 01=090,091
        01 R ID 3/3 090 091 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=444
        01 R ID 3/3 444 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      seg DTP S 1 01=050
        01 R ID 3/3 050 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
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
      seg REF S 1 01=4N
        01 R ID 2/3 4N #128
        02 R AN 1/50 #127
      seg REF S 1 01=F5
        01 R ID 2/3 F5 #128
        02 R AN 1/50 #127
      seg REF S 1 01=EW
        01 R ID 2/3 EW #128
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
      seg REF S 1 01=X4
        01 R ID 2/3 X4 #128
        02 R AN 1/50 #127
      seg REF S 1 01=9A
        01 R ID 2/3 9A #128
        02 R AN 1/50 #127
      seg REF S 1 01=9C
        01 R ID 2/3 9C #128
        02 R AN 1/50 #127
      seg REF S 1 01=LX
        01 R ID 2/3 LX #128
        02 R AN 1/50 #127
      seg REF S 1 01=D9
        01 R ID 2/3 D9 #128
        02 R AN 1/50 #127
      seg REF S 1 01=EA
        01 R ID 2/3 EA #128
        02 R AN 1/50 #127
      seg REF S 1 01=P4
        01 R ID 2/3 P4 #128
        02 R AN 1/50 #127
      seg REF S 1 01=1J
        01 R ID 2/3 1J #128
        02 R AN 1/50 #127
      seg K3 S 10
        01 R AN 1/80 #449
      seg NTE S 1
        01 R ID 3/3 ADD CER DCP DGN TPO #363
        02 R AN 1/80 #352
      # Ambulance transport information.
      seg CR1 S 1
        01 S ID 2/2 LB #355
        02 S R 1/10 #81
        04 R ID 1/2 A B C D E #1316
        05 S ID 2/2 DH #355
        06 R R 1/15 #380
        09 S AN 1/80 #352
        10 S AN 1/80 #352
        rule P0102
        rule P0506
      # Spinal manipulation service information.
      seg CR2 S 1
        08 R ID 1/1 A C D E F G M #1342
        10 S AN 1/80 #352
        11 S AN 1/80 #352
      # Ambulance certification.
      seg CRC S 3 01=07
        01 R ID 2/2 07 #1136
        02 R ID 1/1 N Y #1073
        03 R ID 2/3 01 04 05 06 07 08 09 12 #1321
        04 S ID 2/3 01 04 05 06 07 08 09 12 #1321
        05 S ID 2/3 01 04 05 06 07 08 09 12 #1321
        06 S ID 2/3 01 04 05 06 07 08 09 12 #1321
        07 S ID 2/3 01 04 05 06 07 08 09 12 #1321
      # Patient condition information: vision.
      seg CRC S 3 01=E1,E2,E3
        01 R ID 2/2 E1 E2 E3 #1136
        02 R ID 1/1 N Y #1073
        03 R ID 2/3 L1 L2 L3 L4 L5 #1321
        04 S ID 2/3 L1 L2 L3 L4 L5 #1321
        05 S ID 2/3 L1 L2 L3 L4 L5 #1321
        06 S ID 2/3 L1 L2 L3 L4 L5 #1321
        07 S ID 2/3 L1 L2 L3 L4 L5 #1321
      # Homebound indicator.
      seg CRC S 1 01=75
        01 R ID 2/2 75 #1136
        02 R ID 1/1 Y #1073
        03 R ID 2/3 IH #1321
      # EPSDT referral.
      seg CRC S 1 01=ZZ
        01 R ID 2/2 ZZ #1136
        02 R ID 1/1 N Y #1073
        03 R ID 2/3 AV NU S2 ST #1321
        04 S ID 2/3 AV NU S2 ST #1321
        05 S ID 2/3 AV NU S2 ST #1321
      # Health care diagnosis codes: the principal one, then up to eleven others.
      seg HI R 1 01-1=ABK,BK
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
        05 S C #C022
          05-1 R ID 2/3 ABF BF #1270
          05-2 R AN 1/30 #1271
        06 S C #C022
          06-1 R ID 2/3 ABF BF #1270
          06-2 R AN 1/30 #1271
        07 S C #C022
          07-1 R ID 2/3 ABF BF #1270
          07-2 R AN 1/30 #1271
        08 S C #C022
          08-1 R ID 2/3 ABF BF #1270
          08-2 R AN 1/30 #1271
        09 S C #C022
          09-1 R ID 2/3 ABF BF #1270
          09-2 R AN 1/30 #1271
        10 S C #C022
          10-1 R ID 2/3 ABF BF #1270
          10-2 R AN 1/30 #1271
        11 S C #C022
          11-1 R ID 2/3 ABF BF #1270
          11-2 R AN 1/30 #1271
        12 S C #C022
          12-1 R ID 2/3 ABF BF #1270
          12-2 R AN 1/30 #1271
      # Anesthesia related procedures.
      seg HI S 1 01-1=BP,BO
        01 R C #C022
          01-1 R ID 2/3 BP BO #1270
          01-2 R AN 1/30 #1271
        02 S C #C022
          02-1 R ID 2/3 BP BO #1270
          02-2 R AN 1/30 #1271
      # Condition information.
      seg HI S 2 01-1=BG
        01 R C #C022
          01-1 R ID 2/3 BG #1270
          01-2 R AN 1/30 #1271
        02 S C #C022
          02-1 R ID 2/3 BG #1270
          02-2 R AN 1/30 #1271
        03 S C #C022
          03-1 R ID 2/3 BG #1270
          03-2 R AN 1/30 #1271
        04 S C #C022
          04-1 R ID 2/3 BG #1270
          04-2 R AN 1/30 #1271
        05 S C #C022
          05-1 R ID 2/3 BG #1270
          05-2 R AN 1/30 #1271
        06 S C #C022
          06-1 R ID 2/3 BG #1270
          06-2 R AN 1/30 #1271
        07 S C #C022
          07-1 R ID 2/3 BG #1270
          07-2 R AN 1/30 #1271
        08 S C #C022
          08-1 R ID 2/3 BG #1270
          08-2 R AN 1/30 #1271
        09 S C #C022
          09-1 R ID 2/3 BG #1270
          09-2 R AN 1/30 #1271
        10 S C #C022
          10-1 R ID 2/3 BG #1270
          10-2 R AN 1/30 #1271
        11 S C #C022
          11-1 R ID 2/3 BG #1270
          11-2 R AN 1/30 #1271
        12 S C #C022
          12-1 R ID 2/3 BG #1270
          12-2 R AN 1/30 #1271
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
          03 R AN 1/60 #1035
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
        seg PER S 1
          01 R ID 2/2 IC #366
          02 S AN 1/60 #93
          03 R ID 2/2 TE #365
          04 R AN 1/256 #364
          05 S ID 2/2 EX #365
          06 S AN 1/256 #364
          rule P0304
          rule P0506
      # Supervising provider.
      loop 2310D S 1
        seg NM1 R 1 01=DQ
          01 R ID 2/3 DQ #98
          02 R ID 1/1 1 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 S ID 1/2 XX #66
          09 S AN 2/80 #67
          rule P0809
        seg REF S 4
          01 R ID 2/3 0B 1G G2 LU #128
          02 R AN 1/50 #127
      # Ambulance pick-up location.
      loop 2310E S 1
        seg NM1 R 1 01=PW
          01 R ID 2/3 PW #98
          02 R ID 1/1 2 #1065
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
      # Ambulance drop-off location.
      loop 2310F S 1
        seg NM1 R 1 01=45
          01 R ID 2/3 45 #98
          02 R ID 1/1 2 #1065
          03 S AN 1/60 #1035
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
        # Other payer service facility location.
        loop 2330E S 1
          seg NM1 R 1 01=77
            01 R ID 2/3 77 #98
            02 R ID 1/1 2 #1065
          seg REF R 3
            01 R ID 2/3 0B G2 LU #128
            02 R AN 1/50 #127
        # Other payer supervising provider.
        loop 2330F S 1
          seg NM1 R 1 01=DQ
            01 R ID 2/3 DQ #98
            02 R ID 1/1 1 #1065
          seg REF R 3
            01 R ID 2/3 0B 1G G2 LU #128
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
        # Professional service.
        seg SV1 R 1
          01 R C #C003
            01-1 R ID 2/2 ER HC IV WK #235
            01-2 R AN 1/48 #234
            01-3 S AN 2/2 #1339
            01-4 S AN 2/2 #1339
            01-5 S AN 2/2 #1339
            01-6 S AN 2/2 #1339
            01-7 S AN 1/80 #352
          02 R R 1/18 #782
          03 R ID 2/2 MJ UN #355
          04 R R 1/15 #380
          05 S AN 1/2 #1331
          07 R C #C004
            07-1 R N0 1/2 #1328
            07-2 S N0 1/2 #1328
            07-3 S N0 1/2 #1328
            07-4 S N0 1/2 #1328
          09 S ID 1/1 Y #1073
          11 S ID 1/1 Y #1073
          12 S ID 1/1 Y #1073
          15 S ID 1/1 0 #1327
        # Durable medical equipment service.
        seg SV5 S 1
          01 R C #C003
            01-1 R ID 2/2 HC #235
            01-2 R AN 1/48 #234
          02 R ID 2/2 DA #355
          03 R R 1/15 #380
          04 S R 1/18 #782
          05 S R 1/18 #782
          06 R ID 1/1 1 4 6 #594
        # Line supplemental information.
        seg PWK S 10
          01 R ID 2/2 #755
          02 R ID 1/2 AA BM EL EM FT FX #756
          05 S ID 1/2 AC #66
          06 S AN 2/80 #67
          rule P0506
        # Durable medical equipment certificate of medical necessity indicator.
        seg PWK S 1 01=CT
          01 R ID 2/2 CT #755
          02 R ID 1/2 #756
        seg CR1 S 1
          01 S ID 2/2 LB #355
          02 S R 1/10 #81
          04 R ID 1/2 A B C D E #1316
          05 S ID 2/2 DH #355
          06 R R 1/15 #380
          09 S AN 1/80 #352
          10 S AN 1/80 #352
          rule P0102
          rule P0506
        # Durable medical equipment certification.
        seg CR3 S 1
          01 R ID 1/1 I R S #1322
          02 R ID 2/2 MO #355
          03 R R 1/15 #380
        # Ambulance certification.
        seg CRC S 3 01=07
          01 R ID 2/2 07 #1136
          02 R ID 1/1 N Y #1073
          03 R ID 2/3 01 04 05 06 07 08 09 12 #1321
          04 S ID 2/3 01 04 05 06 07 08 09 12 #1321
          05 S ID 2/3 01 04 05 06 07 08 09 12 #1321
          06 S ID 2/3 01 04 05 06 07 08 09 12 #1321
          07 S ID 2/3 01 04 05 06 07 08 09 12 #1321
        # Hospice employee indicator.
        seg CRC S 1 01=70
          01 R ID 2/2 70 #1136
          02 R ID 1/1 N Y #1073
          03 R ID 2/3 65 #1321
        # Condition indicator / durable medical equipment.
        seg CRC S 1 01=09
          01 R ID 2/2 09 #1136
          02 R ID 1/1 N Y #1073
          03 R ID 2/3 38 ZV #1321
          04 S ID 2/3 38 ZV #1321
        # Service date.
        seg DTP R 1 01=472
          01 R ID 3/3 472 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=471
          01 R ID 3/3 471 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=607
          01 R ID 3/3 607 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=463
          01 R ID 3/3 463 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=461
          01 R ID 3/3 461 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=304
          01 R ID 3/3 304 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        seg DTP S 2 01=738,739
          01 R ID 3/3 738 739 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=011
          01 R ID 3/3 011 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=455
          01 R ID 3/3 455 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=454
          01 R ID 3/3 454 #374
          02 R ID 2/3 D8 #1250
          03 R AN 1/35 #1251
        # Ambulance patient count.
        seg QTY S 1 01=PT
          01 R ID 2/2 PT #673
          02 R R 1/15 #380
        # Obstetric anesthesia additional units.
        seg QTY S 1 01=FL
          01 R ID 2/2 FL #673
          02 R R 1/15 #380
        # Test result.
        seg MEA S 5
          01 R ID 2/2 OG TR #737
          02 R ID 1/3 HT R1 R2 R3 R4 #738
          03 R R 1/20 #739
        seg CN1 S 1
          01 R ID 2/2 01 02 03 04 05 06 09 #1166
          02 S R 1/18 #782
          03 S R 1/6 #332
          04 S AN 1/50 #127
          05 S AN 1/6 #338
          06 S AN 1/30 #799
        seg REF S 1 01=9B
          01 R ID 2/3 9B #128
          02 R AN 1/50 #127
        seg REF S 1 01=9D
          01 R ID 2/3 9D #128
          02 R AN 1/50 #127
        seg REF S 5 01=G1
          01 R ID 2/3 G1 #128
          02 R AN 1/50 #127
          04 S C #C040
            04-1 R ID 2/3 2U #128
            04-2 R AN 1/50 #127
        seg REF S 1 01=6R
          01 R ID 2/3 6R #128
          02 R AN 1/50 #127
        seg REF S 1 01=EW
          01 R ID 2/3 EW #128
          02 R AN 1/50 #127
        seg REF S 1 01=X4
          01 R ID 2/3 X4 #128
          02 R AN 1/50 #127
        seg REF S 1 01=F4
          01 R ID 2/3 F4 #128
          02 R AN 1/50 #127
        seg REF S 1 01=BT
          01 R ID 2/3 BT #128
          02 R AN 1/50 #127
        seg REF S 5 01=9F
          01 R ID 2/3 9F #128
          02 R AN 1/50 #127
          04 S C #C040
            04-1 R ID 2/3 2U #128
            04-2 R AN 1/50 #127
        # Sales tax and postage claimed amounts.
        seg AMT S 1 01=T
          01 R ID 1/3 T #522
          02 R R 1/18 #782
        seg AMT S 1 01=F4
          01 R ID 1/3 F4 #522
          02 R R 1/18 #782
        seg K3 S 10
          01 R AN 1/80 #449
        seg NTE S 1 01=ADD,DCP
          01 R ID 3/3 ADD DCP #363
          02 R AN 1/80 #352
        seg NTE S 1 01=TPO
          01 R ID 3/3 TPO #363
          02 R AN 1/80 #352
        # Purchased service information.
        seg PS1 S 1
          01 R AN 1/50 #127
          02 R R 1/18 #782
        # Line pricing/repricing information.
        seg HCP S 1
          01 R ID 2/2 00 01 02 03 04 05 07 08 09 10 11 12 13 14 #1473
          02 R R 1/18 #782
          03 S R 1/18 #782
          04 S AN 1/50 #127
          05 S R 1/9 #118
          06 S AN 1/50 #127
          07 S R 1/18 #782
          09 S ID 2/2 ER HC IV WK #235
          10 S AN 1/48 #234
          11 S ID 2/2 MJ UN #355
          12 S R 1/15 #380
          13 S ID 1/2 T1 T2 T3 T4 T5 T6 #901
          14 S ID 1/2 1 2 3 4 5 6 #1526
          15 S ID 1/2 01 02 03 04 05 #1527
        # Drug identification.
        loop 2410 S 1
          seg LIN R 1
            02 R ID 2/2 EN EO HI N4 ON UK UP #235
            03 R AN 1/48 #234
          seg CTP R 1
            04 R R 1/15 #380
            05 R C #C001
              05-1 R ID 2/2 F2 GR ME ML UN #355
          # Prescription or compound drug association number.
          seg REF S 1
            01 R ID 2/3 VY XZ #128
            02 R AN 1/50 #127
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
        # Purchased service provider.
        loop 2420B S 1
          seg NM1 R 1 01=QB
            01 R ID 2/3 QB #98
            02 R ID 1/1 1 2 #1065
            08 S ID 1/2 XX #66
            09 S AN 2/80 #67
            rule P0809
          seg REF S 20
            01 R ID 2/3 0B 1G G2 #128
            02 R AN 1/50 #127
            04 S C #C040
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
        # Service facility location.
        loop 2420C S 1
          seg NM1 R 1 01=77
            01 R ID 2/3 77 #98
            02 R ID 1/1 2 #1065
            03 R AN 1/60 #1035
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
        # Supervising provider.
        loop 2420D S 1
          seg NM1 R 1 01=DQ
            01 R ID 2/3 DQ #98
            02 R ID 1/1 1 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 S ID 1/2 XX #66
            09 S AN 2/80 #67
            rule P0809
          seg REF S 20
            01 R ID 2/3 0B 1G G2 LU #128
            02 R AN 1/50 #127
            04 S C #C040
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
        # Ordering provider.
        loop 2420E S 1
          seg NM1 R 1 01=DK
            01 R ID 2/3 DK #98
            02 R ID 1/1 1 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 S ID 1/2 XX #66
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
          seg REF S 20
            01 R ID 2/3 0B 1G G2 #128
            02 R AN 1/50 #127
            04 S C #C040
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
          seg PER S 1
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
        # Referring provider.
        loop 2420F S 2
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
          seg REF S 20
            01 R ID 2/3 0B 1G G2 #128
            02 R AN 1/50 #127
            04 S C #C040
              04-1 R ID 2/3 2U #128
              04-2 R AN 1/50 #127
        # Ambulance pick-up location.
        loop 2420G S 1
          seg NM1 R 1 01=PW
            01 R ID 2/3 PW #98
            02 R ID 1/1 2 #1065
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
        # Ambulance drop-off location.
        loop 2420H S 1
          seg NM1 R 1 01=45
            01 R ID 2/3 45 #98
            02 R ID 1/1 2 #1065
            03 S AN 1/60 #1035
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
        # Line adjudication information.
        loop 2430 S 15
          seg SVD R 1
            01 R AN 2/80 #67
            02 R R 1/18 #782
            03 R C #C003
              03-1 R ID 2/2 ER HC HP IV WK #235
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
        # Form identification code.
        loop 2440 S >1
          seg LQ R 1
            01 R ID 1/3 AS UT #1270
            02 R AN 1/30 #1271
          # Supporting documentation.
          seg FRM R 99
            01 R AN 1/20 #350
            02 S ID 1/1 N W Y #1073
            03 S AN 1/50 #127
            04 S DT 8/8 #373
            05 S R 1/6 #332
            rule R02030405
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
