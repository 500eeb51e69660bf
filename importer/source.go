package importer

import (
	"errors"
	"io"
	"time"

	"csperf"
)

// Source is a file's rows as the store imports them: it implements
// csperf.RowSource over a Reader and a Mapping. Rows with errors are not
// returned; their errors — every one of them, as csperf.RowError, counted
// past csperf.MaxRowErrors — come from Err once Next has returned false.
type Source struct {
	r    *Reader
	m    *Mapping
	loc  *time.Location
	errs csperf.ImportError
}

var _ csperf.RowSource = (*Source)(nil)

// NewSource returns the rows of r parsed by m, reading times without an
// offset as local times in loc.
func NewSource(r *Reader, m *Mapping, loc *time.Location) *Source {
	return &Source{r: r, m: m, loc: loc}
}

// Next returns the next row that parsed without error.
func (s *Source) Next() (int, []any, bool) {
	for {
		row, cells, err := s.r.Next()
		if err == io.EOF {
			return 0, nil, false
		}
		if err != nil {
			var re csperf.RowError
			if !errors.As(err, &re) {
				re = csperf.RowError{File: s.r.name, Row: row, Reason: err.Error()}
			}
			s.errs.Add(re)
			continue
		}
		vals, ferrs := s.m.Parse(cells, s.loc)
		if len(ferrs) > 0 {
			for _, fe := range ferrs {
				s.errs.Add(fe.At(s.r.name, row))
			}
			continue
		}
		return row, vals, true
	}
}

// Err returns the rows' errors as a *csperf.ImportError, or nil.
func (s *Source) Err() error {
	if s.errs.Total == 0 {
		return nil
	}
	return &s.errs
}
