#!/usr/bin/env bash
# Installs the Debian packages jtai needs to build, run and test, skipping
# those already present. Safe to run repeatedly; needs root (or sudo) only
# when something is missing.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config
  libcurl4-openssl-dev libmd-dev libgumbo-dev libpoppler-glib-dev libpoppler-cpp-dev libre2-dev
  libsqlite3-dev libxlsxwriter-dev libtomlplusplus-dev nlohmann-json3-dev
  libcli11-dev
)
test_packages=(
  doctest-dev libcpp-httplib-dev poppler-utils python3 python3-openpyxl
  libreoffice-calc-nogui chromium sqlite3
)

# Only for the libFuzzer targets (README, "Fuzzing"): scripts/install-deps.sh --with-fuzz
fuzz_packages=(clang libclang-rt-14-dev)

wanted=("${build_packages[@]}")
if [ "${1:-}" = "--with-tests" ]; then wanted+=("${test_packages[@]}"); fi
if [ "${1:-}" = "--with-fuzz" ]; then wanted+=("${test_packages[@]}" "${fuzz_packages[@]}"); fi

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
