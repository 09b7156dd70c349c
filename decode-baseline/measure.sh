#!/usr/bin/env bash
# The issue's decode criterion in one run on one machine: a 1,000-order page into the generated types (and the
# lean struct without arbitrary_precision) by `cargo bench --bench decode`, then the same bytes into the lean
# struct with arbitrary_precision, built apart. Run from anywhere: bash decode-baseline/measure.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
page="$(mktemp)"
trap 'rm -f "$page"' EXIT
cp "$root/Cargo.lock" "$root/decode-baseline/Cargo.lock"
(cd "$root/decode-baseline" && cargo build --release --quiet)
(cd "$root" && cargo bench --quiet --bench decode -- --write-page "$page")
"$root/decode-baseline/target/release/decode-baseline" "$page"
