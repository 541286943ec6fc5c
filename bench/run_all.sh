#!/usr/bin/env bash
# Runs every benchmark script in this folder and prints their figures.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for script in "$here"/bench_*.sh; do
  [ -e "$script" ] || continue
  echo "== $(basename "$script")"
  bash "$script"
done
