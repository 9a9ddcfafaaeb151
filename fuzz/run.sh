#!/usr/bin/env bash
# Runs one fuzz target for a fixed time from a copy of its committed corpus, after its
# regression inputs (fuzz/regressions/<target>/, each once). Fails on any crash, leak, timeout
# or sanitizer report: libFuzzer exits non-zero and saves the input under <artifact dir>.
# A dictionary in fuzz/dictionaries/<target>.dict, if there is one, is passed with -dict=.
#   run.sh <target binary> <corpus dir> <seconds> <artifact dir>
set -euo pipefail
binary=$1 corpus=$2 seconds=$3 artifacts=$4
name=$(basename "$corpus")
fuzz_dir=$(dirname "$(dirname "$corpus")")
export UBSAN_OPTIONS="suppressions=$fuzz_dir/ubsan.supp:halt_on_error=1:print_stacktrace=1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
if [ -d "$fuzz_dir/regressions/$name" ] && [ -n "$(ls -A "$fuzz_dir/regressions/$name")" ]; then
  "$binary" -runs=0 "$fuzz_dir/regressions/$name"/*
fi
cp -r "$corpus/." "$work/"
dict=()
if [ -f "$fuzz_dir/dictionaries/$name.dict" ]; then dict=(-dict="$fuzz_dir/dictionaries/$name.dict"); fi
cd "$work"
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  "${dict[@]}" -artifact_prefix="$artifacts/$name-" "$work"
