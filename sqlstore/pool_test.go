package sqlstore_test

import (
	"context"
	"sync"
	"testing"

	"csperf/sqlstore"
)

// TestReaderPoolKeepsConnections checks that reads at the pool's full
// concurrency leave their connections open for the next ones: a closed
// SQLite connection takes its page cache and parsed schema with it.
func TestReaderPoolKeepsConnections(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		for round := 0; round < 5; round++ {
			var opened, done sync.WaitGroup
			opened.Add(4)
			for i := 0; i < 4; i++ {
				done.Add(1)
				go func() {
					defer done.Done()
					// Each holds a connection until all four have one.
					rows, err := db.ReaderRowsForTest(ctx, `SELECT kind FROM kpi_versions`)
					opened.Done()
					if err != nil {
						t.Error(err)
						return
					}
					opened.Wait()
					rows.Close()
				}()
			}
			done.Wait()
		}
		if s := db.ReaderStatsForTest(); s.MaxIdleClosed != 0 {
			t.Errorf("the reader pool closed %d idle connections (open %d)", s.MaxIdleClosed, s.OpenConnections)
		}
	})
}
