# csperf — build, test (SQLite + a throwaway PostgreSQL + a real Chromium), fuzz, bench.
GO ?= go
PKGS := ./...

.PHONY: build test test-short vet fuzz bench browser pdftools clean

build:
	$(GO) build -o bin/csperf ./cmd/csperf

vet:
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above" && exit 1)
	$(GO) vet $(PKGS)

# The whole suite: every store test runs on a fresh SQLite file and on a
# PostgreSQL 15 cluster started in a temporary directory for this run, and
# the browser tests drive Debian's Chromium (installed when missing); the
# PDF tests read documents back with poppler's pdftotext (installed too).
test: vet browser pdftools
	CSPERF_BROWSER_TESTS=1 ./scripts/with-postgres.sh $(GO) test -count=1 -timeout 20m $(PKGS)

# SQLite only, no browser: the quick loop while coding.
test-short:
	$(GO) test -count=1 $(PKGS)

browser:
	@command -v chromium >/dev/null 2>&1 || ./scripts/install-chromium.sh

pdftools:
	@command -v pdftotext >/dev/null 2>&1 || ./scripts/install-poppler.sh

# Each fuzz target runs for FUZZTIME (60 s by default).
FUZZTIME ?= 60s
fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

# Benchmarks: calculations and the import on both engines.
bench:
	./scripts/with-postgres.sh $(GO) test -run '^$$' -bench . -benchmem -timeout 60m $(PKGS)

clean:
	rm -rf bin
