set 834 834 005010X220A1
# Benefit Enrollment and Maintenance (005010X220A1).
seg ST R 1
  01 R ID 3/3 834 #143
  02 R AN 4/9 #329
  03 R AN 1/35 #1705
seg BGN R 1
  01 R ID 2/2 00 15 22 #353
  02 R AN 1/50 #127
  03 R DT 8/8 #373
  04 R TM 4/8 #337
  # BGN05 is any X12 time zone code.
  05 S ID 2/2 #623
  06 S AN 1/50 #127
  08 R ID 1/2 2 4 RX #306
  rule C0504
# Transaction set policy number.
seg REF S 1 01=38
  01 R ID 2/3 38 #128
  02 R AN 1/50 #127
# File effective date.
seg DTP S >1
  01 R ID 3/3 007 090 091 303 382 388 #374
  02 R ID 2/3 D8 #1250
  03 R AN 1/35 #1251
# Transaction set control totals.
seg QTY S 3
  01 R ID 2/2 DT ET TO #673
  02 R R 1/15 #380
loop 1000A R 1
  seg N1 R 1 01=P5
    01 R ID 2/3 P5 #98
    02 S AN 1/60 #93
    03 R ID 1/2 24 94 FI #66
    04 R AN 2/80 #67
    rule P0304
loop 1000B R 1
  seg N1 R 1 01=IN
    01 R ID 2/3 IN #98
    02 S AN 1/60 #93
    03 R ID 1/2 94 FI XV #66
    04 R AN 2/80 #67
    rule P0304
loop 1000C S 2
  seg N1 R 1 01=BO,TV
    01 R ID 2/3 BO TV #98
    02 R AN 1/60 #93
    03 R ID 1/2 94 FI XV #66
    04 R AN 2/80 #67
    rule P0304
  loop 1100C S 1
    seg ACT R 1
      01 R AN 1/35 #508
      06 S AN 1/35 #508
