#!/usr/bin/env bash
# lab-deps.sh: installs the Debian packages the lab (scripts/lab.sh, dev.sluice.lab.Lab) needs,
# only when something is missing. Idempotent, and silent when everything is already there.
#
#   iproute2  ip, tc       (required)
#   procps    sysctl       (required: the lab sets rp_filter and IPv6 inside the namespaces)
#   coreutils timeout      (required; on every Debian system anyway)
#   ethtool   ethtool      (optional, with --ethtool: turns off the veths' offloads; without it
#                          the lab does the same for GSO/TSO via `ip link set ... gso_max_segs 1`)
#
# Usage: scripts/lab-deps.sh [--ethtool] [--check]
#   --check   install nothing: list what is missing and exit 1 if anything is
set -euo pipefail
PROG=lab-deps.sh
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

want_ethtool=0 check_only=0
for arg in "$@"; do
  case $arg in
    --ethtool) want_ethtool=1 ;;
    --check) check_only=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "$PROG: unknown argument '$arg'; see '$PROG --help'" >&2; exit 2 ;;
  esac
done

missing=()
need() { # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  local p
  for p in "${missing[@]}"; do [[ $p == "$2" ]] && return 0; done
  missing+=("$2")
}
need ip iproute2
need tc iproute2
need sysctl procps
need timeout coreutils
if (( want_ethtool )); then need ethtool ethtool; fi

(( ${#missing[@]} )) || exit 0
if (( check_only )); then
  echo "$PROG: missing: ${missing[*]}" >&2
  exit 1
fi
[[ $(id -u) == 0 ]] || { echo "$PROG: missing ${missing[*]}; installing them needs root: sudo $0 $*" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || { echo "$PROG: missing ${missing[*]}, and there is no apt-get to install them with (not Debian/Ubuntu?)" >&2; exit 1; }

echo "$PROG: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "$PROG: apt-get could not install ${missing[*]} (its output is above)" >&2
  exit 1
fi
