#!/usr/bin/env bash
# Generates FFM bindings with jextract for exactly the ABI headers/sluice.h lists, into a
# scratch directory, to compare with the hand-written bindings. See --help.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
header="$repo/headers/sluice.h"
package=dev.sluice.bindings.jextracted

usage() {
  cat <<'EOF'
Usage: scripts/jextract.sh [-o DIR] [--list] [-- JEXTRACT_ARGS...]

Runs jextract on headers/sluice.h and writes Java sources of the package
dev.sluice.bindings.jextracted under DIR (default: target/jextract in the
repository), limited with --include-function, --include-struct,
--include-typedef and --include-constant to exactly the ABI sluice.h lists
(SLUICE_FUNCTIONS, SLUICE_STRUCTS, SLUICE_TYPES, SLUICE_CONSTANTS,
SLUICE_ERRNOS).

The build does not depend on this script, on its output, or on jextract: the
bindings in native-bindings are written by hand, and LayoutTest checks them
against the system's C headers through headers/layout_check.c. The generated
code is for comparing with the hand-written bindings (struct layouts, offsets,
constant values, function descriptors); do not copy it into the source tree.

jextract is $JEXTRACT if set, else jextract on PATH
(binaries: https://jdk.java.net/jextract).

Options:
  -o, --output DIR  write under DIR instead of target/jextract; must not be
                    inside a src/ directory of the repository
  --list            print the jextract arguments this script would pass, one
                    option a line, and exit (needs no jextract)
  -h, --help        print this text
  -- ARGS...        pass ARGS on to jextract (e.g. --dump-includes FILE)
EOF
}

die() {
  echo "jextract.sh: $*" >&2
  exit 1
}

out="$repo/target/jextract"
list_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -o|--output)
      [ $# -ge 2 ] || die "$1 needs a directory"
      out=$2; shift 2 ;;
    --list) list_only=1; shift ;;
    --) shift; break ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[ -f "$header" ] || die "no $header"

# The body of the multi-line macro '#define NAME(' of sluice.h: from its first line to the
# first line that does not end in a backslash.
macro_body() {
  sed -n "/^#define $1(/,/[^\\\\]\$/p" "$header"
}

# Names of the entries MARK(name...) in the body of macro $1, e.g. X(socket) -> socket.
entries() {
  macro_body "$1" | grep -oE "(^|[^A-Za-z0-9_])$2\\([A-Za-z_][A-Za-z0-9_]*" | sed -E "s/.*$2\\(//"
}

# T(name, type) entries that are typedefs (name ending in _t, equal to its type); char, int,
# long, pointer... are jextract's own C_* layouts.
typedef_entries() {
  macro_body SLUICE_TYPES | grep -oE 'T\([A-Za-z_][A-Za-z0-9_]*, *[A-Za-z_][A-Za-z0-9_ *]*\)' \
    | sed -nE 's/^T\(([A-Za-z0-9_]+_t), *\1\)$/\1/p'
}

mapfile -t functions < <(entries SLUICE_FUNCTIONS X)
mapfile -t structs < <(entries SLUICE_STRUCTS S)
mapfile -t typedefs < <(typedef_entries)
mapfile -t constants < <(entries SLUICE_CONSTANTS X; entries SLUICE_ERRNOS X)
for n in ${#functions[@]} ${#structs[@]} ${#typedefs[@]} ${#constants[@]}; do
  if [ "$n" -eq 0 ]; then
    die "cannot read the lists of $header (functions ${#functions[@]}, structs ${#structs[@]}," \
      "typedefs ${#typedefs[@]}, constants ${#constants[@]}): has their form changed?"
  fi
done

# What the listed declarations need and jextract refuses to leave out: the address structs
# inside sockaddr_in/sockaddr_in6, and the transparent unions glibc declares the sockaddr
# arguments of bind, connect, sendto, recvfrom... with under _GNU_SOURCE (read them as pointers).
dep_structs=(in_addr in6_addr)
dep_typedefs=(__SOCKADDR_ARG __CONST_SOCKADDR_ARG)

includes=()
for f in "${functions[@]}"; do includes+=(--include-function "$f"); done
for s in "${structs[@]}" "${dep_structs[@]}"; do includes+=(--include-struct "$s"); done
for t in "${typedefs[@]}" "${dep_typedefs[@]}"; do includes+=(--include-typedef "$t"); done
for c in "${constants[@]}"; do includes+=(--include-constant "$c"); done

if [ "$list_only" = 1 ]; then
  # Every option here takes one value: print them as pairs.
  printf '%s %s\n' --target-package "$package" --header-class-name sluice_h --output "$out" \
    --include-dir "$repo/headers" "${includes[@]}"
  exit 0
fi

if [ -n "${JEXTRACT:-}" ]; then
  jextract=$(command -v "$JEXTRACT" 2>/dev/null) \
    || die "JEXTRACT=$JEXTRACT is not an executable; the build does not need jextract"
else
  jextract=$(command -v jextract 2>/dev/null) \
    || die "jextract not found: set JEXTRACT or put jextract on PATH (https://jdk.java.net/jextract); the build does not need it"
fi

out=$(realpath -m -- "$out")
case "$out/" in
  "$repo"/src/*|"$repo"/*/src/*) die "refusing to write into a source tree: $out (use a scratch directory)" ;;
esac
mkdir -p "$out"
pkgdir="$out/${package//.//}"
# Files left by an earlier run would mislead a comparison: clear our package, nothing else.
rm -rf "${pkgdir:?}"

echo "jextract.sh: $jextract on headers/sluice.h -> $pkgdir" >&2
"$jextract" --target-package "$package" --header-class-name sluice_h --output "$out" \
  --include-dir "$repo/headers" "${includes[@]}" "$@" "$header"

echo "jextract.sh: done; compare e.g. $pkgdir/tcp_info.java with" \
  "native-bindings/src/main/java/dev/sluice/bindings/TcpInfo.java" >&2
