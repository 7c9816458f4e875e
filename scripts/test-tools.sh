#!/usr/bin/env bash
# The system tools some tests drive, installed from Debian's packages when missing (no download
# from elsewhere): chromium for the browser tests (/docs, the studio page), a CJK font so Chinese
# text renders in its screenshots, tmux for the CLI's terminal test. Called by `make test` and
# .ci/run. Without apt-get (or the right to use it), the tests that need a tool skip with the reason.
set -u

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    missing+=(fonts-wqy-microhei)
fi
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "test-tools: no apt-get; tests needing ${missing[*]} will be skipped" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -n"; fi
echo "test-tools: installing ${missing[*]}" >&2
apt() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
apt install -y -q "${missing[@]}" >/dev/null 2>&1 \
    || { apt update -q >/dev/null 2>&1 && apt install -y -q "${missing[@]}" >/dev/null; } \
    || echo "test-tools: ${missing[*]} did not install; the tests needing them will be skipped" >&2
exit 0
