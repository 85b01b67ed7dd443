#!/bin/sh
# What tests/test_site.py checks the newsroom with, from npm into tests/web/node_modules (kept
# out of git): the Nu Html Checker (vnu-jar), axe-core and puppeteer-core, which drives the
# system's Chromium and never downloads a browser. Versions are pinned in tests/web's
# package-lock.json. Without npm the tests that need these skip, saying why.
set -u
cd "$(dirname "$0")/../tests/web" || exit 1
if ! command -v npm >/dev/null 2>&1; then
    echo "npm is missing: the newsroom's HTML and accessibility checks will be skipped" \
         "(install it with: sudo apt-get install -y nodejs npm)" >&2
    exit 0
fi
[ package-lock.json -ot node_modules/.package-lock.json ] && exit 0
PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --silent || {
    echo "npm could not install tests/web's packages: the newsroom's HTML and accessibility" \
         "checks will be skipped" >&2
    exit 0
}
