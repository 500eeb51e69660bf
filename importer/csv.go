package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Text encodings a CSV file may be in. Chinese Excel saves "CSV" in
// GB18030 (its "ANSI" code page 936, of which GB18030 is a superset), "CSV
// UTF-8" with a byte-order mark, and "Unicode text" as UTF-16 with one.
const (
	encUTF8    = "UTF-8"
	encGB18030 = "GB18030"
	encUTF16LE = "UTF-16LE"
	encUTF16BE = "UTF-16BE"
)

// bufSize is the read buffer for files and decoders: big enough that a
// file is read in few calls, small enough not to matter.
const bufSize = 64 << 10

// csvSource reads records with encoding/csv and numbers them as Excel
// would number the rows of the file.
type csvSource struct {
	cr      *csv.Reader
	guard   *recordGuard
	lastRow int   // row number of the last record read
	endLine int   // line the last record ended on
	offset  int64 // input offset after the last record
}

// openCSV detects the encoding, skips a byte-order mark, picks the
// separator and sets up encoding/csv over a guard that stops a row from
// growing past MaxLineBytes in memory.
func openCSV(name string, r io.ReaderAt, size int64, opts Options) (*csvSource, error) {
	enc, err := detectEncoding(r, size)
	if err != nil {
		return nil, invalidf("%s: %s", name, reasonOf(err))
	}
	var text io.Reader = bufio.NewReaderSize(io.NewSectionReader(r, 0, size), bufSize)
	if d := decoder(enc); d != nil {
		text = transform.NewReader(text, d)
	}
	br := bufio.NewReaderSize(text, bufSize)
	if c, _, err := br.ReadRune(); err == nil && c != '\uFEFF' {
		br.UnreadRune()
	}
	comma := opts.Comma
	if comma == 0 {
		comma = sniffComma(name, br)
	}
	guard := &recordGuard{r: br}
	cr := csv.NewReader(guard)
	cr.Comma = comma
	cr.LazyQuotes = false
	cr.FieldsPerRecord = -1
	return &csvSource{cr: cr, guard: guard}, nil
}

func decoder(enc string) transform.Transformer {
	switch enc {
	case encGB18030:
		return simplifiedchinese.GB18030.NewDecoder()
	case encUTF16LE:
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case encUTF16BE:
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	}
	return nil
}

// detectEncoding reads the file once: a UTF-16 byte-order mark decides
// UTF-16; otherwise a file that is valid UTF-8 throughout is UTF-8 and
// one that is not is tried as GB18030. Reading the whole file costs a
// second pass but no memory, and it is the only way to be sure: a GB18030
// file may be plain ASCII for its first thousand rows.
func detectEncoding(r io.ReaderAt, size int64) (string, error) {
	var head [3]byte
	n, _ := r.ReadAt(head[:], 0)
	switch {
	case n >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		return encUTF16LE, checkDecoded(r, size, encUTF16LE)
	case n >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		return encUTF16BE, checkDecoded(r, size, encUTF16BE)
	}
	ok, line, err := scanText(io.NewSectionReader(r, 0, size), false)
	if err != nil {
		return "", err
	}
	if ok {
		return encUTF8, nil
	}
	if n == 3 && bytes.Equal(head[:], []byte("\xEF\xBB\xBF")) {
		return "", fmt.Errorf("the file starts as UTF-8 (with a byte-order mark) but line %d is not UTF-8", line)
	}
	if err := checkDecoded(r, size, encGB18030); err != nil {
		return "", err
	}
	return encGB18030, nil
}

// checkDecoded decodes the whole file and refuses it when the decoder had
// to substitute U+FFFD for bytes it could not decode. (A file that really
// holds U+FFFD is refused too; no spreadsheet export does.)
func checkDecoded(r io.ReaderAt, size int64, enc string) error {
	src := bufio.NewReaderSize(io.NewSectionReader(r, 0, size), bufSize)
	ok, line, err := scanText(transform.NewReader(src, decoder(enc)), true)
	if err != nil {
		return err
	}
	if !ok {
		if enc == encGB18030 {
			return fmt.Errorf("file is neither UTF-8 nor GB18030 (line %d); save it from Excel as \"CSV UTF-8\"", line)
		}
		return fmt.Errorf("the file is not valid %s (line %d)", enc, line)
	}
	return nil
}

var (
	errNUL      = errors.New("NUL")
	replacement = []byte("\uFFFD")
)

