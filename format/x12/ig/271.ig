set 271 271 005010X279A1
# Health Care Eligibility Benefit Response (005010X279A1).
seg ST R 1
  01 R ID 3/3 271 #143
  02 R AN 4/9 #329
  03 R AN 1/35 #1705
seg BHT R 1
  01 R ID 4/4 0022 #1005
  02 R ID 2/2 06 11 #353
  03 S AN 1/50 #127
  04 R DT 8/8 #373
  05 R TM 4/8 #337
  06 N ID 2/2 #640
loop 2000A R >1
  seg HL R 1 03=20
    01 R AN 1/12 #628
    02 N AN 1/12 #734
    03 R ID 1/2 20 #735
    04 R ID 1/1 0 1 #736
  seg AAA S 9
    01 R ID 1/1 N Y #1073
    03 R ID 2/2 04 41 42 79 #901
    04 R ID 1/1 C N P R S Y #889
  loop 2100A R 1
    seg NM1 R 1 01=2B,36,GP,P5,PR
      01 R ID 2/3 2B 36 GP P5 PR #98
      02 R ID 1/1 1 2 #1065
      03 R AN 1/60 #1035
      04 S AN 1/35 #1036
      05 S AN 1/25 #1037
      07 S AN 1/10 #1039
      08 R ID 1/2 24 46 FI NI PI XV XX #66
      09 R AN 2/80 #67
      rule P0809
      rule C1110
      rule C1203
    seg PER S 3
      01 R ID 2/2 IC #366
      02 S AN 1/60 #93
      03 S ID 2/2 ED EM FX TE UR #365
      04 S AN 1/256 #364
      05 S ID 2/2 ED EM EX FX TE UR #365
      06 S AN 1/256 #364
      07 S ID 2/2 ED EM EX FX TE UR #365
      08 S AN 1/256 #364
      rule P0304
      rule P0506
      rule P0708
    seg AAA S 9
      01 R ID 1/1 N Y #1073
      03 R ID 2/2 04 41 42 79 80 T4 #901
      04 R ID 1/1 C N P R S W X Y #889
  loop 2000B S >1
    seg HL R 1 03=21
      01 R AN 1/12 #628
      02 R AN 1/12 #734
      03 R ID 1/2 21 #735
      04 R ID 1/1 0 1 #736
    loop 2100B R 1
      seg NM1 R 1 01=1P,2B,36,80,FA,GP,P5,PR
        01 R ID 2/3 1P 2B 36 80 FA GP P5 PR #98
        02 R ID 1/1 1 2 #1065
        03 S AN 1/60 #1035
        04 S AN 1/35 #1036
        05 S AN 1/25 #1037
        07 S AN 1/10 #1039
        08 R ID 1/2 24 34 FI PI PP SV XV XX #66
        09 R AN 2/80 #67
        rule P0809
        rule C1110
        rule C1203
      seg REF S 9
        01 R ID 2/3 0B 1C 1D 1J 4A CT EL EO HPI JD N5 N7 Q4 SY TJ #128
        02 R AN 1/50 #127
        03 S AN 1/80 #352
        rule R0203
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
        rule C0605
        rule C0704
      seg AAA S 9
        01 R ID 1/1 N Y #1073
        03 R ID 2/2 15 41 43 44 45 46 47 48 50 51 79 97 T4 #901
        04 R ID 1/1 C N R S W X Y #889
      seg PRV S 1
        01 R ID 1/3 AD AT BI CO CV H HH LA OT P1 P2 PC PE R RF SB SK SU #1221
        02 S ID 2/3 PXC #128
        03 S AN 1/50 #127
        rule P0203
    loop 2000C S >1
      seg HL R 1 03=22
        01 R AN 1/12 #628
        02 R AN 1/12 #734
        03 R ID 1/2 22 #735
        04 R ID 1/1 0 1 #736
      seg TRN S 3
        01 R ID 1/2 1 2 #481
        02 R AN 1/50 #127
        03 R AN 10/10 #509
        04 S AN 1/50 #127
      loop 2100C R 1
        seg NM1 R 1 01=IL
          01 R ID 2/3 IL #98
          02 R ID 1/1 1 2 #1065
          03 S AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 S ID 1/2 II MI #66
          09 S AN 2/80 #67
          rule P0809
          rule C1110
          rule C1203
        seg REF S 9
          01 R ID 2/3 18 1L 1W 3H 49 6P CE CT EA EJ F6 GH HJ IF IG N6 NQ Q4 SY Y4 #128
          02 R AN 1/50 #127
          03 S AN 1/80 #352
          rule R0203
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
          rule C0605
          rule C0704
        seg AAA S 9
          01 R ID 1/1 N Y #1073
          03 R ID 2/2 15 35 42 43 45 47 48 49 51 52 56 57 58 60 61 62 63 71 72 73 74 75 76 78 #901
          04 R ID 1/1 C N R S W X Y #889
        seg PRV S 1
          01 R ID 1/3 AD AT BI CO CV H HH LA OT P1 P2 PC PE R RF SK SU #1221
          02 S ID 2/3 PXC #128
          03 S AN 1/50 #127
          rule P0203
        seg DMG S 1
          01 S ID 2/3 D8 #1250
          02 S AN 1/35 #1251
          03 S ID 1/1 F M U #1068
          rule P0102
        seg INS S 1
          01 R ID 1/1 Y #1073
          02 R ID 2/2 18 #1069
          03 S ID 3/3 001 #875
          04 S ID 2/3 25 #1203
          17 S N0 1/9 #1470
        seg HI S 1
          01 R C
            01-1 R ID 1/3 ABK BK #1270
            01-2 R AN 1/30 #1271
          02 S C
            02-1 R ID 1/3 ABF BF #1270
            02-2 R AN 1/30 #1271
          03 S C
            03-1 R ID 1/3 ABF BF #1270
            03-2 R AN 1/30 #1271
          04 S C
            04-1 R ID 1/3 ABF BF #1270
            04-2 R AN 1/30 #1271
          05 S C
            05-1 R ID 1/3 ABF BF #1270
            05-2 R AN 1/30 #1271
          06 S C
            06-1 R ID 1/3 ABF BF #1270
            06-2 R AN 1/30 #1271
          07 S C
            07-1 R ID 1/3 ABF BF #1270
            07-2 R AN 1/30 #1271
          08 S C
            08-1 R ID 1/3 ABF BF #1270
            08-2 R AN 1/30 #1271
        seg DTP S 9
          01 R ID 3/3 096 102 152 291 307 318 340 341 342 343 346 347 356 357 382 435 442 458 472 539 540 636 771 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        seg MPI S 1
          01 R ID 1/1 A C L O P S T #1201
          02 R ID 2/2 AE AO AS AT AU CC DD HD IR LX PE RE RM RR RU #584
          03 R ID 1/1 A B C D E F G H I J K L M N O Q R S U W #1595
          04 S AN 1/80 #352
          05 S ID 2/2 A1 A2 A3 B1 B2 C1 C2 C3 C4 C5 C6 C7 C8 C9 E1 F1 F2 F3 F4 G1 G4 L1 L2 L3 L4 L5 L6 M1 M2 M3 M4 M5 M6 P1 P2 P3 P4 P5 R1 R2 S1 S2 S3 S4 S5 S6 S7 S8 S9 SA SB SC T1 V1 W1 #1596
          06 S ID 2/3 D8 RD8 #1250
          07 S AN 1/35 #1251
          rule P0607
        loop 2110C S >1
          seg EB R 1
            01 R ID 1/2 1 2 3 4 5 6 7 8 A B C CB D E F G H I J K L M MC N O P Q R S T U V W X Y #1390
            02 S ID 3/3 CHD DEP ECH EMP ESP FAM IND SPC SPO #1207
            # EB03: service type codes, an external list; it repeats up to 99 times.
            03 S ID 1/2 x99 #1365
            04 S ID 1/3 12 13 14 15 16 41 42 43 47 AP C1 CO CP D DB EP FF GP HM HN HS IN IP LC LD LI LT MA MB MC MH MI MP OT PE PL PP PR PS QM RP SP TF WC WU #1336
            05 S AN 1/50 #1204
            06 S ID 1/2 13 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 6 7 #615
            07 S R 1/18 #782
            08 S R 1/10 #954
            09 S ID 2/2 8H 99 CA CE D3 DB DY HS LA LE M2 MN P6 QA S7 S8 VS YY #673
            10 S R 1/15 #380
            11 S ID 1/1 N U Y #1073
            12 S ID 1/1 N U W Y #1073
            13 S C
              13-1 R ID 2/2 AD CJ HC ID IV N4 ZZ #235
              13-2 R AN 1/48 #234
              13-3 S AN 2/2 #1339
              13-4 S AN 2/2 #1339
              13-5 S AN 2/2 #1339
              13-6 S AN 2/2 #1339
              13-8 S AN 1/48 #234
            14 S C
              14-1 R N0 1/2 #1328
              14-2 S N0 1/2 #1328
              14-3 S N0 1/2 #1328
              14-4 S N0 1/2 #1328
            rule P0910
          seg HSD S 9
            01 S ID 2/2 DY FL HS MN VS #673
            02 S R 1/15 #380
            03 S ID 2/2 DA MO VS WK YR #355
            04 S R 1/6 #1167
            05 S ID 1/2 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 6 7 #615
            06 S N0 1/3 #616
            07 S ID 1/2 1 2 3 4 5 6 7 8 9 A B C D E F G H J K L M N O P Q R S SG SL SP SX SY SZ T U V W X Y #678
            08 S ID 1/1 A B C D E F G Y #679
            rule P0102
            rule C0605
          seg REF S 9
            01 R ID 2/3 18 1L 1W 49 6P 9F ALS CLI F6 FO G1 IG M7 N6 NQ #128
            02 R AN 1/50 #127
            03 S AN 1/80 #352
            rule R0203
          seg DTP S 20
            01 R ID 3/3 096 193 194 198 290 291 292 295 304 307 318 346 348 349 356 357 435 472 636 771 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
          seg AAA S 9
            01 R ID 1/1 N Y #1073
            03 R ID 2/2 15 33 52 53 54 55 56 57 60 61 62 63 69 70 98 AA AE AF AG AO CI E8 IA MA #901
            04 R ID 1/1 C N R W X Y #889
          seg MSG S 10
            01 R AN 1/264 #933
            rule C0302
          loop 2115C S 10
            seg III R 1
              01 S ID 1/3 GR NI ZZ #1270
              02 S AN 1/30 #1271
              03 S ID 2/2 44 #1136
              04 S AN 1/264 #933
              rule P0102
              rule L030405
          # LS and LE wrap the benefit related entities (loop 2120).
          seg LS S 1
            01 R AN 1/4 #447
          loop 2120C S 23
            seg NM1 R 1 01=13,1I,1P,2B,36,73,FA,GP,GW,I3,IL,LR,OC,P3,P4,P5,PR,PRP,SEP,TTP,VER,VN,VY,X3,Y2
              01 R ID 2/3 13 1I 1P 2B 36 73 FA GP GW I3 IL LR OC P3 P4 P5 PR PRP SEP TTP VER VN VY X3 Y2 #98
              02 R ID 1/1 1 2 #1065
              03 S AN 1/60 #1035
              04 S AN 1/35 #1036
              05 S AN 1/25 #1037
              07 S AN 1/10 #1039
              08 S ID 1/2 24 34 46 FA FI II MI NI PI PP SV XV XX #66
              09 S AN 2/80 #67
              10 S ID 2/2 01 02 27 41 48 65 72 #706
              rule P0809
              rule C1110
              rule C1203
            seg N3 S 1
              01 R AN 1/55 #166
              02 S AN 1/55 #166
            seg N4 S 1
              01 R AN 2/30 #19
              02 S ID 2/2 #156
              03 S ID 3/15 #116
              04 S ID 2/3 #26
              05 S ID 2/2 RJ #309
              06 S AN 1/30 #310
              07 S ID 1/3 #1715
              rule E0207
              rule C0605
              rule C0704
            seg PER S 3
              01 R ID 2/2 IC #366
              02 S AN 1/60 #93
              03 S ID 2/2 ED EM FX TE UR WP #365
              04 S AN 1/256 #364
              05 S ID 2/2 ED EM EX FX TE UR WP #365
              06 S AN 1/256 #364
              07 S ID 2/2 ED EM EX FX TE UR WP #365
              08 S AN 1/256 #364
              rule P0304
              rule P0506
              rule P0708
            seg PRV S 1
              01 R ID 1/3 AD AT BI CO CV H HH LA OT P1 P2 PC PE R RF SB SK SU #1221
              02 S ID 2/3 PXC #128
              03 S AN 1/50 #127
              rule P0203
          seg LE S 1
            01 R AN 1/4 #447
      loop 2000D S >1
        seg HL R 1 03=23
          01 R AN 1/12 #628
          02 R AN 1/12 #734
          03 R ID 1/2 23 #735
          04 R ID 1/1 0 #736
        seg TRN S 3
          01 R ID 1/2 1 2 #481
          02 R AN 1/50 #127
          03 R AN 10/10 #509
          04 S AN 1/50 #127
        loop 2100D R 1
          seg NM1 R 1 01=03
            01 R ID 2/3 03 #98
            02 R ID 1/1 1 #1065
            03 S AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            rule P0809
            rule C1110
            rule C1203
          seg REF S 9
            01 R ID 2/3 18 1L 1W 49 6P CE CT EA EJ F6 GH HJ IF IG MRC N6 NQ Q4 SY Y4 #128
            02 R AN 1/50 #127
            03 S AN 1/80 #352
            rule R0203
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
            rule C0605
            rule C0704
          seg AAA S 9
            01 R ID 1/1 N Y #1073
            03 R ID 2/2 15 35 42 43 45 47 48 49 51 52 56 57 58 60 61 62 63 64 65 66 67 68 71 77 #901
            04 R ID 1/1 C N R S W X Y #889
          seg PRV S 1
            01 R ID 1/3 AD AT BI CO CV H HH LA OT P1 P2 PC PE R RF SK SU #1221
            02 S ID 2/3 PXC #128
            03 S AN 1/50 #127
            rule P0203
          seg DMG S 1
            01 S ID 2/3 D8 #1250
            02 S AN 1/35 #1251
            03 S ID 1/1 F M U #1068
            rule P0102
          seg INS S 1
            01 R ID 1/1 N #1073
            02 R ID 2/2 01 19 20 21 39 40 53 G8 #1069
            03 S ID 3/3 001 #875
            04 S ID 2/3 25 #1203
            17 S N0 1/9 #1470
          seg HI S 1
            01 R C
              01-1 R ID 1/3 ABK BK #1270
              01-2 R AN 1/30 #1271
            02 S C
              02-1 R ID 1/3 ABF BF #1270
              02-2 R AN 1/30 #1271
            03 S C
              03-1 R ID 1/3 ABF BF #1270
              03-2 R AN 1/30 #1271
            04 S C
              04-1 R ID 1/3 ABF BF #1270
              04-2 R AN 1/30 #1271
            05 S C
              05-1 R ID 1/3 ABF BF #1270
              05-2 R AN 1/30 #1271
            06 S C
              06-1 R ID 1/3 ABF BF #1270
              06-2 R AN 1/30 #1271
            07 S C
              07-1 R ID 1/3 ABF BF #1270
              07-2 R AN 1/30 #1271
            08 S C
              08-1 R ID 1/3 ABF BF #1270
              08-2 R AN 1/30 #1271
          seg DTP S 9
            01 R ID 3/3 096 102 152 291 307 318 340 341 342 343 346 347 356 357 382 435 442 458 472 539 540 636 771 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
          seg MPI S 1
            01 R ID 1/1 A C L O P S T #1201
            02 R ID 2/2 AE AO AS AT AU CC DD HD IR LX PE RE RM RR RU #584
            03 R ID 1/1 A B C D E F G H I J K L M N O Q R S U W #1595
            04 S AN 1/80 #352
            05 S ID 2/2 A1 A2 A3 B1 B2 C1 C2 C3 C4 C5 C6 C7 C8 C9 E1 F1 F2 F3 F4 G1 G4 L1 L2 L3 L4 L5 L6 M1 M2 M3 M4 M5 M6 P1 P2 P3 P4 P5 R1 R2 S1 S2 S3 S4 S5 S6 S7 S8 S9 SA SB SC T1 V1 W1 #1596
            06 S ID 2/3 D8 RD8 #1250
            07 S AN 1/35 #1251
            rule P0607
          loop 2110D S >1
            seg EB R 1
              01 R ID 1/2 1 2 3 4 5 6 7 8 A B C CB D E F G H I J K L M MC N O P Q R S T U V W X Y #1390
              02 S ID 3/3 CHD DEP ECH EMP ESP FAM IND SPC SPO #1207
              # EB03: service type codes, an external list; it repeats up to 99 times.
              03 S ID 1/2 x99 #1365
              04 S ID 1/3 12 13 14 15 16 41 42 43 47 AP C1 CO CP D DB EP FF GP HM HN HS IN IP LC LD LI LT MA MB MC MH MI MP OT PE PL PP PR PS QM RP SP TF WC WU #1336
              05 S AN 1/50 #1204
              06 S ID 1/2 13 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 6 7 #615
              07 S R 1/18 #782
              08 S R 1/10 #954
              09 S ID 2/2 8H 99 CA CE D3 DB DY HS LA LE M2 MN P6 QA S7 S8 VS YY #673
              10 S R 1/15 #380
              11 S ID 1/1 N U Y #1073
              12 S ID 1/1 N U W Y #1073
              13 S C
                13-1 R ID 2/2 AD CJ HC ID IV N4 ZZ #235
                13-2 R AN 1/48 #234
                13-3 S AN 2/2 #1339
                13-4 S AN 2/2 #1339
                13-5 S AN 2/2 #1339
                13-6 S AN 2/2 #1339
                13-8 S AN 1/48 #234
              14 S C
                14-1 R N0 1/2 #1328
                14-2 S N0 1/2 #1328
                14-3 S N0 1/2 #1328
                14-4 S N0 1/2 #1328
              rule P0910
            seg HSD S 9
              01 S ID 2/2 DY FL HS MN VS #673
              02 S R 1/15 #380
              03 S ID 2/2 DA MO VS WK YR #355
              04 S R 1/6 #1167
              05 S ID 1/2 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 6 7 #615
              06 S N0 1/3 #616
              07 S ID 1/2 1 2 3 4 5 6 7 8 9 A B C D E F G H J K L M N O P Q R S SG SL SP SX SY SZ T U V W X Y #678
              08 S ID 1/1 A B C D E F G Y #679
              rule P0102
              rule C0605
            seg REF S 9
              01 R ID 2/3 18 1L 1W 49 6P 9F ALS CLI F6 FO G1 IG M7 N6 NQ #128
              02 R AN 1/50 #127
              03 S AN 1/80 #352
              rule R0203
            seg DTP S 20
              01 R ID 3/3 096 193 194 198 290 291 292 295 304 307 318 346 348 349 356 357 435 472 636 771 #374
              02 R ID 2/3 D8 RD8 #1250
              03 R AN 1/35 #1251
            seg AAA S 9
              01 R ID 1/1 N Y #1073
              03 R ID 2/2 15 33 52 53 54 55 56 57 60 61 62 63 69 70 98 AA AE AF AG AO CI E8 IA MA #901
              04 R ID 1/1 C N R W X Y #889
            seg MSG S 10
              01 R AN 1/264 #933
              rule C0302
            loop 2115D S 10
              seg III R 1
                01 S ID 1/3 GR NI ZZ #1270
                02 S AN 1/30 #1271
                03 S ID 2/2 44 #1136
                04 S AN 1/264 #933
                rule P0102
                rule L030405
            # LS and LE wrap the benefit related entities (loop 2120).
            seg LS S 1
              01 R AN 1/4 #447
            loop 2120D S 23
              seg NM1 R 1 01=13,1I,1P,2B,36,73,FA,GP,GW,I3,IL,LR,OC,P3,P4,P5,PR,PRP,SEP,TTP,VER,VN,VY,X3,Y2
                01 R ID 2/3 13 1I 1P 2B 36 73 FA GP GW I3 IL LR OC P3 P4 P5 PR PRP SEP TTP VER VN VY X3 Y2 #98
                02 R ID 1/1 1 2 #1065
                03 S AN 1/60 #1035
                04 S AN 1/35 #1036
                05 S AN 1/25 #1037
                07 S AN 1/10 #1039
                08 S ID 1/2 24 34 46 FA FI II MI NI PI PP SV XV XX #66
                09 S AN 2/80 #67
                10 S ID 2/2 01 02 27 41 48 65 72 #706
                rule P0809
                rule C1110
                rule C1203
              seg N3 S 1
                01 R AN 1/55 #166
                02 S AN 1/55 #166
              seg N4 S 1
                01 R AN 2/30 #19
                02 S ID 2/2 #156
                03 S ID 3/15 #116
                04 S ID 2/3 #26
                05 S ID 2/2 RJ #309
                06 S AN 1/30 #310
                07 S ID 1/3 #1715
                rule E0207
                rule C0605
                rule C0704
              seg PER S 3
                01 R ID 2/2 IC #366
                02 S AN 1/60 #93
                03 S ID 2/2 ED EM FX TE UR WP #365
                04 S AN 1/256 #364
                05 S ID 2/2 ED EM EX FX TE UR WP #365
                06 S AN 1/256 #364
                07 S ID 2/2 ED EM EX FX TE UR WP #365
                08 S AN 1/256 #364
                rule P0304
                rule P0506
                rule P0708
              seg PRV S 1
                01 R ID 1/3 AD AT BI CO CV H HH LA OT P1 P2 PC PE R RF SB SK SU #1221
                02 S ID 2/3 PXC #128
                03 S AN 1/50 #127
                rule P0203
            seg LE S 1
              01 R AN 1/4 #447
seg SE R 1
  01 R N0 1/10 #96
  02 R AN 4/9 #329
