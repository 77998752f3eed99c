#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (playwright-core drives it; it never
# downloads a browser of its own, and the network only reaches the package registries).
# Quiet when Chromium is already there; otherwise installs it with apt-get (CI and the developers'
# machines run as root with no stdin) and fails loudly if that does not work.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

fail() {
  echo "ensure-chromium: $*" >&2
  echo "ensure-chromium: the browser tests need Debian's chromium package at $CHROMIUM" >&2
  exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
  fail "apt-get is not available on this machine"
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    fail "not root and no password-less sudo: install chromium by hand (apt-get install chromium)"
  fi
fi

echo "ensure-chromium: installing chromium from the Debian packages (one-time)..." >&2
export DEBIAN_FRONTEND=noninteractive
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
if ! "${SUDO[@]}" apt-get update >"$LOG" 2>&1; then
  cat "$LOG" >&2
  fail "apt-get update failed"
fi
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends chromium </dev/null >"$LOG" 2>&1; then
  cat "$LOG" >&2
  fail "apt-get install chromium failed"
fi
[ -x "$CHROMIUM" ] || fail "chromium was installed but $CHROMIUM is missing"
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed" >&2
