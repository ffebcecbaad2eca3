#!/usr/bin/env bash
# Installs what building and testing tidings needs, skipping whatever is
# already present at the right version, so a fresh machine needs nothing by
# hand. Nothing here downloads a prebuilt binary: everything comes from the
# package registries (crates.io, npm, Debian).
#
#   scripts/setup.sh           wasm target, the standard library's source,
#                              Trunk, wasm-bindgen-cli, wasm-opt, esbuild
#   scripts/setup.sh --browser also Chromium, ChromeDriver, the e2e driver,
#                              feedparser (feed tests) and Hugo (bench-web)
#   scripts/setup.sh --pagefind also Pagefind (bench-search's anchor)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
ESBUILD_VERSION=0.24.2
PAGEFIND_VERSION=1.5.2
want_browser=0
want_pagefind=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --pagefind) want_pagefind=1 ;;
    *) echo "setup.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The standard library's source: a release build compiles it with the app
# (see RELEASE_WASM in the Makefile).
if ! rustup component list --installed | grep -qx 'rust-src'; then
  say "adding the rust-src component"
  rustup component add rust-src
fi
# Its dependencies, which Trunk's offline cargo cannot download: on a
# machine whose cargo registry lacks them the release build stopped at
# "no matching package named `moto-rt` found". Fetching what is already
# there is quick and downloads nothing.
RUSTC_BOOTSTRAP=1 cargo fetch -q -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (takes ~13 minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wb_version" ]; then
  say "no wasm-bindgen in Cargo.lock"; exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version (takes ~5 minutes)"
  # Not --locked: the CLI's own lockfile names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

# wasm-opt from the npm binaryen package: Debian's binaryen is too old and
# produces a module that fails at start-up.
if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  say "installing wasm-opt (npm binaryen $BINARYEN_VERSION) into .tools/"
  npm install --prefix .tools --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi

# esbuild (npm) minifies a release build's JavaScript glue and stylesheet
# (scripts/bundle.sh).
if [ "$(esbuild --version 2>/dev/null || true)" != "$ESBUILD_VERSION" ]; then
  say "installing esbuild $ESBUILD_VERSION (npm) into .tools/"
  npm install --prefix .tools --no-audit --no-fund --silent "esbuild@$ESBUILD_VERSION"
fi

if [ "$want_browser" = 1 ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  if ! command -v brotli >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli >/dev/null || say "brotli not installed; bench sizes will be skipped"
  fi
  # Chinese as readers see it: without a CJK font the browser draws boxes,
  # and the layout and accessibility tests would measure those.
  # (No pipe into `grep -q`: under pipefail, fc-list cut off by the early
  # exit would fail the test.)
  case "$(fc-list 2>/dev/null)" in
    *"Noto Sans CJK"*) ;;
    *)
      say "installing Debian's fonts-noto-cjk"
      { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; }; }
      ;;
  esac
  # The feed tests parse the feeds with a maintained feed parser.
  if ! PYTHONPATH=.tools/py python3 -c 'import feedparser' 2>/dev/null; then
    say "installing feedparser (PyPI) into .tools/py"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
      --target .tools/py "feedparser==6.0.11"
  fi
  # make bench-web builds the same digest with Hugo to compare first paint.
  if ! command -v hugo >/dev/null; then
    say "installing Debian's hugo (the first-paint comparison of make bench-web)"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null; }; } \
      || say "hugo not installed; bench-web skips the Hugo comparison"
  fi
  if [ ! -d tests/e2e/node_modules/playwright-core ] || [ ! -d tests/e2e/node_modules/axe-core ]; then
    say "installing the end-to-end driver (playwright-core, no browser download) and axe-core"
    (cd tests/e2e && npm ci --no-audit --no-fund --silent)
  fi
fi

if [ "$want_pagefind" = 1 ] && [ "$(pagefind --version 2>/dev/null || true)" != "pagefind $PAGEFIND_VERSION" ]; then
  say "installing pagefind $PAGEFIND_VERSION (npm) into .tools/"
  npm install --prefix .tools --no-audit --no-fund --silent "pagefind@$PAGEFIND_VERSION"
fi
