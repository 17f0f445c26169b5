set 276 276 005010X212
# Health Care Claim Status Request (005010X212).
seg ST R 1
  01 R ID 3/3 276 #143
  02 R AN 4/9 #329
  03 R AN 1/35 #1705
seg BHT R 1
  01 R ID 4/4 0010 #1005
  02 R ID 2/2 13 #353
  03 R AN 1/50 #127
  04 R DT 8/8 #373
  05 R TM 4/8 #337
loop 2000A R >1
  seg HL R 1 03=20
    01 R AN 1/12 #628
    02 N AN 1/12 #734
    03 R ID 1/2 20 #735
    04 R ID 1/1 1 #736
  loop 2100A R 1
    seg NM1 R 1 01=PR
      01 R ID 2/3 PR #98
      02 R ID 1/1 2 #1065
      03 R AN 1/60 #1035
      08 R ID 1/2 PI XV #66
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
      seg NM1 R 1 01=41
        01 R ID 2/3 41 #98
        02 R ID 1/1 1 2 #1065
        03 S AN 1/60 #1035
        04 S AN 1/35 #1036
        05 S AN 1/25 #1037
        08 R ID 1/2 46 #66
        09 R AN 2/80 #67
        rule P0809
        rule C1110
        rule C1203
    loop 2000C R >1
      seg HL R 1 03=19
        01 R AN 1/12 #628
        02 R AN 1/12 #734
        03 R ID 1/2 19 #735
        04 R ID 1/1 1 #736
      loop 2100C R 2
        seg NM1 R 1 01=1P
          01 R ID 2/3 1P #98
          02 R ID 1/1 1 2 #1065
          03 S AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          07 S AN 1/10 #1039
          08 R ID 1/2 FI SV XX #66
          09 R AN 2/80 #67
          rule P0809
          rule C1110
          rule C1203
      loop 2000D R >1
        seg HL R 1 03=22
          01 R AN 1/12 #628
          02 R AN 1/12 #734
          03 R ID 1/2 22 #735
          04 R ID 1/1 0 1 #736
        # Required when the subscriber is the patient.
        seg DMG S 1
          01 R ID 2/3 D8 #1250
          02 R AN 1/35 #1251
          03 S ID 1/1 F M #1068
          rule P0102
        loop 2100D R 1
          seg NM1 R 1 01=IL
            01 R ID 2/3 IL #98
            02 R ID 1/1 1 2 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 R ID 1/2 24 II MI #66
            09 R AN 2/80 #67
            rule P0809
            rule C1110
            rule C1203
        loop 2200D S >1
          seg TRN R 1
            01 R ID 1/2 1 #481
            02 R AN 1/50 #127
          # The claim's identifiers: each REF position is told apart by its qualifier.
          seg REF S 1 01=1K
            01 R ID 2/3 1K #128
            02 R AN 1/50 #127
            rule R0203
          seg REF S 1 01=BLT
            01 R ID 2/3 BLT #128
            02 R AN 1/50 #127
            rule R0203
          seg REF S 1 01=LU
            01 R ID 2/3 LU #128
            02 R AN 1/50 #127
            rule R0203
          seg REF S 1 01=6P
            01 R ID 2/3 6P #128
            02 R AN 1/50 #127
            rule R0203
          seg REF S 1 01=EJ
            01 R ID 2/3 EJ #128
            02 R AN 1/50 #127
            rule R0203
          seg REF S 1 01=XZ
            01 R ID 2/3 XZ #128
            02 R AN 1/50 #127
            rule R0203
          seg REF S 1 01=D9
            01 R ID 2/3 D9 #128
            02 R AN 1/50 #127
            rule R0203
          seg AMT S 1
            01 R ID 1/3 T3 #522
            02 R R 1/18 #782
          seg DTP S 1
            01 R ID 3/3 472 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
          loop 2210D S >1
            seg SVC R 1
              01 R C
                01-1 R ID 2/2 AD ER HC HP IV N4 NU WK #235
                01-2 R AN 1/48 #234
                01-3 S AN 2/2 #1339
                01-4 S AN 2/2 #1339
                01-5 S AN 2/2 #1339
                01-6 S AN 2/2 #1339
              02 R R 1/18 #782
              04 S AN 1/48 #234
              07 S R 1/15 #380
            seg REF S 1
              01 R ID 2/3 FJ #128
              02 R AN 1/50 #127
              rule R0203
            seg DTP R 1
              01 R ID 3/3 472 #374
              02 R ID 2/3 D8 RD8 #1250
              03 R AN 1/35 #1251
        loop 2000E S >1
          # HL04 is not used by the guide at this last level; a 0 is tolerated.
          seg HL R 1 03=23
            01 R AN 1/12 #628
            02 R AN 1/12 #734
            03 R ID 1/2 23 #735
            04 S ID 1/1 0 #736
          seg DMG R 1
            01 R ID 2/3 D8 #1250
            02 R AN 1/35 #1251
            03 S ID 1/1 F M #1068
            rule P0102
          loop 2100E R 1
            seg NM1 R 1 01=QC
              01 R ID 2/3 QC #98
              02 R ID 1/1 1 #1065
              03 R AN 1/60 #1035
              04 S AN 1/35 #1036
              05 S AN 1/25 #1037
              07 S AN 1/10 #1039
              rule P0809
              rule C1110
              rule C1203
          loop 2200E R >1
            seg TRN R 1
              01 R ID 1/2 1 #481
              02 R AN 1/50 #127
            # The claim's identifiers: each REF position is told apart by its qualifier.
            seg REF S 1 01=1K
              01 R ID 2/3 1K #128
              02 R AN 1/50 #127
              rule R0203
            seg REF S 1 01=BLT
              01 R ID 2/3 BLT #128
              02 R AN 1/50 #127
              rule R0203
            seg REF S 1 01=LU
              01 R ID 2/3 LU #128
              02 R AN 1/50 #127
              rule R0203
            seg REF S 1 01=6P
              01 R ID 2/3 6P #128
              02 R AN 1/50 #127
              rule R0203
            seg REF S 1 01=EJ
              01 R ID 2/3 EJ #128
              02 R AN 1/50 #127
              rule R0203
            seg REF S 1 01=XZ
              01 R ID 2/3 XZ #128
              02 R AN 1/50 #127
              rule R0203
            seg REF S 1 01=D9
              01 R ID 2/3 D9 #128
              02 R AN 1/50 #127
              rule R0203
            seg AMT S 1
              01 R ID 1/3 T3 #522
              02 R R 1/18 #782
            seg DTP S 1
              01 R ID 3/3 472 #374
              02 R ID 2/3 D8 RD8 #1250
              03 R AN 1/35 #1251
            loop 2210E S >1
              seg SVC R 1
                01 R C
                  01-1 R ID 2/2 AD ER HC HP IV N4 NU WK #235
                  01-2 R AN 1/48 #234
                  01-3 S AN 2/2 #1339
                  01-4 S AN 2/2 #1339
                  01-5 S AN 2/2 #1339
                  01-6 S AN 2/2 #1339
                02 R R 1/18 #782
                04 S AN 1/48 #234
                07 S R 1/15 #380
              seg REF S 1
                01 R ID 2/3 FJ #128
                02 R AN 1/50 #127
                rule R0203
              seg DTP R 1
                01 R ID 3/3 472 #374
                02 R ID 2/3 D8 RD8 #1250
                03 R AN 1/35 #1251
seg SE R 1
  01 R N0 1/10 #96
  02 R AN 4/9 #329
