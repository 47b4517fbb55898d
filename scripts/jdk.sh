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
      _tinyfit_major="$major"
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

# Training and the float runtime use the JDK's Vector API, an incubator module on JDK 21-25 that
# has to be added at start-up; the JVM then prints one notice about it on stderr.
TINYFIT_VECTOR=(--add-modules jdk.incubator.vector)

# tinyfit_java ARGS...: runs java with the Vector API, drops that one notice and passes the rest
# of stderr through unchanged as it comes (progress bars included); stdin, stdout and the exit code
# are java's; Ctrl-C, kill and hang-up reach java (as SIGTERM: its shutdown hooks run). Returns once
# the last byte of stderr is out.
tinyfit_java() {
  local dir fifo pid fpid rc
  dir=$(mktemp -d "${TMPDIR:-/tmp}/tinyfit.XXXXXX") || return 1
  fifo="$dir/stderr"; mkfifo "$fifo" || { rm -rf "$dir"; return 1; }
  _tinyfit_drop_notice <"$fifo" >&2 &
  fpid=$!
  "$JAVA_HOME/bin/java" "${TINYFIT_VECTOR[@]}" $(_tinyfit_unsafe_flag) "$@" <&0 2>"$fifo" &
  pid=$!
  trap 'kill -TERM "$pid" 2>/dev/null' INT TERM HUP
  while :; do
    wait "$pid"; rc=$?
    kill -0 "$pid" 2>/dev/null || break
  done
  trap - INT TERM HUP
  wait "$fpid" 2>/dev/null
  rm -rf "$dir"
  return "$rc"
}

# JDK 24+ warns (four lines on stderr) the first time a library calls sun.misc.Unsafe's memory
# methods, as protobuf does when tinyfit reads an .onnx; JDK 23 added the flag that allows them quietly.
_tinyfit_unsafe_flag() {
  local major="${_tinyfit_major:-}"
  [ -n "$major" ] || major=$(_tinyfit_jdk_major "$JAVA_HOME")
  if [ -n "$major" ] && [ "$major" -ge 23 ]; then echo --sun-misc-unsafe-memory-access=allow; fi
}

_tinyfit_drop_notice() { # copies stdin to stdout without the JVM's incubator notice (its first line)
  local first
  if IFS= read -r first; then
    [ "$first" = "WARNING: Using incubator modules: jdk.incubator.vector" ] || printf '%s\n' "$first"
    exec cat
  else
    printf '%s' "$first"
  fi
}
