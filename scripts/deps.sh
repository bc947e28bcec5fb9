#!/usr/bin/env bash
# Installs the Debian packages Sluice's build and tests use, only those missing, quietly:
#   maven                 the build
#   gcc, linux-libc-dev   the layout test compiles headers/layout_check.c against the C headers
#   iproute2 (ss, ip, tc), procps, ethtool   the lab and the probe-vs-ss test (scripts/lab-deps.sh)
#   fontconfig, fonts-dejavu-core   the demo report's charts (the JDK finds fonts through fontconfig)
# Installing needs root; otherwise it says what is missing and the tests that need it say why they skip.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
need=()
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
[ -e /usr/include/linux/inet_diag.h ] || need+=(linux-libc-dev)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "sluice: missing packages: ${need[*]} (installing them needs root)" >&2
  else
    echo "sluice: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
if [ "$(id -u)" -eq 0 ]; then
  "$here/lab-deps.sh" --ethtool
else
  "$here/lab-deps.sh" --check || true
fi