loop 2000 R >1
  seg INS R 1
    01 R ID 1/1 N Y #1073
    02 R ID 2/2 01 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 23 24 25 26 31 38 53 60 D2 G8 G9 #1069
    03 R ID 3/3 001 021 024 025 030 032 #875
    # INS04 maintenance reason: a long list that the addenda grew, not
    # checked here.
    04 S ID 2/3 #1203
    05 R ID 1/1 A C S T #1216
    06 S C
      06-1 R ID 1/1 A B C D E #1218
      06-2 S ID 1/3 0 1 2 #1701
    07 S ID 1/2 1 2 3 4 5 6 7 8 9 10 ZZ #1219
    08 S ID 2/2 AC AO AU FT L1 PT RT TE #584
    09 S ID 1/1 F N P #1220
    10 S ID 1/1 N Y #1073
    11 S ID 2/3 D8 #1250
    12 S AN 1/35 #1251
    13 S ID 1/1 R U #1165
    17 S N0 1/9 #1470
    rule P1112
  # Subscriber identifier, member policy number, member supplemental
  # identifiers.
  seg REF R 1 01=0F
    01 R ID 2/3 0F #128
    02 R AN 1/50 #127
  seg REF S 1 01=1L
    01 R ID 2/3 1L #128
    02 R AN 1/50 #127
  seg REF S 13 01=17,23,3H,4A,6O,ABB,D3,DX,F6,P5,Q4,QQ,ZZ
    01 R ID 2/3 17 23 3H 4A 6O ABB D3 DX F6 P5 Q4 QQ ZZ #128
    02 R AN 1/50 #127
  # Member level dates.
  seg DTP S 24
    01 R ID 3/3 050 286 296 297 300 301 303 336 337 338 339 340 341 350 351 356 357 383 385 386 393 394 473 474 #374
    02 R ID 2/3 D8 #1250
    03 R AN 1/35 #1251
  # Member name.
  loop 2100A R 1
    seg NM1 R 1 01=74,IL
      01 R ID 2/3 74 IL #98
      02 R ID 1/1 1 #1065
      03 R AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      06 S AN 1/10 #1038
      07 S AN 1/10 #1039
      08 S ID 1/2 34 ZZ #66
      09 S AN 2/80 #67
      rule P0809
    seg PER S 1
      01 R ID 2/2 IP #366
      03 R ID 2/2 AP BN CP EM EX FX HP TE WP #365
      04 R AN 1/256 #364
      05 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
      06 S AN 1/256 #364
      07 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
      08 S AN 1/256 #364
      rule P0304
      rule P0506
      rule P0708
    seg N3 S 1
      01 R AN 1/55 #166
      02 S AN 1/55 #166
    seg N4 S 1
      01 R AN 2/30 #19
      02 S ID 2/2 #156
      03 S ID 3/15 #116
      04 S ID 2/3 #26
      05 S ID 1/2 60 CY #309
      06 S AN 1/30 #310
      07 S ID 1/3 #1715
      rule E0207
      rule C0605
      rule C0704
    seg DMG S 1
      01 R ID 2/3 D8 #1250
      02 R AN 1/35 #1251
      03 R ID 1/1 F M U #1068
      04 S ID 1/1 B D I M R S U W X #1067
      05 S C x10
        05-1 S ID 1/2 7 8 A B C D E F G H I J N O P Z #1109
        05-2 S ID 1/3 RET #1270
        05-3 S AN 1/30 #1271
      06 S ID 1/2 1 2 3 4 5 6 7 #1066
      10 S ID 1/3 REC #1270
      11 S AN 1/15 #1271
      rule P0102
      rule P1011
      rule C1105
    seg EC S >1
      01 R ID 2/2 01 02 03 04 05 06 07 08 09 10 11 12 17 18 19 20 21 22 23 #1176
      02 S ID 2/2 01 02 03 04 05 06 07 08 09 10 11 12 17 18 19 20 21 22 23 #1176
      03 S ID 2/2 01 02 03 04 05 06 07 08 09 10 11 12 17 18 19 20 21 22 23 #1176
    seg ICM S 1
      01 R ID 1/1 1 2 3 4 6 7 8 9 B C H Q S U #594
      02 R R 1/18 #782
      03 S R 1/15 #380
      04 S AN 1/30 #310
      05 S AN 1/5 #1214
    seg AMT S 7
      01 R ID 1/3 B9 C1 D2 EBA FK P3 R #522
      02 R R 1/18 #782
    seg HLH S 1
      01 R ID 1/1 N S T U X #1212
      02 S R 1/8 #65
      03 S R 1/10 #81
    seg LUI S >1
      01 S ID 1/2 LD LE #66
      02 S AN 1/80 #67
      03 S AN 1/80 #352
      04 S ID 1/1 5 6 7 8 #1303
      rule P0102
      rule L040203
  # Incorrect member name.
  loop 2100B S 1
    seg NM1 R 1 01=70
      01 R ID 2/3 70 #98
      02 R ID 1/1 1 #1065
      03 R AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      06 S AN 1/10 #1038
      07 S AN 1/10 #1039
      08 S ID 1/2 34 ZZ #66
      09 S AN 2/80 #67
      rule P0809
    seg DMG S 1
      01 S ID 2/3 D8 #1250
      02 S AN 1/35 #1251
      03 S ID 1/1 F M U #1068
      04 S ID 1/1 B D I M R S U W X #1067
      05 S C x10
        05-1 S ID 1/2 7 8 A B C D E F G H I J N O P Z #1109
        05-2 S ID 1/3 RET #1270
        05-3 S AN 1/30 #1271
      06 S ID 1/2 1 2 3 4 5 6 7 #1066
      10 S ID 1/3 REC #1270
      11 S AN 1/15 #1271
      rule P0102
      rule P1011
      rule C1105
  # Member mailing address.
  loop 2100C S 1
    seg NM1 R 1 01=31
      01 R ID 2/3 31 #98
      02 R ID 1/1 1 #1065
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
  # Member employer.
  loop 2100D S 3
    seg NM1 R 1 01=36
      01 R ID 2/3 36 #98
      02 R ID 1/1 1 2 #1065
      03 S AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      06 S AN 1/10 #1038
      07 S AN 1/10 #1039
      08 S ID 1/2 24 34 #66
      09 S AN 2/80 #67
      rule P0809
    seg PER S 1
      01 R ID 2/2 EP #366
      02 S AN 1/60 #93
      03 R ID 2/2 AP BN CP EM EX FX HP TE WP #365
      04 R AN 1/256 #364
      05 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
      06 S AN 1/256 #364
      07 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
      08 S AN 1/256 #364
      rule P0304
      rule P0506
      rule P0708
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
  # Member school.
  loop 2100E S 3
    seg NM1 R 1 01=M8
      01 R ID 2/3 M8 #98
      02 R ID 1/1 2 #1065
      03 R AN 1/60 #1035
    seg PER S 1
      01 R ID 2/2 SK #366
      02 S AN 1/60 #93
      03 R ID 2/2 AP BN CP EM EX FX HP TE WP #365
      04 R AN 1/256 #364
      05 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
      06 S AN 1/256 #364
      07 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
      08 S AN 1/256 #364
      rule P0304
      rule P0506
      rule P0708
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
  # Custodial parent.
  loop 2100F S 1
    seg NM1 R 1 01=S3
      01 R ID 2/3 S3 #98
      02 R ID 1/1 1 #1065
      03 R AN 1/60 #1035
      04 R AN 1/35 #1036
      05 S AN 1/25 #1037
      06 S AN 1/10 #1038
      07 S AN 1/10 #1039
      08 S ID 1/2 34 ZZ #66
      09 S AN 2/80 #67
      rule P0809
    seg PER S 1
      01 R ID 2/2 PQ #366
      03 R ID 2/2 AP BN CP EM EX FX HP TE WP #365
      04 R AN 1/256 #364
      05 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
      06 S AN 1/256 #364
      07 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
      08 S AN 1/256 #364
      rule P0304
      rule P0506
      rule P0708
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
  # Responsible person.
  loop 2100G S 13
    seg NM1 R 1 01=6Y,9K,E1,EI,EXS,GB,GD,J6,LR,QD,S1,TZ,X4
      01 R ID 2/3 6Y 9K E1 EI EXS GB GD J6 LR QD S1 TZ X4 #98
      02 R ID 1/1 1 #1065
      03 R AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      06 S AN 1/10 #1038
      07 S AN 1/10 #1039
      08 S ID 1/2 34 ZZ #66
      09 S AN 2/80 #67
      rule P0809
    seg PER S 1
      01 R ID 2/2 RP #366
      03 R ID 2/2 AP BN CP EM EX FX HP TE WP #365
      04 R AN 1/256 #364
      05 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
      06 S AN 1/256 #364
      07 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
      08 S AN 1/256 #364
      rule P0304
      rule P0506
      rule P0708
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
  # Drop-off location.
  loop 2100H S 1
    seg NM1 R 1 01=45
      01 R ID 2/3 45 #98
      02 R ID 1/1 1 #1065
      03 S AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      06 S AN 1/10 #1038
      07 S AN 1/10 #1039
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
  # Disability information.
  loop 2200 S >1
    seg DSB R 1
      01 R ID 1/1 1 2 3 4 #1146
      07 S ID 1/3 DX ZZ #235
      08 S AN 1/15 #1137
      rule P0708
    seg DTP S 2
      01 R ID 3/3 360 361 #374
      02 R ID 2/3 D8 #1250
      03 R AN 1/35 #1251
  # Health coverage.
  loop 2300 S 99
    seg HD R 1
      01 R ID 3/3 001 002 021 024 025 026 030 032 #875
      03 R ID 2/3 AG AH AJ AK DCP DEN EPO FAC HE HLT HMO LTC LTD MM MOD PDG POS PPO PRA STD UR VIS #1205
      04 S AN 1/50 #1204
      05 S ID 3/3 CHD DEP E1D E2D E3D E5D E6D E7D E8D E9D ECH EMP ESP FAM IND SPC SPO TWO #1207
      09 S ID 1/1 N Y #1073
    seg DTP R 6
      01 R ID 3/3 300 303 343 348 349 543 695 #374
      02 R ID 2/3 D8 RD8 #1250
      03 R AN 1/35 #1251
    seg AMT S 9
      01 R ID 1/3 B9 C1 D2 EBA FK P3 R #522
      02 R R 1/18 #782
    # Health coverage policy number; prior coverage months (QQ).
    seg REF S 14 01=17,1L,9V,CE,E8,M7,PID,RB,X9,XM,XX1,XX2,ZX,ZZ
      01 R ID 2/3 17 1L 9V CE E8 M7 PID RB X9 XM XX1 XX2 ZX ZZ #128
      02 R AN 1/50 #127
    seg REF S 1 01=QQ
      01 R ID 2/3 QQ #128
      02 R AN 1/50 #127
    seg IDC S 3
      01 R AN 1/50 #1204
      02 R ID 1/1 D H P #1215
      03 S R 1/15 #380
      04 S ID 1/2 1 2 RX #306
    # Provider information.
    loop 2310 S 30
      seg LX R 1
        01 R N0 1/6 #554
      seg NM1 R 1 01=1X,3D,80,FA,OD,P3,QA,QN,Y2
        01 R ID 2/3 1X 3D 80 FA OD P3 QA QN Y2 #98
        02 R ID 1/1 1 2 #1065
        03 S AN 1/60 #1035
        04 S AN 1/35 #1036
        05 S AN 1/25 #1037
        06 S AN 1/10 #1038
        07 S AN 1/10 #1039
        08 S ID 1/2 34 FI SV XX #66
        09 S AN 2/80 #67
        10 R ID 2/2 25 26 72 #706
        rule P0809
      seg N3 S 2
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
      seg PER S 2
        01 R ID 2/2 IC #366
        02 S AN 1/60 #93
        03 R ID 2/2 AP BN CP EM EX FX HP TE WP #365
        04 R AN 1/256 #364
        05 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
        06 S AN 1/256 #364
        07 S ID 2/2 AP BN CP EM EX FX HP TE WP #365
        08 S AN 1/256 #364
        rule P0304
        rule P0506
        rule P0708
      # Provider change reason.
      seg PLA S 1
        01 R ID 1/2 2 #306
        02 R ID 2/3 1P #98
        03 R DT 8/8 #373
        05 R ID 2/3 14 22 46 AA AB AC AD AE AF AG AH AI AJ #1203
    # Coordination of benefits.
    loop 2320 S 5
      seg COB R 1
        01 R ID 1/1 P S T U #1138
        02 S AN 1/50 #127
        03 R ID 1/1 1 5 6 #1143
        # COB04 is a service type code (an external list).
        04 S ID 1/2 x9 #1365
      seg REF S 4
        01 R ID 2/3 60 6P SY ZZ #128
        02 R AN 1/50 #127
      seg DTP S 2
        01 R ID 3/3 344 345 #374
        02 R ID 2/3 D8 #1250
        03 R AN 1/35 #1251
      # Coordination of benefits related entity.
      loop 2330 S 3
        seg NM1 R 1 01=36,GW,IN
          01 R ID 2/3 36 GW IN #98
          02 R ID 1/1 2 #1065
          03 S AN 1/60 #1035
          08 S ID 1/2 FI NI XV #66
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
        seg PER S 1
          01 R ID 2/2 CN #366
          03 R ID 2/2 TE #365
          04 R AN 1/256 #364
          rule P0304
  # Additional reporting categories: LS opens the 2700 loop, LE closes it.
  loop 2700 S >1
    seg LS R 1
      01 R AN 1/4 #447
    loop 2710 S >1
      seg LX R 1
        01 R N0 1/6 #554
      loop 2750 S 1
        seg N1 R 1 01=75
          01 R ID 2/3 75 #98
          02 R AN 1/60 #93
        seg REF S 1
          01 R ID 2/3 00 17 18 19 26 3L 6M 9V 9X GE LU PID XX1 XX2 YY ZZ #128
          02 R AN 1/50 #127
        seg DTP S 1
          01 R ID 3/3 007 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
    seg LE R 1
      01 R AN 1/4 #447
seg SE R 1
  01 R N0 1/10 #96
  02 R AN 4/9 #329
