// Package pdf lays csperf's reports out as PDF documents with Chinese text:
// the churn assessment of a month, the KPI explorer's rows, a cycle's
// results and one employee's explanation.
//
// The text is set in WenQuanYi Micro Hei (Apache-2.0, vendored under font/
// with its licence and a NOTICE saying how it was taken out of Debian's
// .ttc), which has the Chinese of Droid Sans Fallback and the Latin letters
// and digits of Droid Sans in one TrueType font. It is embedded as a CID
// TrueType font (Identity-H with a ToUnicode map, so that the text can be
// searched and copied) and subset to the glyphs a document uses: a report
// of a few pages weighs tens of kilobytes, not the font's 4.6 MB. The writer is codeberg.org/go-pdf/fpdf
// (MIT), which does the subsetting; tables, line wrapping of Chinese text
// (fpdf's own splitter breaks only at spaces and drops a character at each
// break), repeated table headers and the page furniture are ours.
//
// Every document says what it is, for which organisation and period, when
// (in the organisation's time zone) and by whom it was generated, and
// numbers its pages "1 / N". Personal data is masked by the builders, as
// everywhere else; the document is in the reader's language (zh or en).
package pdf

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

//go:embed font/wqy-microhei.ttf
var fontTTF []byte

// ContentType is the media type of the documents written here.
const ContentType = "application/pdf"

// Meta is what every document says about itself.
type Meta struct {
	Lang string         // "zh" (default) or "en"
	Org  string         // the organisation's name; "" leaves the line out
	By   string         // who generated it
	At   time.Time      // when; shown in Loc
	Loc  *time.Location // the organisation's time zone
}

// Document is a report laid out for A4 paper.
type Document struct {
	Meta
	Title     string
	Period    string
	Landscape bool
	Sections  []Section
}

// Section is a heading, a few lines of text and an optional table.
type Section struct {
	Title string
	Notes []string
	Table *Table
}

// Table is a table whose rows may break across pages; its header row is
// repeated at the top of every page it continues on.
type Table struct {
	Header []string
	// Widths are the columns' relative widths (nil: equal).
	Widths []float64
	// Right marks columns of figures, aligned right.
	Right []bool
	Rows  [][]string
}

const (
	fontName   = "wqy"
	margin     = 12.0 // mm
	bodySize   = 9.0  // pt
	lineHeight = 4.2  // mm for bodySize
	cellPad    = 1.2  // mm
)

