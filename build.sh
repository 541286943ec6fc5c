#!/usr/bin/env bash
# The README's two commands:
#   ./build.sh refresh [DATA_DIR]   install what is missing, build, run the weekly refresh
#   ./build.sh test                 install what is missing, build, run every test
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
build_dir="${JTAI_BUILD_DIR:-$here/build}"
jobs="$(nproc 2>/dev/null || echo 2)"

configure_and_build() {
  cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$build_dir" -j "$jobs"
}

case "${1:-}" in
  refresh)
    scripts/install-deps.sh
    configure_and_build
    data_dir="${2:-$here/data}"
    shift $(( $# > 1 ? 2 : 1 ))
    exec "$build_dir/jtai" refresh --data "$data_dir" "$@"
    ;;
  test)
    scripts/install-deps.sh --with-tests
    configure_and_build -DJTAI_BUILD_TESTS=ON
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
    ;;
  *)
    echo "usage: $0 refresh [DATA_DIR] [jtai refresh options] | $0 test" >&2
    exit 64
    ;;
esac
