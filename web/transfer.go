package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"csperf"
	"csperf/importer"
)

// exportPage is how many records an export reads at a time.
const exportPage = 5000

var exportTypes = map[string]string{
	importer.ExportCSV:  "text/csv; charset=utf-8",
	importer.ExportXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	importer.ExportJSON: "application/json; charset=utf-8",
}

// export streams the records of k the caller may see, filtered as a list
// is, as CSV, XLSX or JSON: personal data masked unless the caller may and
// asks to unmask. Every export is audited; exports are rate-limited per
// user.
func (s *Server) export(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		if ok, wait := s.exportLimit.allow(u.ID); !ok {
			s.tooMany(w, r, wait)
			return
		}
		q := r.URL.Query()
		format := q.Get("format")
		if format == "" {
			format = importer.ExportCSV
		}
		if exportTypes[format] == "" {
			s.fail(w, r, csperf.FieldErrorf("format", "%q is not one of csv, xlsx, json", format))
			return
		}
		q.Set("limit", "1")
		f, err := listFilter(k, q, u, s.cfg.Loc)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		unmask, err := wantUnmask(r, k)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ctx := r.Context()
		f.Limit = exportPage
		recs, total, err := s.cfg.Records.ListRecords(ctx, k, f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		detail, _ := json.Marshal(map[string]any{"format": format, "rows": total, "unmasked": unmask})
		action := "export"
		if unmask {
			action = "export.unmask"
		}
		if err := s.cfg.Audit.Audit(ctx, action, k.Name, "", string(detail)); err != nil {
			s.fail(w, r, err)
			return
		}
		header := make([]string, len(k.Fields))
		numeric := make([]bool, len(k.Fields))
		for i, fl := range k.Fields {
			header[i] = fl.Name
			numeric[i] = fl.Type == csperf.TInt || fl.Type == csperf.TMoney
		}
		name := fmt.Sprintf("%s-%s.%s", k.Name, s.cfg.Now().In(s.cfg.Loc).Format("20060102-150405"), format)
		w.Header().Set("Content-Type", exportTypes[format])
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		ew, err := importer.NewWriter(format, w, header, importer.WriterOptions{Numeric: numeric, Sheet: k.Name})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cells := make([]string, len(k.Fields))
		for {
			for _, rec := range recs {
				for i, fl := range k.Fields {
					v := text(rec[fl.Name], s.cfg.Loc)
					if fl.PII != csperf.PIINone && !unmask {
						v = csperf.Mask(fl.PII, v)
					}
					cells[i] = v
				}
				if err := ew.Write(cells); err != nil {
					s.cfg.Logger.Warn("export aborted", "kind", k.Name, "err", err)
					return
				}
			}
			if len(recs) < f.Limit {
				break
			}
			f.Offset += len(recs)
			if recs, _, err = s.cfg.Records.ListRecords(ctx, k, f); err != nil {
				s.cfg.Logger.Error("export", "kind", k.Name, "err", err)
				return
			}
		}
		if err := ew.Close(); err != nil {
			s.cfg.Logger.Warn("export close", "kind", k.Name, "err", err)
		}
	}
}

// upload is an uploaded file, readable at any offset as the XLSX reader
// needs.
type upload struct {
	name string
	ra   io.ReaderAt
	size int64
	done func()
}

// readUpload takes the file of a multipart form's "file" field, or the raw
// body named by ?name=; a raw body is spooled to a temporary file.
func readUpload(w http.ResponseWriter, r *http.Request) (*upload, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return nil, csperf.Errorf(csperf.EINVALID, "the file is larger than %d MiB", maxUpload>>20)
			}
			return nil, csperf.Errorf(csperf.EINVALID, "the upload is not a readable form")
		}
		file, fh, err := r.FormFile("file")
		if err != nil {
			return nil, csperf.FieldErrorf("file", "choose a file to import")
		}
		return &upload{name: cleanName(fh.Filename), ra: file, size: fh.Size, done: func() { file.Close(); r.MultipartForm.RemoveAll() }}, nil
	}
	name := cleanName(r.URL.Query().Get("name"))
	if name == "" {
		return nil, csperf.FieldErrorf("name", "give the file's name (?name=visits.csv), whose extension says its format")
	}
	tmp, err := os.CreateTemp("", "csperf-upload-*")
	if err != nil {
		return nil, err
	}
	done := func() { tmp.Close(); os.Remove(tmp.Name()) }
	n, err := io.Copy(tmp, http.MaxBytesReader(w, r.Body, maxUpload))
	if err != nil {
		done()
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, csperf.Errorf(csperf.EINVALID, "the file is larger than %d MiB", maxUpload>>20)
		}
		return nil, csperf.Errorf(csperf.EINVALID, "the upload was cut off")
	}
	return &upload{name: name, ra: tmp, size: n, done: done}, nil
}

var _ io.ReaderAt = (multipart.File)(nil)

// cleanName keeps the base name of an uploaded file, which row errors are
// reported against.
func cleanName(s string) string {
	s = filepath.Base(strings.ReplaceAll(s, "\\", "/"))
	if s == "." || s == "/" {
		return ""
	}
	return s
}

// importUpload imports an uploaded file into k, all rows or none.
func (s *Server) importUpload(ctx context.Context, k *csperf.Kind, up *upload, update bool) (*csperf.ImportResult, error) {
	rd, err := importer.Open(up.name, up.ra, up.size, importer.Options{})
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	m, err := rd.Map(k)
	if err != nil {
		return nil, err
	}
	res, err := s.cfg.Imports.Import(ctx, k, importer.NewSource(rd, m, s.cfg.Loc), csperf.ImportOptions{File: up.name, Update: update})
	if err != nil {
		return nil, err
	}
	s.evaluateAlertsAfter("import", k.Name)
	return res, nil
}

// evaluateAlertsAfter evaluates targets and goals (issue 4) once an import
// or a survey answered through a link (cause) has committed records of
// kind, in the background: the answer to the request never waits for it
// and never fails because of it; a failure is logged (store errors name
// ids and SQL, no personal data). Changes arriving while an evaluation
// runs are covered by one more evaluation after it, not one each.
func (s *Server) evaluateAlertsAfter(cause, kind string) {
	if s.cfg.Alerts == nil {
		return
	}
	s.alertMu.Lock()
	if s.alertRunning {
		s.alertAgain = true
		s.alertMu.Unlock()
		return
	}
	s.alertRunning = true
	s.alertMu.Unlock()
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		for {
			ctx, cancel := context.WithTimeout(s.bgCtx, 30*time.Minute)
			as, err := s.cfg.Alerts.EvaluateAlerts(ctx, s.cfg.Now())
			cancel()
			if err != nil && s.bgCtx.Err() == nil {
				s.cfg.Logger.Error("evaluate alerts after "+cause, "kind", kind, "err", err)
			} else if err == nil {
				s.cfg.Logger.Info("alerts evaluated after "+cause, "kind", kind, "new", len(as))
			}
			s.alertMu.Lock()
			if !s.alertAgain {
				s.alertRunning = false
				s.alertMu.Unlock()
				return
			}
			s.alertAgain = false
			s.alertMu.Unlock()
		}
	}()
}

// apiImport is POST /api/v1/import/{kind}: the result, or 422 with every
// row error as the command line reports it.
func (s *Server) apiImport(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		up, err := readUpload(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer up.done()
		v := r.URL.Query().Get("update")
		res, err := s.importUpload(r.Context(), k, up, v == "1" || v == "true")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.writeJSON(w, http.StatusOK, res)
	}
}
