#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium for the report's end-to-end test (playwright-core
# drives it; no tool ever downloads a browser build). Installs it when we are root with apt-get, otherwise
# says why it cannot and what to run. Exit 0 when chromium is there afterwards, 1 when it is not.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available: install Chromium with your package manager so that $CHROMIUM exists" >&2
  exit 1
fi

if [ "$(id -u)" != "0" ]; then
  echo "ensure-chromium: $CHROMIUM is missing and we are not root: run 'sudo apt-get update && sudo apt-get install -y chromium'" >&2
  exit 1
fi

echo "ensure-chromium: installing Debian's chromium (for the report end-to-end test)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed" >&2
