#!/usr/bin/env sh
# Trunk post-build hook: bundles the digests in $TIDINGS_CONTENT (default
# content/) into Trunk's staging folder, with one copy of the built
# index.html per route so deep links open on any static file server. Files
# the same as in the site Trunk is about to replace are linked, not written;
# digests are parsed again only when their file changed (target/tidings-cache).
set -eu
content="${TIDINGS_CONTENT:-content}"

# Built as `make tidings` builds it: without the release wasm's build
# settings (RELEASE_WASM in the Makefile), which this hook inherits and
# which change the native build's settings too, so that this build and
# `make tidings` each rebuilt what the other had built.
env -u RUSTC_BOOTSTRAP -u CARGO_UNSTABLE_BUILD_STD cargo build --quiet --profile native -p tidings

# In a release build, the JavaScript glue and the stylesheet are minified
# (esbuild, installed by scripts/setup.sh; Trunk leaves wasm-bindgen's
# glue as it is). Then the wasm and the glue call each other by short
# names (wasm-bindgen's end in hex hashes, which do not compress; see
# crates/tidings/src/glue.rs): after minifying, as the glue's own copies
# of those names are gone by then. Each step writes the files' integrity
# attributes in the shell again to match.
if [ "${TRUNK_PROFILE:-}" = release ]; then
  PATH="$PWD/.tools/node_modules/.bin:$PATH"
  command -v esbuild >/dev/null || {
    echo "bundle.sh: esbuild is missing; scripts/setup.sh installs it" >&2; exit 1; }
  for file in "$TRUNK_STAGING_DIR"/*.js "$TRUNK_STAGING_DIR"/*.css; do
    [ -f "$file" ] || continue
    case "$file" in *.js) format=--format=esm ;; *) format= ;; esac
    before="sha384-$(openssl dgst -sha384 -binary "$file" | base64 -w0)"
    grep -q "integrity=\"$before\"" "$TRUNK_STAGING_DIR/index.html" || {
      echo "bundle.sh: no integrity $before for $file in the shell" >&2; exit 1; }
    esbuild "$file" --minify $format --log-level=warning --outfile="$file.min"
    mv "$file.min" "$file"
    after="sha384-$(openssl dgst -sha384 -binary "$file" | base64 -w0)"
    sed -i "s|integrity=\"$before\"|integrity=\"$after\"|" "$TRUNK_STAGING_DIR/index.html"
  done
  set -- "$TRUNK_STAGING_DIR"/*_bg.wasm
  [ $# = 1 ] && [ -f "$1" ] || {
    echo "bundle.sh: expected one *_bg.wasm in $TRUNK_STAGING_DIR" >&2; exit 1; }
  target/native/tidings shorten-glue --wasm "$1" --js "${1%_bg.wasm}.js" \
    --shell "$TRUNK_STAGING_DIR/index.html"
fi

exec target/native/tidings build --content "$content" --out "$TRUNK_STAGING_DIR" \
  --reuse "$TRUNK_DIST_DIR" --cache target/tidings-cache --shell "$TRUNK_STAGING_DIR/index.html" ${TIDINGS_BUILD_FLAGS:-}