// Write writes d as PDF to w.
func Write(w io.Writer, d *Document) error {
	orient := "P"
	if d.Landscape {
		orient = "L"
	}
	f := fpdf.New(orient, "mm", "A4", "")
	f.SetMargins(margin, margin+8, margin)
	f.SetAutoPageBreak(false, margin+8)
	f.AddUTF8FontFromBytes(fontName, "", fontTTF)
	f.SetTitle(d.Title, true)
	f.SetAuthor(d.By, true)
	f.SetCreator("csperf", true)
	f.SetProducer("csperf (go-pdf/fpdf)", true)
	f.SetLang(map[bool]string{true: "en", false: "zh-CN"}[d.Lang == "en"])
	loc := d.Loc
	if loc == nil {
		loc = time.UTC
	}
	at := d.At.In(loc)
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCatalogSort(true)
	f.AliasNbPages("{nb}")
	l := labels(d.Lang)
	pageW, pageH := f.GetPageSize()
	f.SetHeaderFunc(func() {
		f.SetFont(fontName, "", 7.5)
		f.SetTextColor(90, 90, 90)
		f.SetXY(margin, margin-4)
		f.CellFormat((pageW-2*margin)/2, 4, d.Org, "", 0, "L", false, 0, "")
		f.CellFormat((pageW-2*margin)/2, 4, d.Title+" · "+d.Period, "", 0, "R", false, 0, "")
		f.SetDrawColor(150, 150, 150)
		f.SetLineWidth(0.2)
		f.Line(margin, margin+1, pageW-margin, margin+1)
		f.SetTextColor(0, 0, 0)
		f.SetXY(margin, margin+8)
	})
	f.SetFooterFunc(func() {
		f.SetFont(fontName, "", 7.5)
		f.SetTextColor(90, 90, 90)
		f.SetXY(margin, pageH-margin-2)
		f.CellFormat((pageW-2*margin)*0.75, 4, fmt.Sprintf(l["generated"], at.Format("2006-01-02 15:04:05 MST"), d.By), "", 0, "L", false, 0, "")
		f.CellFormat((pageW-2*margin)*0.25, 4, fmt.Sprintf(l["page"], f.PageNo(), "{nb}"), "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()

	// The title block.
	f.SetFont(fontName, "", 16)
	f.MultiCell(0, 8, d.Title, "", "L", false)
	f.SetFont(fontName, "", 10)
	for _, kv := range [][2]string{{l["org"], d.Org}, {l["period"], d.Period},
		{l["generated_at"], at.Format("2006-01-02 15:04:05 MST")}, {l["generated_by"], d.By}} {
		if kv[1] == "" {
			continue
		}
		f.CellFormat(30, 5.5, kv[0], "", 0, "L", false, 0, "")
		f.CellFormat(0, 5.5, kv[1], "", 1, "L", false, 0, "")
	}
	f.Ln(3)

	lw := &layout{f: f, bottom: pageH - margin - 8, width: pageW - 2*margin, empty: l["empty"]}
	for _, s := range d.Sections {
		lw.section(s)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return f.Output(w)
}

type layout struct {
	f      *fpdf.Fpdf
	bottom float64 // y where the footer's margin starts
	width  float64
	empty  string
}

func (lw *layout) room() float64 { return lw.bottom - lw.f.GetY() }

func (lw *layout) newPage() {
	lw.f.AddPage()
}

func (lw *layout) section(s Section) {
	f := lw.f
	f.SetFont(fontName, "", bodySize)
	need := 7.0 + float64(len(s.Notes))*lineHeight
	if s.Table != nil {
		need += 2 * (lineHeight + 2*cellPad) * 2
	}
	if lw.room() < need && f.GetY() > margin+20 {
		lw.newPage()
	}
	if s.Title != "" {
		f.SetFont(fontName, "", 12)
		f.SetX(margin)
		f.CellFormat(0, 7, s.Title, "", 1, "L", false, 0, "")
		f.SetFont(fontName, "", bodySize)
	}
	for _, n := range s.Notes {
		for _, line := range wrap(f, n, lw.width) {
			if lw.room() < lineHeight {
				lw.newPage()
			}
			f.SetX(margin)
			f.CellFormat(0, lineHeight, line, "", 1, "L", false, 0, "")
		}
	}
	if s.Table != nil {
		f.Ln(1)
		lw.table(s.Table)
	}
	f.Ln(4)
}

// table draws t, starting a new page (with the header again) whenever the
// next row does not fit.
func (lw *layout) table(t *Table) {
	f := lw.f
	n := len(t.Header)
	widths := make([]float64, n)
	sum := 0.0
	for i := range widths {
		widths[i] = 1
		if i < len(t.Widths) && t.Widths[i] > 0 {
			widths[i] = t.Widths[i]
		}
		sum += widths[i]
	}
	for i := range widths {
		widths[i] = widths[i] / sum * lw.width
	}
	right := func(i int) bool { return i < len(t.Right) && t.Right[i] }
	maxRowH := lw.bottom - (margin + 8) - 2*(lineHeight+2*cellPad)
	row := func(cells []string, header bool) {
		lines := make([][]string, n)
		h := 0
		for i := 0; i < n; i++ {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			lines[i] = wrap(f, c, widths[i]-2*cellPad)
			h = max(h, len(lines[i]))
		}
		rowH := float64(h)*lineHeight + 2*cellPad
		if rowH > maxRowH { // a cell longer than a page: cut it
			keep := int((maxRowH - 2*cellPad) / lineHeight)
			for i := range lines {
				if len(lines[i]) > keep {
					lines[i] = append(lines[i][:keep-1], "…")
				}
			}
			rowH = float64(keep)*lineHeight + 2*cellPad
		}
		if !header && lw.room() < rowH {
			lw.newPage()
			drawHeader(lw, t, widths)
		}
		lw.drawRow(lines, widths, rowH, header, right)
	}
	if lw.room() < 2*(lineHeight+2*cellPad) {
		lw.newPage()
	}
	drawHeader(lw, t, widths)
	if len(t.Rows) == 0 {
		f.SetFont(fontName, "", bodySize)
		f.SetTextColor(110, 110, 110)
		f.SetX(margin)
		f.CellFormat(lw.width, lineHeight+2*cellPad, lw.empty, "B", 1, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
		return
	}
	for _, r := range t.Rows {
		row(r, false)
	}
}

func drawHeader(lw *layout, t *Table, widths []float64) {
	f := lw.f
	n := len(widths)
	lines := make([][]string, n)
	h := 1
	for i := range widths {
		lines[i] = wrap(f, t.Header[i], widths[i]-2*cellPad)
		h = max(h, len(lines[i]))
	}
	lw.drawRow(lines, widths, float64(h)*lineHeight+2*cellPad, true, func(i int) bool { return i < len(t.Right) && t.Right[i] })
}

func (lw *layout) drawRow(lines [][]string, widths []float64, rowH float64, header bool, right func(int) bool) {
	f := lw.f
	f.SetFont(fontName, "", bodySize)
	y := f.GetY()
	x := margin
	if header {
		f.SetFillColor(232, 236, 242)
		f.Rect(margin, y, lw.width, rowH, "F")
	}
	for i, w := range widths {
		align := "L"
		if right(i) && !header {
			align = "R"
		}
		for j, line := range lines[i] {
			f.SetXY(x+cellPad, y+cellPad+float64(j)*lineHeight)
			f.CellFormat(w-2*cellPad, lineHeight, line, "", 0, align, false, 0, "")
		}
		x += w
	}
	f.SetDrawColor(170, 170, 170)
	f.SetLineWidth(0.15)
	f.Line(margin, y+rowH, margin+lw.width, y+rowH)
	f.SetXY(margin, y+rowH)
}

// wrap breaks s into lines no wider than w: at spaces within Latin text,
// anywhere between Chinese characters, and inside a word only when the
// word alone is wider than the line. Explicit newlines are kept.
func wrap(f *fpdf.Fpdf, s string, w float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapLine(f, para, w)...)
	}
	return out
}

func wrapLine(f *fpdf.Fpdf, s string, w float64) []string {
	if f.GetStringWidth(s) <= w {
		return []string{s}
	}
	var out []string
	for s != "" {
		// The longest prefix that fits, rune by rune.
		cut, width := 0, 0.0
		for i, r := range s {
			rw := f.GetStringWidth(string(r))
			if width+rw > w && i > 0 {
				break
			}
			width += rw
			cut = i + utf8.RuneLen(r)
		}
		if cut >= len(s) {
			out = append(out, s)
			break
		}
		// Prefer a break at a space, unless the break falls between
		// characters that need no space (CJK).
		next, _ := utf8.DecodeRuneInString(s[cut:])
		prev, _ := utf8.DecodeLastRuneInString(s[:cut])
		if !breakable(prev, next) {
			if sp := strings.LastIndexByte(s[:cut], ' '); sp > 0 {
				cut = sp
			}
		}
		out = append(out, strings.TrimRight(s[:cut], " "))
		s = strings.TrimLeft(s[cut:], " ")
	}
	return out
}

// breakable reports whether a line may break between a and b without a
// space: next to a CJK character or at a space.
func breakable(a, b rune) bool {
	return a == ' ' || b == ' ' || wide(a) || wide(b)
}

func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x30ff) || (r >= 0xff00 && r <= 0xffef)
}
