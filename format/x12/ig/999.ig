set 999 999 005010X231A1
# Implementation Acknowledgment for Health Care Insurance (005010X231A1).
seg ST R 1
  01 R ID 3/3 999 #143
  02 R AN 4/9 #329
  03 R AN 1/35 #1705
seg AK1 R 1
  # AK101 is any functional identifier code of the acknowledged group.
  01 R ID 2/2 #479
  02 R N0 1/9 #28
  03 R AN 1/12 #480
loop 2000 S >1
  seg AK2 R 1
    01 R ID 3/3 #143
    02 R AN 4/9 #329
    03 S AN 1/35 #1705
  loop 2100 S >1
    seg IK3 R 1
      01 R ID 2/3 #721
      02 R N0 1/10 #719
      03 S AN 1/4 #447
      04 S ID 1/3 1 2 3 4 5 6 7 8 I4 I6 I7 I8 I9 #620
    # The guide has two CTX positions here: the segment context (CTX01-1
    # SITUATIONAL TRIGGER, up to 9) and the business unit identifier (up to
    # 1). Their qualifier holds a space, which a key cannot spell, so one
    # position takes both, with the union of their element rules.
    seg CTX S 10
      01 R C x10
        01-1 R AN 1/35 #9999
        01-2 S AN 1/35 #9998
      02 S ID 2/3 #721
      03 S N0 1/10 #719
      04 S AN 1/4 #447
      05 S C
        05-1 R N0 1/2 #722
        05-2 S N0 1/2 #1528
        05-3 S N0 1/4 #1686
      06 S C
        06-1 R N0 1/4 #725
        06-2 S N0 1/4 #725
    loop 2110 S >1
      seg IK4 R 1
        01 R C
          01-1 R N0 1/2 #722
          01-2 S N0 1/2 #1528
          01-3 S N0 1/4 #1686
        02 S N0 1/4 #725
        03 R ID 1/3 1 2 3 4 5 6 7 8 9 10 11 12 13 I6 I9 I10 I11 I12 I13 #621
        04 S AN 1/99 #724
      # Element context: the path to the element in error.
      seg CTX S 10
        01 R C x10
          01-1 R AN 1/35 #9999
          01-2 N AN 1/35 #9998
        02 R ID 2/3 #721
        03 R N0 1/10 #719
        04 S AN 1/4 #447
        05 S C
          05-1 R N0 1/2 #722
          05-2 S N0 1/2 #1528
          05-3 S N0 1/4 #1686
        06 S C
          06-1 R N0 1/4 #725
          06-2 S N0 1/4 #725
  seg IK5 R 1
    01 R ID 1/1 A E M R W X #717
    # IK502 to IK506: transaction set syntax error codes (security codes
    # included, so that no standard code is refused).
    02 S ID 1/3 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 23 24 25 26 27 I5 I6 #618
    03 S ID 1/3 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 23 24 25 26 27 I5 I6 #618
    04 S ID 1/3 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 23 24 25 26 27 I5 I6 #618
    05 S ID 1/3 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 23 24 25 26 27 I5 I6 #618
    06 S ID 1/3 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 23 24 25 26 27 I5 I6 #618
seg AK9 R 1
  01 R ID 1/1 A E M P R W X #715
  02 R N0 1/6 #97
  03 R N0 1/6 #123
  04 R N0 1/6 #2
  05 S ID 1/3 1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26 #716
  06 S ID 1/3 1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26 #716
  07 S ID 1/3 1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26 #716
  08 S ID 1/3 1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26 #716
  09 S ID 1/3 1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26 #716
seg SE R 1
  01 R N0 1/10 #96
  02 R AN 4/9 #329
