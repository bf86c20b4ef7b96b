# One short line per set-up step on stdout; a step's own output is shown only when it fails.
step() { printf '==> %s\n' "$*"; }

quietly() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    printf 'set-up step failed: %s\n' "$*" >&2
    return 1
  fi
  rm -f "$log"
}

locked_count() { grep -c '^\[\[package\]\]' uv.lock; }
