#!/usr/bin/env bash
# Build time of fulfillment-apis against this minimal crate, in one run on one machine (issue 14, part 5):
# both built clean into fresh target dirs, then the crate rebuilt after a one-word edit of spec/gooten.yaml.
# Run from anywhere: bash build-baseline/measure.sh. Uses the crate's Cargo.lock so versions match.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'cp "$work/gooten.yaml" "$root/spec/gooten.yaml" 2>/dev/null || true; rm -rf "$work"' EXIT
seconds() { local start=$SECONDS; "$@" >/dev/null 2>&1; echo $((SECONDS - start)); }
cp "$root/Cargo.lock" "$root/build-baseline/Cargo.lock"
minimal=$(cd "$root/build-baseline" && seconds env CARGO_TARGET_DIR="$work/minimal" cargo build)
crate=$(cd "$root" && seconds env CARGO_TARGET_DIR="$work/crate" cargo build)
cp "$root/spec/gooten.yaml" "$work/gooten.yaml"
line=$(grep -n "summary:" "$root/spec/gooten.yaml" | head -1 | cut -d: -f1)
sed -i "${line}s/summary: \(\w*\)/summary: \1x/" "$root/spec/gooten.yaml"
rebuild=$(cd "$root" && seconds env CARGO_TARGET_DIR="$work/crate" cargo build)
echo "clean build: minimal ${minimal} s, fulfillment-apis ${crate} s; rebuild after a one-word spec edit: ${rebuild} s"
