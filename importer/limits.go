package importer

// Limits on what an imported file may hold. They are far above what a real
// export of a customer-service system contains and low enough that a
// hostile or broken file is refused before it costs much memory, disk or
// time: reading never holds more than one row (plus buffers) in memory.
const (
	// MaxColumns is the most columns a header or row may have. The widest
	// record kind has a few dozen fields.
	MaxColumns = 200

	// MaxCellChars is the most characters a cell may hold: Excel's own
	// limit, so a longer cell cannot have come from a spreadsheet.
	MaxCellChars = 32767

	// MaxLineBytes is the most bytes of UTF-8 text one CSV row may take,
	// line break and quoted line breaks included, and the most an XLSX
	// row's cells may total.
	MaxLineBytes = 1 << 20

	// MaxZipEntries is the most entries an XLSX package may have; a
	// workbook of one sheet has about a dozen.
	MaxZipEntries = 1000

	// MaxUnzipSize is the most bytes all entries of an XLSX package may
	// declare uncompressed, the sheet included. Worksheets bigger than
	// MaxXMLInMemory are spooled to a temporary file, never held in memory.
	MaxUnzipSize = 1 << 30

	// MaxXMLInMemory is the size up to which a worksheet or the shared
	// strings are unzipped into memory; bigger ones go to a temporary file
	// (excelize's UnzipXMLSizeLimit).
	MaxXMLInMemory = 16 << 20

	// MaxSharedStrings is the most bytes the shared-string table may
	// declare. Excelize indexes every string of a spooled table in memory
	// (about 64 bytes each), so this bounds that index.
	MaxSharedStrings = 128 << 20

	// MaxPartSize is the most bytes any other part of an XLSX package
	// (styles, workbook, relationships, images) may declare: excelize reads
	// those whole into memory.
	MaxPartSize = 32 << 20

	// MaxCompressionRatio is the most an entry bigger than 1 MiB may have
	// been compressed. Spreadsheet XML compresses 5 to 50 times; a zip bomb
	// is a stream of one repeated byte, compressed about 1000 times.
	MaxCompressionRatio = 200
)
