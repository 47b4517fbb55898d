# Sourced by ./tinyfit, ./run-tests and .ci/run: picks a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME, then every JDK under /usr/lib/jvm (newest first); on Debian, installs
# openjdk-21-jdk-headless when allowed (TINYFIT_INSTALL=1) and none is found.

_tinyfit_jdk_major() { # prints the major version of the JDK at $1, or nothing
  [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

tinyfit_find_jdk() {
  local cand major
  for cand in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    [ -n "$cand" ] || continue
    major=$(_tinyfit_jdk_major "$cand")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$cand"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  if [ "${TINYFIT_INSTALL:-0}" = 1 ] && command -v apt-get >/dev/null 2>&1; then
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq openjdk-21-jdk-headless >/dev/null \
      && JAVA_HOME= tinyfit_find_jdk && return 0
  fi
  echo "tinyfit needs a JDK 21 or newer: install one (Debian: apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it." >&2
  return 1
}
