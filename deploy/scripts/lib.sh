# Helpers for the setup scripts: a step that needs a registry fails early and says which.
set -euo pipefail

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# fetch_or_die "<registry>" "<what>" cmd... — run an install command; if it fails, stop with a
# message naming the registry and the command's last output lines, before anything is started.
fetch_or_die() {
  local registry=$1 what=$2; shift 2
  local out
  out=$(mktemp)
  if ! "$@" >"$out" 2>&1; then
    printf '\n\033[31mtradeflow setup: could not %s from %s.\033[0m\n' "$what" "$registry" >&2
    printf 'The command was: %s\nIts last output:\n' "$*" >&2
    tail -n 15 "$out" | sed 's/^/    /' >&2
    printf 'Nothing was started. Check the network access to %s and run the command again.\n' "$registry" >&2
    rm -f "$out"
    exit 1
  fi
  rm -f "$out"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "tradeflow setup: '$*' needs root and there is no sudo" >&2; exit 1; fi
}
