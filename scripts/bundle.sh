#!/usr/bin/env sh
# Trunk post-build hook: bundles the digests in $TIDINGS_CONTENT (default
# content/) into Trunk's staging folder, with one copy of the built
# index.html per route so deep links open on any static file server. Files
# the same as in the site Trunk is about to replace are linked, not written;
# digests are parsed again only when their file changed (target/tidings-cache).
set -eu
content="${TIDINGS_CONTENT:-content}"
cargo build --quiet --profile native -p tidings
exec target/native/tidings build --content "$content" --out "$TRUNK_STAGING_DIR" \
  --reuse "$TRUNK_DIST_DIR" --cache target/tidings-cache --shell "$TRUNK_STAGING_DIR/index.html" ${TIDINGS_BUILD_FLAGS:-}
