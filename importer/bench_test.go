package importer

import (
	"io"
	"runtime"
	"testing"

	"csperf"
)

// synthCSV is a CSV file of n rows of four columns that is generated as it
// is read, so that the benchmark measures the reader and not a 40 MB
// buffer. Every row is rowLen bytes: V0000001,C0000001,2015-09-01,00001.23
type synthCSV struct{ n int64 }

const (
	synthHeader = "进站编号,客户编号,进站日期,结算金额\n"
	synthRowLen = int64(len("V0000001,C0000001,2015-09-01,00001.23\n"))
)

func (s synthCSV) size() int64 { return int64(len(synthHeader)) + s.n*synthRowLen }

func (s synthCSV) ReadAt(p []byte, off int64) (int, error) {
	var row [64]byte
	n := 0
	for n < len(p) && off < s.size() {
		if off < int64(len(synthHeader)) {
			c := copy(p[n:], synthHeader[off:])
			n, off = n+c, off+int64(c)
			continue
		}
		i := (off - int64(len(synthHeader))) / synthRowLen
		b := row[:0]
		b = appendPadded(append(b, 'V'), i+1, 7)
		b = appendPadded(append(b, ",C"...), i%50000+1, 7)
		b = append(b, ",2015-09-"...)
		b = appendPadded(b, i%30+1, 2)
		b = appendPadded(append(b, ','), i%100000, 5)
		b = appendPadded(append(b, '.'), i%100, 2)
		b = append(b, '\n')
		at := (off - int64(len(synthHeader))) % synthRowLen
		c := copy(p[n:], b[at:])
		n, off = n+c, off+int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func appendPadded(b []byte, v int64, width int) []byte {
	for i := width - 1; i >= 0; i-- {
		b = append(b, 0)
	}
	for i := len(b) - 1; width > 0; i, width = i-1, width-1 {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

var benchKind = &csperf.Kind{Name: "visits", Fields: []csperf.Field{
	{Name: "visit_id", Type: csperf.TString, Required: true, Label: "进站编号"},
	{Name: "customer_id", Type: csperf.TRef, Label: "客户编号"},
	{Name: "visit_date", Type: csperf.TDate, Required: true, Label: "进站日期"},
	{Name: "amount", Type: csperf.TMoney, Label: "结算金额"},
}}

// BenchmarkReadCSV1M reads a 1,000,000-row, 4-column CSV file; it reports
// rows per second, allocations per row and the largest heap seen while
// reading, which stays flat however long the file is.
func BenchmarkReadCSV1M(b *testing.B) { benchRead(b, false) }

// BenchmarkImportCSV1M also maps the header and parses every row into
// typed values, as an import does.
func BenchmarkImportCSV1M(b *testing.B) { benchRead(b, true) }

func benchRead(b *testing.B, parse bool) {
	const rows = 1_000_000
	file := synthCSV{n: rows}
	var peak uint64
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	mallocs := ms.Mallocs
	b.ReportAllocs()
	b.SetBytes(file.size())
	b.ResetTimer()
	for range b.N {
		r, err := Open("visits.csv", file, file.size(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		var src *Source
		if parse {
			m, err := r.Map(benchKind)
			if err != nil {
				b.Fatal(err)
			}
			src = NewSource(r, m, nil)
		}
		n := 0
		for {
			var ok bool
			if parse {
				_, _, ok = src.Next()
			} else {
				_, _, err := r.Next()
				ok = err == nil
			}
			if !ok {
				break
			}
			n++
			if n%250_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		if n != rows || r.Err() != nil || parse && src.Err() != nil {
			b.Fatalf("read %d rows: %v", n, r.Err())
		}
		r.Close()
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(ms.Mallocs-mallocs)/float64(rows*b.N), "allocs/row")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}
