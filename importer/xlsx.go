package importer

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxSource streams the rows of one worksheet with excelize's Rows
// iterator. Cell values are read raw (RawCellValue): dates arrive as the
// serial numbers Excel stores, not formatted by a number format whose
// meaning depends on the locale (m-d-yy), and Parse turns them into dates.
type xlsxSource struct {
	f        *excelize.File
	rows     *excelize.Rows
	sheet    string
	row      int
	date1904 bool
}

// openXLSX checks the zip directory against the limits before excelize
// unzips anything, then opens the workbook with excelize's own limits set
// to the same values and positions on the chosen sheet.
func openXLSX(name string, r io.ReaderAt, size int64, opts Options) (xs *xlsxSource, err error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, invalidf("%s: not a valid XLSX workbook (%v)", name, err)
	}
	if err := checkZip(zr); err != nil {
		return nil, invalidf("%s: %v", name, err)
	}
	// A malformed workbook must be an error, never a crash of the server
	// that reads it; excelize is not written against hostile input.
	defer func() {
		if p := recover(); p != nil {
			xs, err = nil, invalidf("%s: the workbook is malformed and cannot be read (%v)", name, p)
		}
	}()
	xo := excelize.Options{
		UnzipSizeLimit:    MaxUnzipSize,
		UnzipXMLSizeLimit: MaxXMLInMemory,
		RawCellValue:      true,
		TmpDir:            opts.TmpDir,
	}
	var f *excelize.File
	var pathErr *fs.PathError
	if osf, ok := r.(*os.File); ok {
		// Read from disk rather than into memory, by the file's name; a
		// file without one (a pipe, an unlinked upload) falls through.
		f, err = excelize.OpenFile(osf.Name(), xo)
	}
	if f == nil && (err == nil || errors.As(err, &pathErr)) {
		f, err = excelize.OpenReader(io.NewSectionReader(r, 0, size), xo)
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, invalidf("%s: not a readable XLSX workbook (%v)", name, err)
	}
	sheets := f.GetSheetList()
	sheet := opts.Sheet
	switch {
	case len(sheets) == 0:
		f.Close()
		return nil, invalidf("%s: the workbook has no sheet", name)
	case sheet == "":
		sheet = sheets[0]
	default:
		found := false
		for _, s := range sheets {
			found = found || s == sheet
		}
		if !found {
			f.Close()
			return nil, invalidf("%s: the workbook has no sheet %q (it has %s)", name, sheet, strings.Join(sheets, ", "))
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, invalidf("%s: sheet %q cannot be read (%v)", name, sheet, err)
	}
	xs = &xlsxSource{f: f, rows: rows, sheet: sheet}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		xs.date1904 = *props.Date1904
	}
	return xs, nil
}

// checkZip refuses a package whose directory says it would unpack to more
// than the limits allow, before a byte is inflated. The sizes it checks
// are the declared ones; archive/zip fails a read that goes past the
// declared size, so an entry that lies about its size cannot get further.
func checkZip(zr *zip.Reader) error {
	if len(zr.File) > MaxZipEntries {
		return fmt.Errorf("the workbook has %d parts, at most %d are read", len(zr.File), MaxZipEntries)
	}
	var total uint64
	for _, zf := range zr.File {
		u, c := zf.UncompressedSize64, zf.CompressedSize64
		if u > MaxUnzipSize || total+u > MaxUnzipSize {
			return fmt.Errorf("the workbook unpacks to more than %d MiB", MaxUnzipSize>>20)
		}
		total += u
		name := strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/"))
		switch {
		case strings.HasPrefix(name, "xl/worksheets/sheet"):
			// Spooled to disk by excelize when big; bounded by the total.
		case name == "xl/sharedstrings.xml":
			if u > MaxSharedStrings {
				return fmt.Errorf("the workbook's shared strings unpack to %d MiB, at most %d", u>>20, MaxSharedStrings>>20)
			}
		default:
			if u > MaxPartSize {
				return fmt.Errorf("the workbook part %s unpacks to %d MiB, at most %d", zf.Name, u>>20, MaxPartSize>>20)
			}
		}
		// Deflate never grows data by more than a few bytes per 16 KiB
		// block, so an entry bigger compressed than this declares a false
		// size; excelize would silently read it short.
		if c > u+u/1000+64 {
			return fmt.Errorf("the workbook is damaged: part %s is bigger compressed than it says it is unpacked", zf.Name)
		}
		if u > 1<<20 && u/max(c, 1) > MaxCompressionRatio {
			return fmt.Errorf("the workbook part %s is compressed %d times; that is a zip bomb, not a spreadsheet", zf.Name, u/max(c, 1))
		}
	}
	return nil
}

func (s *xlsxSource) next() (row int, cells []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			row, cells, err = s.row, nil, fmt.Errorf("the workbook is malformed and cannot be read on (%v)", p)
		}
	}()
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return s.row + 1, nil, fmt.Errorf("sheet %q cannot be read on: %v", s.sheet, err)
		}
		return 0, nil, io.EOF
	}
	s.row++
	cells, err = s.rows.Columns()
	if err != nil {
		return s.row, nil, fmt.Errorf("sheet %q cannot be read on: %v", s.sheet, err)
	}
	total := 0
	for _, c := range cells {
		total += len(c)
	}
	if total > MaxLineBytes {
		return s.row, nil, &rowProblem{row: s.row, reason: fmt.Sprintf("the row's cells hold %d bytes, at most %d", total, MaxLineBytes)}
	}
	return s.row, cells, nil
}

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}
