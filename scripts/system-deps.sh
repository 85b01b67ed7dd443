#!/bin/sh
# System packages presskit needs from the distribution: Pango (WeasyPrint's text layout),
# HarfBuzz's subsetter (about 4x faster PDF writing), Noto fonts (Latin, Cyrillic, Greek,
# Arabic, Hebrew ... and, in fonts-noto-cjk, Japanese, Chinese and Korean, which would print as
# empty boxes without it) and poppler-utils (the tests read PDFs back with pdftotext/pdfinfo).
# For the newsroom's tests (tests/test_site.py): Chromium (axe-core runs in it headless), Java
# (the Nu Html Checker is a jar) and Node.js with npm (they drive both; scripts/web-deps.sh).
# Installs what is missing when it can (as root with apt-get), otherwise prints the command.
set -u
missing=""
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1" || ls /usr/lib/*/"$1"* >/dev/null 2>&1; }

have_lib libpango-1.0.so.0 || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
have_lib libharfbuzz-subset.so.0 || missing="$missing libharfbuzz-subset0"
fc-list 2>/dev/null | grep -q "NotoSerif-Regular" || missing="$missing fonts-noto-core"
fc-list :lang=ja 2>/dev/null | grep -q . || missing="$missing fonts-noto-cjk"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -n "$missing" ] || exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null \
        && exit 0
    echo "apt-get could not install:$missing" >&2
    exit 1
fi
echo "presskit needs these system packages:$missing" >&2
echo "Install them with:  sudo apt-get update && sudo apt-get install -y$missing" >&2
# Missing fonts or the subsetter make builds worse, not impossible; missing Pango is fatal.
case "$missing" in *pango*) exit 1 ;; esac
exit 0
