set 277CA 277 005010X214
# Health Care Claim Acknowledgment (005010X214). The entity codes of STC01-3
# are left unchecked (any code of the right length).
seg ST R 1
  01 R ID 3/3 277 #143
  02 R AN 4/9 #329
  03 R AN 1/35 #1705
seg BHT R 1
  01 R ID 4/4 0085 #1005
  02 R ID 2/2 08 #353
  03 R AN 1/50 #127
  04 R DT 8/8 #373
  05 R TM 4/8 #337
  06 R ID 2/2 TH #640
loop 2000A R >1
  seg HL R 1 03=20
    01 R AN 1/12 #628
    02 N AN 1/12 #734
    03 R ID 1/2 20 #735
    04 R ID 1/1 1 #736
  loop 2100A R 1
    seg NM1 R 1 01=PR,AY
      01 R ID 2/3 PR AY #98
      02 R ID 1/1 2 #1065
      03 R AN 1/60 #1035
      08 R ID 1/2 46 FI PI XV #66
      09 R AN 2/80 #67
      rule P0809
      rule C1110
      rule C1203
  loop 2200A R >1
    seg TRN R 1
      01 R ID 1/2 1 #481
      02 R AN 1/50 #127
    # Receipt date (050) and process date (009).
    seg DTP R 1 01=050
      01 R ID 3/3 050 #374
      02 R ID 2/3 D8 #1250
      03 R AN 1/35 #1251
    seg DTP R 1 01=009
      01 R ID 3/3 009 #374
      02 R ID 2/3 D8 #1250
      03 R AN 1/35 #1251
  loop 2000B R >1
    seg HL R 1 03=21
      01 R AN 1/12 #628
      02 R AN 1/12 #734
      03 R ID 1/2 21 #735
      04 R ID 1/1 0 1 #736
    loop 2100B R 1
      seg NM1 R 1 01=41
        01 R ID 2/3 41 #98
        02 R ID 1/1 1 2 #1065
        03 R AN 1/60 #1035
        04 S AN 1/35 #1036
        05 S AN 1/25 #1037
        08 R ID 1/2 46 #66
        09 R AN 2/80 #67
        rule P0809
        rule C1110
        rule C1203
    loop 2200B R 1
      seg TRN R 1
        01 R ID 1/2 2 #481
        02 R AN 1/50 #127
      seg STC R >1
        01 R C
          01-1 R AN 1/30 #1271
          01-2 R AN 1/30 #1271
          01-3 S ID 2/3 #98
        02 R DT 8/8 #373
        03 R ID 1/2 U WQ #306
        04 R R 1/18 #782
        10 S C
          10-1 R AN 1/30 #1271
          10-2 R AN 1/30 #1271
          10-3 S ID 2/3 #98
        11 S C
          11-1 R AN 1/30 #1271
          11-2 R AN 1/30 #1271
          11-3 S ID 2/3 #98
      seg QTY S 1 01=90
        01 R ID 2/2 90 #673
        02 R R 1/15 #380
      seg QTY S 1 01=AA
        01 R ID 2/2 AA #673
        02 R R 1/15 #380
      seg AMT S 1 01=YU
        01 R ID 1/3 YU #522
        02 R R 1/18 #782
      seg AMT S 1 01=YY
        01 R ID 1/3 YY #522
        02 R R 1/18 #782
    loop 2000C S >1
      seg HL R 1 03=19
        01 R AN 1/12 #628
        02 R AN 1/12 #734
        03 R ID 1/2 19 #735
        04 R ID 1/1 0 1 #736
      loop 2100C R >1
        seg NM1 R 1 01=85
          01 R ID 2/3 85 #98
          02 R ID 1/1 1 2 #1065
          03 R AN 1/60 #1035
          04 S AN 1/35 #1036
          05 S AN 1/25 #1037
          06 S AN 1/10 #1038
          07 S AN 1/10 #1039
          08 R ID 1/2 FI SV XX #66
          09 R AN 2/80 #67
          rule P0809
          rule C1110
          rule C1203
      loop 2200C S 1
        seg TRN R 1
          01 R ID 1/2 1 #481
          02 R AN 1/50 #127
        # Provider-level status: only when the provider is the reason for a rejection.
        seg STC S >1
          01 R C
            01-1 R AN 1/30 #1271
            01-2 R AN 1/30 #1271
            01-3 S ID 2/3 #98
          02 S DT 8/8 #373
          03 R ID 1/2 U WQ #306
          04 R R 1/18 #782
          10 S C
            10-1 R AN 1/30 #1271
            10-2 R AN 1/30 #1271
            10-3 S ID 2/3 #98
          11 S C
            11-1 R AN 1/30 #1271
            11-2 R AN 1/30 #1271
            11-3 S ID 2/3 #98
        seg REF S 3
          01 R ID 2/3 0B 1G G2 LU SY TJ #128
          02 R AN 1/50 #127
        seg QTY S 1 01=QA
          01 R ID 2/2 QA #673
          02 R R 1/15 #380
        seg QTY S 1 01=QC
          01 R ID 2/2 QC #673
          02 R R 1/15 #380
        seg AMT S 1 01=YU
          01 R ID 1/3 YU #522
          02 R R 1/18 #782
        seg AMT S 1 01=YY
          01 R ID 1/3 YY #522
          02 R R 1/18 #782
      loop 2000D S >1
        # The patient level: HL04 is not used by the guide; 0 or 1 is tolerated.
        seg HL R 1 03=PT
          01 R AN 1/12 #628
          02 R AN 1/12 #734
          03 R ID 1/2 PT #735
          04 S ID 1/1 0 1 #736
        loop 2100D R 1
          seg NM1 R 1 01=QC
            01 R ID 2/3 QC #98
            02 R ID 1/1 1 #1065
            03 R AN 1/60 #1035
            04 S AN 1/35 #1036
            05 S AN 1/25 #1037
            07 S AN 1/10 #1039
            08 R ID 1/2 II MI #66
            09 R AN 2/80 #67
            rule P0809
            rule C1110
            rule C1203
        loop 2200D S >1
          seg TRN R 1
            01 R ID 1/2 2 #481
            02 R AN 1/50 #127
          seg STC R >1
            01 R C
              01-1 R AN 1/30 #1271
              01-2 R AN 1/30 #1271
              01-3 S ID 2/3 #98
            02 R DT 8/8 #373
            03 R ID 1/2 U WQ #306
            04 R R 1/18 #782
            10 S C
              10-1 R AN 1/30 #1271
              10-2 R AN 1/30 #1271
              10-3 S ID 2/3 #98
            11 S C
              11-1 R AN 1/30 #1271
              11-2 R AN 1/30 #1271
              11-3 S ID 2/3 #98
            12 S AN 1/264 #933
          # The claim's identifiers: each REF position is told apart by its qualifier.
          seg REF S 3 01=1K
            01 R ID 2/3 1K #128
            02 R AN 1/50 #127
            rule R0203
          seg REF S 3 01=D9
            01 R ID 2/3 D9 #128
            02 R AN 1/50 #127
            rule R0203
          seg REF S 3 01=BLT
            01 R ID 2/3 BLT #128
            02 R AN 1/50 #127
            rule R0203
          seg DTP R 1
            01 R ID 3/3 472 #374
            02 R ID 2/3 D8 RD8 #1250
            03 R AN 1/35 #1251
          loop 2220D S >1
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
            # Line-level status: the guide uses it to reject lines (action code U).
            seg STC R >1
              01 R C
                01-1 R AN 1/30 #1271
                01-2 R AN 1/30 #1271
                01-3 S ID 2/3 #98
              02 S DT 8/8 #373
              03 R ID 1/2 U WQ #306
              04 S R 1/18 #782
              10 S C
                10-1 R AN 1/30 #1271
                10-2 R AN 1/30 #1271
                10-3 S ID 2/3 #98
              11 S C
                11-1 R AN 1/30 #1271
                11-2 R AN 1/30 #1271
                11-3 S ID 2/3 #98
              12 S AN 1/264 #933
            seg REF S 1 01=FJ
              01 R ID 2/3 FJ #128
              02 R AN 1/50 #127
              rule R0203
            seg REF S 1 01=XZ
              01 R ID 2/3 XZ #128
              02 R AN 1/50 #127
              rule R0203
            seg DTP S 1
              01 R ID 3/3 472 #374
              02 R ID 2/3 D8 RD8 #1250
              03 R AN 1/35 #1251
seg SE R 1
  01 R N0 1/10 #96
  02 R AN 4/9 #329
