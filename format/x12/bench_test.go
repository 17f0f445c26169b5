package x12

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// claimFile builds an 837P of n claims in one transaction set by repeating
// the first subscriber and claim of the fixture (HL, SBR, NM1 IL, NM1 PR,
// CLM, HI, LX, SV1, DTP), with the levels numbered and the counts right.
type claimFile struct {
	head, claim, tail []string // claim holds "%HL%" where the level number goes
	n, next           int
	segs              int
	buf               []byte
}

func newClaimFile(t testing.TB, n int) *claimFile {
	lines := strings.Split(strings.TrimSpace(fixture(t)), "\n")
	cf := &claimFile{n: n}
	// Lines 1-17: ISA to the billing provider; 18-26: the first claim.
	cf.head = lines[:17]
	cf.claim = append([]string{"HL*%HL%*1*22*0~"}, lines[18:26]...)
	cf.segs = len(cf.head) - 2 + n*len(cf.claim) + 1
	cf.tail = []string{"SE*" + strconv.Itoa(cf.segs) + "*987654~", "GE*1*1~", "IEA*1*000000905~"}
	return cf
}

// Read implements io.Reader, writing the file as it is read so that its
// size costs no memory.
func (cf *claimFile) Read(p []byte) (int, error) {
	for len(cf.buf) == 0 {
		switch {
		case cf.next == 0:
			cf.buf = []byte(strings.Join(cf.head, "\n") + "\n")
		case cf.next <= cf.n:
			hl := strconv.Itoa(cf.next + 1)
			cf.buf = []byte(strings.Replace(strings.Join(cf.claim, "\n"), "%HL%", hl, 1) + "\n")
		case cf.next == cf.n+1:
			cf.buf = []byte(strings.Join(cf.tail, "\n") + "\n")
		default:
			return 0, io.EOF
		}
		cf.next++
	}
	n := copy(p, cf.buf)
	cf.buf = cf.buf[n:]
	return n, nil
}

func (cf *claimFile) bytes() []byte {
	b, _ := io.ReadAll(cf)
	return b
}

func TestGeneratedClaimFileValidates(t *testing.T) {
	res, err := Check(newClaimFile(t, 50), Config{})
	if err != nil || len(res) != 1 || !res[0].Valid() {
		t.Fatalf("%v %v", err, summaries(res))
	}
}

// TestCheckStreamsInBoundedMemory checks a file of 60,000 claims (about 24
// MB, generated as it is read) and splits it, and checks that the heap in
// use stays under 32 MB throughout: neither the reader, the checker nor
// the splitter keeps what it has passed.
func TestCheckStreamsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 24 MB")
	}
	const claims = 60_000
	r := NewReader(newClaimFile(t, claims))
	c := NewChecker(Config{})
	var sp Splitter
	var peak uint64
	n, split := 0, 0
	var res []*InterchangeResult
	for {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if v := c.Add(s); v != nil {
			res = append(res, v)
		}
		if sp.Add(s) != nil {
			split++
		}
		if n++; n%100_000 == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	if len(res) != 1 || !res[0].Valid() || split != claims {
		t.Fatalf("verdict %v, %d claims split", summaries(res), split)
	}
	if peak > 32<<20 {
		t.Errorf("heap in use reached %d MB", peak>>20)
	}
}

// BenchmarkClaims measures claims per second on an 837P of 10,000 claims:
// read (segments only, the baseline), check (envelopes and levels), split
// (check and split at 2300) and scan (check, with the loops of every
// segment, keeping each transaction set whole). Compare the rows of one run.
func BenchmarkClaims(b *testing.B) {
	const claims = 10_000
	cf := newClaimFile(b, claims)
	segs := cf.segs
	data := cf.bytes()
	run := func(b *testing.B, f func(io.Reader) int) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if got := f(bytes.NewReader(data)); got != claims {
				b.Fatalf("%d claims", got)
			}
		}
		b.ReportMetric(float64(claims)*float64(b.N)/b.Elapsed().Seconds(), "claims/s")
	}
	b.Run("read", func(b *testing.B) {
		run(b, func(in io.Reader) int {
			r := NewReader(in)
			n := 0
			for {
				s, err := r.Next()
				if err != nil {
					return n
				}
				if s.ID == "CLM" {
					n++
				}
			}
		})
	})
	b.Run("check", func(b *testing.B) {
		run(b, func(in io.Reader) int {
			res, err := Check(in, Config{})
			if err != nil || !res[0].Valid() {
				b.Fatal(err, summaries(res))
			}
			if res[0].Groups[0].Transactions[0].Segs != segs {
				b.Fatalf("%d segments", res[0].Groups[0].Transactions[0].Segs)
			}
			return claims
		})
	})
	b.Run("check-syntax-only", func(b *testing.B) {
		run(b, func(in io.Reader) int {
			res, err := Check(in, Config{SyntaxOnly: true})
			if err != nil || !res[0].Valid() {
				b.Fatal(err, summaries(res))
			}
			return claims
		})
	})
	b.Run("split", func(b *testing.B) {
		run(b, func(in io.Reader) int {
			r := NewReader(in)
			c := NewChecker(Config{})
			var sp Splitter
			n := 0
			for {
				s, err := r.Next()
				if err != nil {
					c.End()
					return n
				}
				c.Add(s)
				if sp.Add(s) != nil {
					n++
				}
			}
		})
	})
	b.Run("scan", func(b *testing.B) {
		run(b, func(in io.Reader) int {
			sc := NewScanner(in, Config{})
			n := 0
			for {
				t, err := sc.Next()
				if err != nil {
					return n
				}
				for _, s := range t.Segments {
					if s.ID == "CLM" {
						n++
					}
				}
			}
		})
	})
}

// BenchmarkClaimsRatio alternates reading, checking (with and without the
// implementation guide) and splitting the same 10,000-claim file in every
// iteration and reports each relative to reading alone, ratios that hold
// on a busy machine where the rows of BenchmarkClaims drift apart.
func BenchmarkClaimsRatio(b *testing.B) {
	const claims = 10_000
	data := newClaimFile(b, claims).bytes()
	var read, check, syntax, split time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		r := NewReader(bytes.NewReader(data))
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
		t1 := time.Now()
		if res, err := Check(bytes.NewReader(data), Config{}); err != nil || !res[0].Valid() {
			b.Fatal(err)
		}
		t2 := time.Now()
		if res, err := Check(bytes.NewReader(data), Config{SyntaxOnly: true}); err != nil || !res[0].Valid() {
			b.Fatal(err)
		}
		t2s := time.Now()
		syntax += t2s.Sub(t2)
		t2 = t2s
		r = NewReader(bytes.NewReader(data))
		var sp Splitter
		n := 0
		for {
			s, err := r.Next()
			if err != nil {
				break
			}
			if sp.Add(s) != nil {
				n++
			}
		}
		if n != claims {
			b.Fatalf("%d claims split", n)
		}
		t3 := time.Now()
		read, check, split = read+t1.Sub(t0), check+t2.Sub(t1), split+t3.Sub(t2)
	}
	b.ReportMetric(float64(claims)*float64(b.N)/check.Seconds(), "checked-claims/s")
	b.ReportMetric(check.Seconds()/read.Seconds(), "check/read")
	b.ReportMetric(syntax.Seconds()/read.Seconds(), "syntax-only/read")
	b.ReportMetric(check.Seconds()/syntax.Seconds(), "guide/syntax-only")
	b.ReportMetric(split.Seconds()/read.Seconds(), "split/read")
}
