set 278 278 005010X217
# Health Care Services Review: Request for Review and Response (005010X217).
# One table serves both guides (BHT02 13 request, 11 response): it holds the
# union of their positions, and a position that only one of them requires
# is situational. Response-only positions: AAA, HCR, the certification
# dates. The guides let the name loops under a patient event (2010EA, EB,
# EC) and under a service (2010F, or FA and FB) come in any order, and they
# number them differently in a request and a response; each group is one
# loop here, named after its provider loop, holding the union of their
# segments. Where the two guides' maximums differ the larger one is kept;
# where it is not known, >1.
seg ST R 1
  01 R ID 3/3 278 #143
  02 R AN 4/9 #329
  03 R AN 1/35 #1705
seg BHT R 1
  01 R ID 4/4 0007 #1005
  02 R ID 2/2 01 11 13 36 #353
  03 R AN 1/50 #127
  04 R DT 8/8 #373
  05 R TM 4/8 #337
  06 S ID 2/2 #640
# Utilization management organization (UMO).
loop 2000A R 1
  seg HL R 1 03=20
    01 R AN 1/12 #628
    03 R ID 1/2 20 #735
    04 R ID 1/1 0 1 #736
  # Request validation (responses).
  seg AAA S 9
    01 R ID 1/1 N Y #1073
    03 R ID 2/2 #901
    04 R ID 1/1 C N P R S W X Y #889
  loop 2010A R 1
    seg NM1 R 1 01=2B,36,FA,PR,X3
      01 R ID 2/3 2B 36 FA PR X3 #98
      02 R ID 1/1 1 2 #1065
      03 S AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      06 S AN 1/10 #1038
      07 S AN 1/10 #1039
      08 R ID 1/2 24 34 46 PI XV XX #66
      09 R AN 2/80 #67
      rule P0809
    seg PER S 3
      01 R ID 2/2 IC #366
      02 S AN 1/60 #93
      03 S ID 2/2 EM EX FX TE UR #365
      04 S AN 1/256 #364
      05 S ID 2/2 EM EX FX TE UR #365
      06 S AN 1/256 #364
      07 S ID 2/2 EM EX FX TE UR #365
      08 S AN 1/256 #364
      rule P0304
      rule P0506
      rule P0708
    # Request validation (responses).
    seg AAA S 9
      01 R ID 1/1 N Y #1073
      03 R ID 2/2 #901
      04 R ID 1/1 C N P R S W X Y #889
  # Requester.
  loop 2000B R 1
    seg HL R 1 03=21
      01 R AN 1/12 #628
      02 R AN 1/12 #734
      03 R ID 1/2 21 #735
      04 R ID 1/1 0 1 #736
    loop 2010B R >1
      seg NM1 R 1 01=1P,2B,36,80,FA,PR,X3
        01 R ID 2/3 1P 2B 36 80 FA PR X3 #98
        02 R ID 1/1 1 2 #1065
        03 S AN 1/60 #1035
        04 S AN 1/35 #1036
        05 S AN 1/25 #1037
        06 S AN 1/10 #1038
        07 S AN 1/10 #1039
        08 R ID 1/2 24 34 46 PI XV XX #66
        09 R AN 2/80 #67
        rule P0809
      seg REF S >1
        01 R ID 2/3 #128
        02 R AN 1/50 #127
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
        01 R ID 2/2 IC #366
        02 S AN 1/60 #93
        03 S ID 2/2 EM EX FX TE UR #365
        04 S AN 1/256 #364
        05 S ID 2/2 EM EX FX TE UR #365
        06 S AN 1/256 #364
        07 S ID 2/2 EM EX FX TE UR #365
        08 S AN 1/256 #364
        rule P0304
        rule P0506
        rule P0708
      # Request validation (responses).
      seg AAA S 9
        01 R ID 1/1 N Y #1073
        03 R ID 2/2 #901
        04 R ID 1/1 C N P R S W X Y #889
      seg PRV S 1
        01 R ID 1/3 #1221
        02 S ID 2/3 PXC #128
        03 S AN 1/50 #127
        rule P0203
    # Subscriber. A patient event follows the level of its patient: the
    # subscriber's, or a dependent's (2000D).
    loop 2000C R 1
      seg HL R 1 03=22
        01 R AN 1/12 #628
        02 R AN 1/12 #734
        03 R ID 1/2 22 #735
        04 R ID 1/1 0 1 #736
      loop 2010C R 1
        seg NM1 R 1 01=IL
          01 R ID 2/3 IL #98
          02 R ID 1/1 1 #1065
          03 S AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          06 S AN 1/10 #1038
          07 S AN 1/10 #1039
          08 R ID 1/2 MI #66
          09 R AN 2/80 #67
          rule P0809
        seg REF S 9
          01 R ID 2/3 #128
          02 R AN 1/50 #127
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
        # Request validation (responses).
        seg AAA S 9
          01 R ID 1/1 N Y #1073
          03 R ID 2/2 #901
          04 R ID 1/1 C N P R S W X Y #889
        seg DMG S 1
          01 R ID 2/3 D8 #1250
          02 R AN 1/35 #1251
          03 S ID 1/1 F M U #1068
          rule P0102
        seg INS S 1
          01 R ID 1/1 Y #1073
          02 R ID 2/2 #1069
          08 S ID 2/2 #584
          17 S N0 1/9 #1470
      loop 2000E S >1
        seg HL R 1 03=EV
          01 R AN 1/12 #628
          02 R AN 1/12 #734
          03 R ID 1/2 EV #735
          04 R ID 1/1 0 1 #736
        seg TRN S 3
          01 R ID 1/2 1 2 #481
          02 R AN 1/50 #127
          03 R AN 10/10 #509
          04 S AN 1/50 #127
        # Request validation (responses).
        seg AAA S 9
          01 R ID 1/1 N Y #1073
          03 R ID 2/2 #901
          04 R ID 1/1 C N P R S W X Y #889
        seg UM R 1
          01 R ID 1/2 AR HS IN SC #1525
          02 S ID 1/1 #1322
          03 S ID 1/2 #1365
          04 S C
            04-1 R AN 1/2 #1331
            04-2 R ID 1/1 A B #1332
          05 S C
            05-1 R ID 2/3 #1362
            05-2 S ID 2/3 #1362
            05-3 S ID 2/3 #1362
            05-4 S ID 2/2 #156
            05-5 S ID 2/3 #26
          06 S ID 1/3 #1338
          07 S ID 1/1 #1213
          08 S ID 1/1 #923
          09 S ID 1/1 #1363
          10 S ID 1/2 #1514
        # Review outcome (responses).
        seg HCR S 1
          01 R ID 1/2 A1 A2 A3 A4 A6 C CT D NA #306
          02 S AN 1/50 #127
          03 S ID 1/2 #901
          04 S ID 1/1 N Y #1073
        # Previous review authorization number; (previous) administrative
        # reference number.
        seg REF S 1 01=BB
          01 R ID 2/3 BB #128
          02 R AN 1/50 #127
        seg REF S 1 01=NT
          01 R ID 2/3 NT #128
          02 R AN 1/50 #127
        # Accident, last menstrual period, estimated birth, onset, event,
        # admission, discharge; certification issue, expiration and
        # effective dates (responses).
        seg DTP S 1 01=439
          01 R ID 3/3 439 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=484
          01 R ID 3/3 484 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=ABC
          01 R ID 3/3 ABC #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=431
          01 R ID 3/3 431 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=AAH
          01 R ID 3/3 AAH #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=435
          01 R ID 3/3 435 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=096
          01 R ID 3/3 096 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=102
          01 R ID 3/3 102 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=036
          01 R ID 3/3 036 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg DTP S 1 01=007
          01 R ID 3/3 007 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg HI S 1
          01 R C
            01-1 R ID 1/3 #1270
            01-2 R AN 1/30 #1271
            01-3 S ID 2/3 #1250
            01-4 S AN 1/35 #1251
            01-5 S R 1/18 #782
            01-6 S R 1/15 #380
            01-7 S AN 1/30 #799
            01-8 S AN 1/80 #352
            01-9 S ID 1/1 #1073
          02 S C
            02-1 R ID 1/3 #1270
            02-2 R AN 1/30 #1271
            02-3 S ID 2/3 #1250
            02-4 S AN 1/35 #1251
            02-5 S R 1/18 #782
            02-6 S R 1/15 #380
            02-7 S AN 1/30 #799
            02-8 S AN 1/80 #352
            02-9 S ID 1/1 #1073
          03 S C
            03-1 R ID 1/3 #1270
            03-2 R AN 1/30 #1271
            03-3 S ID 2/3 #1250
            03-4 S AN 1/35 #1251
            03-5 S R 1/18 #782
            03-6 S R 1/15 #380
            03-7 S AN 1/30 #799
            03-8 S AN 1/80 #352
            03-9 S ID 1/1 #1073
          04 S C
            04-1 R ID 1/3 #1270
            04-2 R AN 1/30 #1271
            04-3 S ID 2/3 #1250
            04-4 S AN 1/35 #1251
            04-5 S R 1/18 #782
            04-6 S R 1/15 #380
            04-7 S AN 1/30 #799
            04-8 S AN 1/80 #352
            04-9 S ID 1/1 #1073
          05 S C
            05-1 R ID 1/3 #1270
            05-2 R AN 1/30 #1271
            05-3 S ID 2/3 #1250
            05-4 S AN 1/35 #1251
            05-5 S R 1/18 #782
            05-6 S R 1/15 #380
            05-7 S AN 1/30 #799
            05-8 S AN 1/80 #352
            05-9 S ID 1/1 #1073
          06 S C
            06-1 R ID 1/3 #1270
            06-2 R AN 1/30 #1271
            06-3 S ID 2/3 #1250
            06-4 S AN 1/35 #1251
            06-5 S R 1/18 #782
            06-6 S R 1/15 #380
            06-7 S AN 1/30 #799
            06-8 S AN 1/80 #352
            06-9 S ID 1/1 #1073
          07 S C
            07-1 R ID 1/3 #1270
            07-2 R AN 1/30 #1271
            07-3 S ID 2/3 #1250
            07-4 S AN 1/35 #1251
            07-5 S R 1/18 #782
            07-6 S R 1/15 #380
            07-7 S AN 1/30 #799
            07-8 S AN 1/80 #352
            07-9 S ID 1/1 #1073
          08 S C
            08-1 R ID 1/3 #1270
            08-2 R AN 1/30 #1271
            08-3 S ID 2/3 #1250
            08-4 S AN 1/35 #1251
            08-5 S R 1/18 #782
            08-6 S R 1/15 #380
            08-7 S AN 1/30 #799
            08-8 S AN 1/80 #352
            08-9 S ID 1/1 #1073
          09 S C
            09-1 R ID 1/3 #1270
            09-2 R AN 1/30 #1271
            09-3 S ID 2/3 #1250
            09-4 S AN 1/35 #1251
            09-5 S R 1/18 #782
            09-6 S R 1/15 #380
            09-7 S AN 1/30 #799
            09-8 S AN 1/80 #352
            09-9 S ID 1/1 #1073
          10 S C
            10-1 R ID 1/3 #1270
            10-2 R AN 1/30 #1271
            10-3 S ID 2/3 #1250
            10-4 S AN 1/35 #1251
            10-5 S R 1/18 #782
            10-6 S R 1/15 #380
            10-7 S AN 1/30 #799
            10-8 S AN 1/80 #352
            10-9 S ID 1/1 #1073
          11 S C
            11-1 R ID 1/3 #1270
            11-2 R AN 1/30 #1271
            11-3 S ID 2/3 #1250
            11-4 S AN 1/35 #1251
            11-5 S R 1/18 #782
            11-6 S R 1/15 #380
            11-7 S AN 1/30 #799
            11-8 S AN 1/80 #352
            11-9 S ID 1/1 #1073
          12 S C
            12-1 R ID 1/3 #1270
            12-2 R AN 1/30 #1271
            12-3 S ID 2/3 #1250
            12-4 S AN 1/35 #1251
            12-5 S R 1/18 #782
            12-6 S R 1/15 #380
            12-7 S AN 1/30 #799
            12-8 S AN 1/80 #352
            12-9 S ID 1/1 #1073
        seg HSD S 1
          01 S ID 2/2 #673
          02 S R 1/15 #380
          03 S ID 2/2 #355
          04 S R 1/6 #1167
          05 S ID 1/2 #615
          06 S N0 1/3 #616
          07 S ID 1/2 #678
          08 S ID 1/1 #679
          rule P0102
          rule C0605
        # Ambulance, chiropractic, durable medical equipment, oxygen therapy,
        # functional limitations, activities permitted, mental status.
        seg CRC S 1 01=07
          01 R ID 2/2 07 #1136
          02 R ID 1/1 N Y #1073
          03 R ID 2/3 #1321
          04 S ID 2/3 #1321
          05 S ID 2/3 #1321
          06 S ID 2/3 #1321
          07 S ID 2/3 #1321
        seg CRC S 1 01=08
          01 R ID 2/2 08 #1136
          02 R ID 1/1 N Y #1073
          03 R ID 2/3 #1321
          04 S ID 2/3 #1321
          05 S ID 2/3 #1321
          06 S ID 2/3 #1321
          07 S ID 2/3 #1321
        seg CRC S 1 01=09
          01 R ID 2/2 09 #1136
          02 R ID 1/1 N Y #1073
          03 R ID 2/3 #1321
          04 S ID 2/3 #1321
          05 S ID 2/3 #1321
          06 S ID 2/3 #1321
          07 S ID 2/3 #1321
        seg CRC S 1 01=11
          01 R ID 2/2 11 #1136
          02 R ID 1/1 N Y #1073
          03 R ID 2/3 #1321
          04 S ID 2/3 #1321
          05 S ID 2/3 #1321
          06 S ID 2/3 #1321
          07 S ID 2/3 #1321
        seg CRC S 1 01=75
          01 R ID 2/2 75 #1136
          02 R ID 1/1 N Y #1073
          03 R ID 2/3 #1321
          04 S ID 2/3 #1321
          05 S ID 2/3 #1321
          06 S ID 2/3 #1321
          07 S ID 2/3 #1321
        seg CRC S 1 01=76
          01 R ID 2/2 76 #1136
          02 R ID 1/1 N Y #1073
          03 R ID 2/3 #1321
          04 S ID 2/3 #1321
          05 S ID 2/3 #1321
          06 S ID 2/3 #1321
          07 S ID 2/3 #1321
        seg CRC S 1 01=77
          01 R ID 2/2 77 #1136
          02 R ID 1/1 N Y #1073
          03 R ID 2/3 #1321
          04 S ID 2/3 #1321
          05 S ID 2/3 #1321
          06 S ID 2/3 #1321
          07 S ID 2/3 #1321
        seg CL1 S 1
          01 S ID 1/1 #1315
          02 S ID 1/1 #1314
          03 S ID 1/2 #1352
          04 S ID 1/1 #1345
        seg CR1 S 1
          01 S ID 2/2 LB #355
          02 S R 1/10 #81
          03 S ID 1/1 #1316
          04 S ID 1/1 #1317
          05 S ID 2/2 DH #355
          06 S R 1/15 #380
          09 S AN 1/80 #352
          10 S AN 1/80 #352
          rule P0102
          rule P0506
        seg CR2 S 1
          01 S N0 1/9 #609
          02 S R 1/15 #380
          03 S ID 2/3 #1367
          04 S ID 2/3 #1367
          08 S ID 1/1 #1342
          09 S ID 1/1 N Y #1073
          10 S AN 1/80 #352
          11 S AN 1/80 #352
          12 S ID 1/1 N Y #1073
        seg CR5 S 1
          03 S ID 1/1 #1384
          04 S ID 1/1 #1384
          05 S AN 1/80 #352
          06 S R 1/15 #380
          07 S R 1/15 #380
          08 S R 1/15 #380
          09 S AN 1/80 #352
          10 S R 1/15 #380
          11 S R 1/15 #380
          12 S ID 1/1 #1349
          13 S ID 1/2 #1350
          14 S ID 1/2 #1350
          15 S ID 1/2 #1350
          16 S R 1/15 #380
          17 S ID 1/1 #1382
          18 S ID 1/1 #1384
        seg CR6 S 1
          01 S ID 1/1 #923
          02 S DT 8/8 #373
          03 S ID 2/3 #1250
          04 S AN 1/35 #1251
          07 S ID 1/1 N U Y #1073
          08 S ID 1/1 #1322
          09 S DT 8/8 #373
          10 S ID 2/3 #235
          11 S AN 1/48 #234
          12 S DT 8/8 #373
          13 S DT 8/8 #373
          14 S DT 8/8 #373
          15 S ID 2/3 #1250
          16 S AN 1/35 #1251
          17 S ID 1/1 #1384
          rule P0304
          rule P1011
          rule P1516
        seg PWK S 10
          01 R ID 2/2 #755
          02 R ID 1/2 #756
          05 S ID 1/2 AC #66
          06 S AN 2/80 #67
          07 S AN 1/80 #352
          rule P0506
        seg MSG S 1
          01 R AN 1/264 #933
        # Patient event provider (2010EA), transport location (requests 2010EB,
        # responses 2010EC), other UMO (requests 2010EC), additional patient
        # information contact (responses 2010EB).
        loop 2010EA S >1
          seg NM1 R 1
            01 R ID 2/3 #98
            02 R ID 1/1 1 2 #1065
            03 S AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            06 S AN 1/10 #1038
            07 S AN 1/10 #1039
            08 S ID 1/2 #66
            09 S AN 2/80 #67
            rule P0809
          seg REF S >1
            01 R ID 2/3 #128
            02 R AN 1/50 #127
            03 S AN 1/80 #352
            04 S C
              04-1 R ID 2/3 #128
              04-2 R AN 1/50 #127
              04-3 S ID 2/3 #128
              04-4 S AN 1/50 #127
              04-5 S ID 2/3 #128
              04-6 S AN 1/50 #127
            rule R0203
          seg N3 S 1
            01 R AN 1/55 #166
            02 S AN 1/55 #166
          seg N4 S 1
            01 S AN 2/30 #19
            02 S ID 2/2 #156
            03 S ID 3/15 #116
            04 S ID 2/3 #26
            07 S ID 1/3 #1715
            rule E0207
            rule C0704
          seg PER S 1
            01 R ID 2/2 IC #366
            02 S AN 1/60 #93
            03 S ID 2/2 EM EX FX TE UR #365
            04 S AN 1/256 #364
            05 S ID 2/2 EM EX FX TE UR #365
            06 S AN 1/256 #364
            07 S ID 2/2 EM EX FX TE UR #365
            08 S AN 1/256 #364
            rule P0304
            rule P0506
            rule P0708
          # Request validation (responses).
          seg AAA S 9
            01 R ID 1/1 N Y #1073
            03 R ID 2/2 #901
            04 R ID 1/1 C N P R S W X Y #889
          seg PRV S 1
            01 R ID 1/3 #1221
            02 S ID 2/3 PXC #128
            03 S AN 1/50 #127
            rule P0203
          # Other UMO denial date (requests, 2010EC).
          seg DTP S 1
            01 R ID 3/3 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
        loop 2000F S >1
          seg HL R 1 03=SS
            01 R AN 1/12 #628
            02 R AN 1/12 #734
            03 R ID 1/2 SS #735
            04 R ID 1/1 0 1 #736
          seg TRN S 3
            01 R ID 1/2 1 2 #481
            02 R AN 1/50 #127
            03 R AN 10/10 #509
            04 S AN 1/50 #127
          # Request validation (responses).
          seg AAA S 9
            01 R ID 1/1 N Y #1073
            03 R ID 2/2 #901
            04 R ID 1/1 C N P R S W X Y #889
          seg UM S 1
            01 R ID 1/2 AR HS IN SC #1525
            02 S ID 1/1 #1322
            03 S ID 1/2 #1365
            04 S C
              04-1 R AN 1/2 #1331
              04-2 R ID 1/1 A B #1332
            05 S C
              05-1 R ID 2/3 #1362
              05-2 S ID 2/3 #1362
              05-3 S ID 2/3 #1362
              05-4 S ID 2/2 #156
              05-5 S ID 2/3 #26
            06 S ID 1/3 #1338
            07 S ID 1/1 #1213
            08 S ID 1/1 #923
            09 S ID 1/1 #1363
            10 S ID 1/2 #1514
          # Review outcome (responses).
          seg HCR S 1
            01 R ID 1/2 A1 A2 A3 A4 A6 C CT D NA #306
            02 S AN 1/50 #127
            03 S ID 1/2 #901
            04 S ID 1/1 N Y #1073
          # Previous review authorization number; (previous) administrative
          # reference number.
          seg REF S 1 01=BB
            01 R ID 2/3 BB #128
            02 R AN 1/50 #127
          seg REF S 1 01=NT
            01 R ID 2/3 NT #128
            02 R AN 1/50 #127
          # Service date; certification issue, expiration and effective dates.
          seg DTP S 1 01=472
            01 R ID 3/3 472 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
          seg DTP S 1 01=102
            01 R ID 3/3 102 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
          seg DTP S 1 01=036
            01 R ID 3/3 036 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
          seg DTP S 1 01=007
            01 R ID 3/3 007 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
          # Request for additional information (responses).
          seg HI S 1
            01 R C
              01-1 R ID 1/3 #1270
              01-2 R AN 1/30 #1271
              01-3 S ID 2/3 #1250
              01-4 S AN 1/35 #1251
              01-5 S R 1/18 #782
              01-6 S R 1/15 #380
              01-7 S AN 1/30 #799
              01-8 S AN 1/80 #352
              01-9 S ID 1/1 #1073
            02 S C
              02-1 R ID 1/3 #1270
              02-2 R AN 1/30 #1271
              02-3 S ID 2/3 #1250
              02-4 S AN 1/35 #1251
              02-5 S R 1/18 #782
              02-6 S R 1/15 #380
              02-7 S AN 1/30 #799
              02-8 S AN 1/80 #352
              02-9 S ID 1/1 #1073
            03 S C
              03-1 R ID 1/3 #1270
              03-2 R AN 1/30 #1271
              03-3 S ID 2/3 #1250
              03-4 S AN 1/35 #1251
              03-5 S R 1/18 #782
              03-6 S R 1/15 #380
              03-7 S AN 1/30 #799
              03-8 S AN 1/80 #352
              03-9 S ID 1/1 #1073
            04 S C
              04-1 R ID 1/3 #1270
              04-2 R AN 1/30 #1271
              04-3 S ID 2/3 #1250
              04-4 S AN 1/35 #1251
              04-5 S R 1/18 #782
              04-6 S R 1/15 #380
              04-7 S AN 1/30 #799
              04-8 S AN 1/80 #352
              04-9 S ID 1/1 #1073
            05 S C
              05-1 R ID 1/3 #1270
              05-2 R AN 1/30 #1271
              05-3 S ID 2/3 #1250
              05-4 S AN 1/35 #1251
              05-5 S R 1/18 #782
              05-6 S R 1/15 #380
              05-7 S AN 1/30 #799
              05-8 S AN 1/80 #352
              05-9 S ID 1/1 #1073
            06 S C
              06-1 R ID 1/3 #1270
              06-2 R AN 1/30 #1271
              06-3 S ID 2/3 #1250
              06-4 S AN 1/35 #1251
              06-5 S R 1/18 #782
              06-6 S R 1/15 #380
              06-7 S AN 1/30 #799
              06-8 S AN 1/80 #352
              06-9 S ID 1/1 #1073
            07 S C
              07-1 R ID 1/3 #1270
              07-2 R AN 1/30 #1271
              07-3 S ID 2/3 #1250
              07-4 S AN 1/35 #1251
              07-5 S R 1/18 #782
              07-6 S R 1/15 #380
              07-7 S AN 1/30 #799
              07-8 S AN 1/80 #352
              07-9 S ID 1/1 #1073
            08 S C
              08-1 R ID 1/3 #1270
              08-2 R AN 1/30 #1271
              08-3 S ID 2/3 #1250
              08-4 S AN 1/35 #1251
              08-5 S R 1/18 #782
              08-6 S R 1/15 #380
              08-7 S AN 1/30 #799
              08-8 S AN 1/80 #352
              08-9 S ID 1/1 #1073
            09 S C
              09-1 R ID 1/3 #1270
              09-2 R AN 1/30 #1271
              09-3 S ID 2/3 #1250
              09-4 S AN 1/35 #1251
              09-5 S R 1/18 #782
              09-6 S R 1/15 #380
              09-7 S AN 1/30 #799
              09-8 S AN 1/80 #352
              09-9 S ID 1/1 #1073
            10 S C
              10-1 R ID 1/3 #1270
              10-2 R AN 1/30 #1271
              10-3 S ID 2/3 #1250
              10-4 S AN 1/35 #1251
              10-5 S R 1/18 #782
              10-6 S R 1/15 #380
              10-7 S AN 1/30 #799
              10-8 S AN 1/80 #352
              10-9 S ID 1/1 #1073
            11 S C
              11-1 R ID 1/3 #1270
              11-2 R AN 1/30 #1271
              11-3 S ID 2/3 #1250
              11-4 S AN 1/35 #1251
              11-5 S R 1/18 #782
              11-6 S R 1/15 #380
              11-7 S AN 1/30 #799
              11-8 S AN 1/80 #352
              11-9 S ID 1/1 #1073
            12 S C
              12-1 R ID 1/3 #1270
              12-2 R AN 1/30 #1271
              12-3 S ID 2/3 #1250
              12-4 S AN 1/35 #1251
              12-5 S R 1/18 #782
              12-6 S R 1/15 #380
              12-7 S AN 1/30 #799
              12-8 S AN 1/80 #352
              12-9 S ID 1/1 #1073
          seg SV1 S 1
            01 R C
              01-1 R ID 2/2 #235
              01-2 R AN 1/48 #234
              01-3 S AN 2/2 #1339
              01-4 S AN 2/2 #1339
              01-5 S AN 2/2 #1339
              01-6 S AN 2/2 #1339
              01-7 S AN 1/80 #352
              01-8 S AN 1/48 #234
            02 S R 1/18 #782
            03 S ID 2/2 #355
            04 S R 1/15 #380
            07 S C
              07-1 R N0 1/2 #1328
              07-2 S N0 1/2 #1328
              07-3 S N0 1/2 #1328
              07-4 S N0 1/2 #1328
            11 S ID 1/1 N Y #1073
            20 S ID 1/3 #1337
            rule P0304
          seg SV2 S 1
            01 S AN 1/48 #234
            02 S C
              02-1 R ID 2/2 #235
              02-2 R AN 1/48 #234
              02-3 S AN 2/2 #1339
              02-4 S AN 2/2 #1339
              02-5 S AN 2/2 #1339
              02-6 S AN 2/2 #1339
              02-7 S AN 1/80 #352
              02-8 S AN 1/48 #234
            03 S R 1/18 #782
            04 S ID 2/2 #355
            05 S R 1/15 #380
            06 S R 1/10 #1371
            09 S ID 1/1 #1345
            10 S ID 1/3 #1337
            rule R0102
            rule P0405
          seg SV3 S 1
            01 R C
              01-1 R ID 2/2 #235
              01-2 R AN 1/48 #234
              01-3 S AN 2/2 #1339
              01-4 S AN 2/2 #1339
              01-5 S AN 2/2 #1339
              01-6 S AN 2/2 #1339
              01-7 S AN 1/80 #352
              01-8 S AN 1/48 #234
            02 S R 1/18 #782
            04 S C
              04-1 R ID 1/3 #1361
              04-2 S ID 1/3 #1361
              04-3 S ID 1/3 #1361
              04-4 S ID 1/3 #1361
              04-5 S ID 1/3 #1361
            05 S ID 1/1 #1358
            06 S R 1/15 #380
            07 S AN 1/80 #352
          seg TOO S 32
            01 R ID 1/3 JP #1270
            02 R AN 1/30 #1271
            03 S C
              03-1 R ID 1/2 #1369
              03-2 S ID 1/2 #1369
              03-3 S ID 1/2 #1369
              03-4 S ID 1/2 #1369
              03-5 S ID 1/2 #1369
          seg HSD S 1
            01 S ID 2/2 #673
            02 S R 1/15 #380
            03 S ID 2/2 #355
            04 S R 1/6 #1167
            05 S ID 1/2 #615
            06 S N0 1/3 #616
            07 S ID 1/2 #678
            08 S ID 1/1 #679
            rule P0102
            rule C0605
          seg PWK S 10
            01 R ID 2/2 #755
            02 R ID 1/2 #756
            05 S ID 1/2 AC #66
            06 S AN 2/80 #67
            07 S AN 1/80 #352
            rule P0506
          seg MSG S 1
            01 R AN 1/264 #933
          # Service provider (2010F; responses 2010FA) and additional service
          # information contact (responses 2010FB).
          loop 2010F S >1
            seg NM1 R 1
              01 R ID 2/3 #98
              02 R ID 1/1 1 2 #1065
              03 S AN 1/60 #1035
              04 S AN 1/35 #1036
              05 S AN 1/25 #1037
              06 S AN 1/10 #1038
              07 S AN 1/10 #1039
              08 S ID 1/2 #66
              09 S AN 2/80 #67
              rule P0809
            seg REF S >1
              01 R ID 2/3 #128
              02 R AN 1/50 #127
              03 S AN 1/80 #352
              04 S C
                04-1 R ID 2/3 #128
                04-2 R AN 1/50 #127
                04-3 S ID 2/3 #128
                04-4 S AN 1/50 #127
                04-5 S ID 2/3 #128
                04-6 S AN 1/50 #127
              rule R0203
            seg N3 S 1
              01 R AN 1/55 #166
              02 S AN 1/55 #166
            seg N4 S 1
              01 S AN 2/30 #19
              02 S ID 2/2 #156
              03 S ID 3/15 #116
              04 S ID 2/3 #26
              07 S ID 1/3 #1715
              rule E0207
              rule C0704
            seg PER S 1
              01 R ID 2/2 IC #366
              02 S AN 1/60 #93
              03 S ID 2/2 EM EX FX TE UR #365
              04 S AN 1/256 #364
              05 S ID 2/2 EM EX FX TE UR #365
              06 S AN 1/256 #364
              07 S ID 2/2 EM EX FX TE UR #365
              08 S AN 1/256 #364
              rule P0304
              rule P0506
              rule P0708
            # Request validation (responses).
            seg AAA S 9
              01 R ID 1/1 N Y #1073
              03 R ID 2/2 #901
              04 R ID 1/1 C N P R S W X Y #889
            seg PRV S 1
              01 R ID 1/3 #1221
              02 S ID 2/3 PXC #128
              03 S AN 1/50 #127
              rule P0203
            # Other UMO denial date (requests, 2010EC).
            seg DTP S 1
              01 R ID 3/3 #374
              02 R ID 2/3 D8 RD8 #1250
              03 R AN 1/35 #1251
      loop 2000D S 1
        seg HL R 1 03=23
          01 R AN 1/12 #628
          02 R AN 1/12 #734
          03 R ID 1/2 23 #735
          04 R ID 1/1 0 1 #736
        loop 2010D R 1
          seg NM1 R 1 01=QC
            01 R ID 2/3 QC #98
            02 R ID 1/1 1 #1065
            03 S AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            06 S AN 1/10 #1038
            07 S AN 1/10 #1039
            08 S ID 1/2 MI #66
            09 S AN 2/80 #67
            rule P0809
          seg REF S 3
            01 R ID 2/3 #128
            02 R AN 1/50 #127
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
          # Request validation (responses).
          seg AAA S 9
            01 R ID 1/1 N Y #1073
            03 R ID 2/2 #901
            04 R ID 1/1 C N P R S W X Y #889
          seg DMG S 1
            01 R ID 2/3 D8 #1250
            02 R AN 1/35 #1251
            03 S ID 1/1 F M U #1068
            rule P0102
          seg INS S 1
            01 R ID 1/1 N #1073
            02 R ID 2/2 #1069
            08 S ID 2/2 #584
            17 S N0 1/9 #1470
        loop 2000E S >1 = 2000C/2000E
seg SE R 1
  01 R N0 1/10 #96
  02 R AN 4/9 #329
