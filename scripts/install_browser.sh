#!/usr/bin/env bash
# Install Debian's Chromium for the real-browser tests (tests/test_widgets_browser.py).
#
# Idempotent and fast when Chromium is already there. Never fails the caller (`make browser`):
# where Chromium cannot be installed (not root, no apt-get, no network), it says why and exits 0;
# the browser tests then skip with that reason, or fail under CI (LRLAB_REQUIRE_BROWSER=1).
set -u

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "install_browser: $("$CHROMIUM" --version 2>/dev/null || echo chromium) already installed"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser: no apt-get here; install Chromium at $CHROMIUM by hand to run the browser tests"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install_browser: not root and no password-less sudo; run 'apt-get install chromium' as root"
        exit 0
    fi
fi

log=$(mktemp)
echo "install_browser: installing Debian's chromium (apt-get), log in $log"
if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 &&
   $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       chromium fonts-dejavu-core >>"$log" 2>&1 && [ -x "$CHROMIUM" ]; then
    echo "install_browser: $("$CHROMIUM" --version 2>/dev/null) installed"
else
    echo "install_browser: no $CHROMIUM after apt-get (last lines of $log follow); the browser tests will skip"
    tail -n 5 "$log"
fi
exit 0