// scanText reads r to the end in chunks cut at rune boundaries. Raw text
// must be valid UTF-8; decoded text (always valid UTF-8) must hold no
// U+FFFD. It returns whether the text passed and, when it did not, the
// line of the first offending byte. A NUL byte is an error, not text.
func scanText(r io.Reader, decoded bool) (ok bool, line int, err error) {
	buf := make([]byte, bufSize)
	line, carry := 1, 0
	for {
		n, rerr := io.ReadFull(r, buf[carry:])
		n += carry
		final := rerr == io.EOF || rerr == io.ErrUnexpectedEOF
		if rerr != nil && !final {
			return false, line, rerr
		}
		end := n
		if !final {
			end = runeBoundary(buf[:n])
		}
		chunk := buf[:end]
		bad := -1
		if decoded {
			bad = bytes.Index(chunk, replacement)
		} else if !utf8.Valid(chunk) {
			bad = firstInvalid(chunk)
		}
		if i := bytes.IndexByte(chunk, 0); i >= 0 && (bad < 0 || i < bad) {
			l := line + bytes.Count(chunk[:i], []byte{'\n'})
			return false, l, fmt.Errorf("line %d holds a NUL byte: this is not a text file (or it is UTF-16 without a byte-order mark)", l)
		}
		if bad >= 0 {
			return false, line + bytes.Count(chunk[:bad], []byte{'\n'}), nil
		}
		line += bytes.Count(chunk, []byte{'\n'})
		if final {
			return true, line, nil
		}
		carry = copy(buf, buf[end:n])
	}
}

// runeBoundary returns the length of the longest prefix of b that does not
// end inside a UTF-8 sequence.
func runeBoundary(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// firstInvalid returns the offset of the first byte of b that is not part
// of valid UTF-8.
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// sniffComma picks tab for .tsv files and for a header line with tabs but
// no commas, comma otherwise.
func sniffComma(name string, br *bufio.Reader) rune {
	if strings.EqualFold(filepath.Ext(name), ".tsv") {
		return '\t'
	}
	b, _ := br.Peek(bufSize)
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	if bytes.IndexByte(b, '\t') >= 0 && bytes.IndexByte(b, ',') < 0 {
		return '\t'
	}
	return ','
}

// errRowTooLong ends reading: the row is too long to hold, so where the
// next one starts is unknown.
var errRowTooLong = fmt.Errorf("the row is longer than %d bytes (is a quote left open?)", MaxLineBytes)

// recordGuard counts the bytes encoding/csv takes while reading one record
// and fails once they pass MaxLineBytes plus encoding/csv's read-ahead, so
// that a line without end or a quote left open cannot fill memory. The
// exact per-row check is made after the record is read, from its offsets.
type recordGuard struct {
	r io.Reader
	n int
}

// guardSlack covers encoding/csv's 4 KiB read-ahead with room to spare.
const guardSlack = 64 << 10

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n > MaxLineBytes+guardSlack {
		return 0, errRowTooLong
	}
	n, err := g.r.Read(p)
	g.n += n
	return n, err
}

func (s *csvSource) next() (int, []string, error) {
	s.guard.n = 0
	rec, err := s.cr.Read()
	if err != nil {
		return s.readError(err)
	}
	// encoding/csv skips empty lines, which Excel shows as empty rows:
	// count them so that row numbers match what the user sees.
	start, _ := s.cr.FieldPos(0)
	row := s.lastRow + 1 + max(start-s.endLine-1, 0)
	last, _ := s.cr.FieldPos(len(rec) - 1)
	s.lastRow = row
	s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	off := s.cr.InputOffset()
	size := off - s.offset
	s.offset = off
	if size > MaxLineBytes {
		return row, nil, &rowProblem{row: row, reason: fmt.Sprintf("the row is %d bytes long, at most %d", size, MaxLineBytes)}
	}
	return row, rec, nil
}

func (s *csvSource) readError(err error) (int, []string, error) {
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		return 0, nil, io.EOF
	case errors.As(err, &pe):
		// encoding/csv has consumed the bad record's lines; reading goes
		// on at the next line, so the error is the row's alone.
		row := s.lastRow + 1 + max(pe.StartLine-s.endLine-1, 0)
		s.lastRow, s.endLine, s.offset = row, pe.Line, s.cr.InputOffset()
		return row, nil, &rowProblem{row: row, reason: csvReason(pe)}
	}
	return s.lastRow + 1, nil, err
}

// csvReason words encoding/csv's parse errors for someone who edits the
// file in Excel or a text editor.
func csvReason(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("a quote (\") inside an unquoted cell (line %d); put the cell in quotes and double the quote (\"\")", pe.Line)
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Sprintf("a quote (\") out of place or never closed (line %d)", pe.Line)
	}
	return pe.Error()
}

func (s *csvSource) close() error { return nil }
