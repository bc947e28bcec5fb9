# Sourced by the other scripts: sets JAVA_HOME to a JDK >= SLUICE_MIN_JDK (22), or exits
# with one line saying there is none. Order: $JAVA_HOME if suitable, then the JDKs
# installed under /usr/lib/jvm (newest first), then the `java` on PATH.
SLUICE_MIN_JDK=${SLUICE_MIN_JDK:-22}

sluice_jdk_feature() { # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release" v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  fi
  [ "$v" = 1 ] && v=8
  echo "$v"
}

sluice_find_jdk() {
  local c v candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in $(ls -d /usr/lib/jvm/*/ /usr/local/lib/jvm/*/ /opt/java/*/ 2>/dev/null | sort -Vr); do
    candidates+=("${c%/}")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in "${candidates[@]}"; do
    v=$(sluice_jdk_feature "$c")
    if [ -n "$v" ] && [ "$v" -ge "$SLUICE_MIN_JDK" ] 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  return 1
}

if ! SLUICE_JAVA_HOME=$(sluice_find_jdk); then
  echo "sluice: no JDK ${SLUICE_MIN_JDK} or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, and java on PATH); install one (e.g. a JDK 25) or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME="$SLUICE_JAVA_HOME"
export PATH="$JAVA_HOME/bin:$PATH"
