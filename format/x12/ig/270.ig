set 270 270 005010X279A1
# Health Care Eligibility Benefit Inquiry (005010X279A1).
seg ST R 1
  01 R ID 3/3 270 #143
  02 R AN 4/9 #329
  03 R AN 1/35 #1705
seg BHT R 1
  01 R ID 4/4 0022 #1005
  02 R ID 2/2 01 13 #353
  03 S AN 1/50 #127
  04 R DT 8/8 #373
  05 R TM 4/8 #337
  06 S ID 2/2 RT #640
loop 2000A R >1
  seg HL R 1 03=20
    01 R AN 1/12 #628
    02 N AN 1/12 #734
    03 R ID 1/2 20 #735
    04 R ID 1/1 1 #736
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
  loop 2000B R >1
    seg HL R 1 03=21
      01 R AN 1/12 #628
      02 R AN 1/12 #734
      03 R ID 1/2 21 #735
      04 R ID 1/1 1 #736
    loop 2100B R 1
      seg NM1 R 1 01=1P,2B,36,80,FA,GP,P5,PR
        01 R ID 2/3 1P 2B 36 80 FA GP P5 PR #98
        02 R ID 1/1 1 2 #1065
        03 R AN 1/60 #1035
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
      seg PRV S 1
        01 R ID 1/3 AD AT BI CO CV H HH LA OT P1 P2 PC PE R RF SB SK SU #1221
        02 S ID 2/3 PXC #128
        03 S AN 1/50 #127
        rule P0203
    loop 2000C R >1
      seg HL R 1 03=22
        01 R AN 1/12 #628
        02 R AN 1/12 #734
        03 R ID 1/2 22 #735
        04 R ID 1/1 0 1 #736
      seg TRN S 2
        01 R ID 1/2 1 #481
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
          01 R ID 2/3 18 1L 1W 3H 6P CT EA EJ F6 GH HJ IG N6 NQ SY Y4 #128
          02 R AN 1/50 #127
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
        seg PRV S 1
          01 R ID 1/3 AD AT BI CO CV H HH LA OT P1 P2 PC PE R RF SK SU #1221
          02 S ID 2/3 9K D3 EI HPI PXC SY TJ #128
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
          17 R N0 1/9 #1470
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
        seg DTP S 2
          01 R ID 3/3 102 291 #374
          02 R ID 2/3 D8 RD8 #1250
          03 R AN 1/35 #1251
        # Required when no dependent level follows; situational here.
        loop 2110C S 99
          seg EQ R 1
            # EQ01: service type codes, an external list; it repeats up to 99 times.
            01 S ID 1/2 x99 #1365
            02 S C
              02-1 R ID 2/2 AD CJ HC ID IV N4 ZZ #235
              02-2 R AN 1/48 #234
              02-3 S AN 2/2 #1339
              02-4 S AN 2/2 #1339
              02-5 S AN 2/2 #1339
              02-6 S AN 2/2 #1339
            03 S ID 3/3 FAM #1207
            05 S C
              05-1 R N0 1/2 #1328
              05-2 S N0 1/2 #1328
              05-3 S N0 1/2 #1328
              05-4 S N0 1/2 #1328
            rule R0102
          seg AMT S 1 01=R
            01 R ID 1/3 R #522
            02 R R 1/18 #782
          seg AMT S 1 01=PB
            01 R ID 1/3 PB #522
            02 R R 1/18 #782
          seg III S 1
            01 R ID 1/3 ZZ #1270
            02 R AN 1/30 #1271
            rule P0102
          seg REF S 1
            01 R ID 2/3 9F G1 #128
            02 R AN 1/50 #127
            rule R0203
          seg DTP S 1
            01 R ID 3/3 291 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
      loop 2000D S >1
        seg HL R 1 03=23
          01 R AN 1/12 #628
          02 R AN 1/12 #734
          03 R ID 1/2 23 #735
          04 R ID 1/1 0 #736
        seg TRN S 2
          01 R ID 1/2 1 #481
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
            01 R ID 2/3 18 1L 1W 6P CT EA EJ F6 GH HJ IF IG MRC N6 SY Y4 #128
            02 R AN 1/50 #127
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
          seg PRV S 1
            01 R ID 1/3 AD AT BI CO CV H HH LA OT P1 P2 PC PE R RF SK SU #1221
            02 S ID 2/3 9K D3 EI HPI PXC SY TJ #128
            03 S AN 1/50 #127
            rule P0203
          seg DMG S 1
            01 S ID 2/3 D8 #1250
            02 S AN 1/35 #1251
            03 S ID 1/1 F M U #1068
            rule P0102
          seg INS S 1
            01 R ID 1/1 N #1073
            02 R ID 2/2 01 19 34 #1069
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
          seg DTP S 2
            01 R ID 3/3 102 291 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
          loop 2110D R 99
            seg EQ R 1
              # EQ01: service type codes, an external list; it repeats up to 99 times.
              01 S ID 1/2 x99 #1365
              02 S C
                02-1 R ID 2/2 AD CJ HC ID IV N4 ZZ #235
                02-2 R AN 1/48 #234
                02-3 S AN 2/2 #1339
                02-4 S AN 2/2 #1339
                02-5 S AN 2/2 #1339
                02-6 S AN 2/2 #1339
              05 S C
                05-1 R N0 1/2 #1328
                05-2 S N0 1/2 #1328
                05-3 S N0 1/2 #1328
                05-4 S N0 1/2 #1328
              rule R0102
            seg III S 1
              01 R ID 1/3 ZZ #1270
              02 R AN 1/30 #1271
              rule P0102
            seg REF S 1
              01 R ID 2/3 9F G1 #128
              02 R AN 1/50 #127
              rule R0203
            seg DTP S 1
              01 R ID 3/3 291 #374
              02 R ID 2/3 D8 RD8 #1250
              03 R AN 1/35 #1251
seg SE R 1
  01 R N0 1/10 #96
  02 R AN 4/9 #329
