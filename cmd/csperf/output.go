package main

import (
	"io"
	"os"

	"csperf"
)

// output returns where a report goes: FILE when given (created, and
// removed again if the command fails before closing it cleanly is the
// caller's choice), standard output otherwise.
func (m *Main) output(path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return m.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, csperf.Errorf(csperf.EINVALID, "cannot write %s: %v", path, err)
	}
	return f, f.Close, nil
}
