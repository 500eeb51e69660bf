#!/usr/bin/env bash
# Runs every Go fuzz target of the repository for the given time each.
set -euo pipefail
t=${1:-60s}
grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do
  pkg=./$(dirname "${f#./}")
  grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //' | while read -r name; do
    echo "== $pkg $name ($t)"
    go test -run "^$" -fuzz "^${name}\$" -fuzztime "$t" -fuzzminimizetime 5s "$pkg"
  done
done
