# tidings: the commands in README.md. Each target installs what it needs
# (scripts/setup.sh skips whatever is already there).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
CONTENT ?= content
SITE_E2E := target/site-e2e
# The same site built for a project-site path, for the sub-path e2e runs.
SITE_E2E_SUB := target/site-e2e-sub
SUB_PATH := /some/sub/path/

export PATH := $(HOME)/.cargo/bin:$(CURDIR)/.tools/node_modules/.bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export CARGO_TERM_PROGRESS_WHEN := never

.PHONY: setup setup-browser tidings serve dist site-e2e test test-native test-wasm test-e2e lint bench bench-web bench-search

setup:
	@scripts/setup.sh

setup-browser:
	@scripts/setup.sh --browser

# The native build step, as target/native/tidings.
tidings:
	cargo build --profile native -p tidings

# Bundle $(CONTENT) and serve the app at http://127.0.0.1:8080. Trunk
# rebuilds the app when its code changes; once it serves, `tidings build
# --watch` rebuilds the bundle and pages when a digest changes, and the
# open page (built with --reload) reloads itself.
serve: setup tidings
	( until (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; do sleep 0.3; done; \
	  exec target/native/tidings build --watch --reload --content "$(CONTENT)" --out dist \
	    --shell dist/index.html --cache target/tidings-cache ) & \
	watcher=$$!; trap 'kill $$watcher 2>/dev/null' EXIT INT TERM; \
	TIDINGS_CONTENT="$(CONTENT)" TIDINGS_BUILD_FLAGS="--reload $${TIDINGS_BUILD_FLAGS:-}" trunk serve

# How a release build compiles the app: the standard library is built
# with it from source (cargo's build-std, the rust-src component), so that
# a panic aborts at once, with no message and none of the formatting and
# unwinding code behind one (the app's panic hook is never reached). The
# toolchain's unstable flags are let through by RUSTC_BOOTSTRAP, for the
# app's wasm only: development builds and the native build step are built
# as before, with panic messages. Measured on the release wasm: 183.8 ->
# 172.9 kB brotli. `{:?}` writes nothing there (-Zfmt-debug=none): 169.2
# kB; messages quote with tidings_model::quoted instead. (These flags add
# to .cargo/config.toml's.)
RELEASE_WASM := RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none"

# Release site for any static host, in dist/. A failed build leaves the
# previous dist/ as it was: Trunk's staging folder is removed, not deployed.
dist: setup
	TIDINGS_CONTENT="$(CONTENT)" $(RELEASE_WASM) trunk build --release --dist dist || { rm -rf dist/.stage; exit 1; }
	@echo "dist/: $$(find dist -type f | wc -l) files, $$(du -sh dist | cut -f1)"

# The release site the end-to-end tests serve, built from content/.
site-e2e: setup
	TIDINGS_CONTENT=content $(RELEASE_WASM) trunk build --release --dist $(SITE_E2E) || { rm -rf $(SITE_E2E)/.stage; exit 1; }

# Every test: native unit, snapshot and CLI tests, component tests in the
# browser, then end-to-end tests of the built site.
test: setup-browser test-native test-wasm test-e2e

test-native:
	cargo test -p tidings-model -p tidings

test-wasm: setup-browser
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
		cargo test -p tidings-app --target wasm32-unknown-unknown --test components

# The whole suite at the root and under a sub-path, in both interface
# languages (the sub-path site is the root one rebuilt with a base URL).
test-e2e: site-e2e tidings
	rm -rf $(SITE_E2E_SUB) && cp -r $(SITE_E2E) $(SITE_E2E_SUB)
	target/native/tidings build --quiet --content content --out $(SITE_E2E_SUB) \
		--shell $(SITE_E2E_SUB)/index.html --base-url http://127.0.0.1$(SUB_PATH)
	for run in "/ zh $(SITE_E2E)" "/ en $(SITE_E2E)" "$(SUB_PATH) zh $(SITE_E2E_SUB)" "$(SUB_PATH) en $(SITE_E2E_SUB)"; do \
		set -- $$run; echo "== end-to-end at $$1, interface $$2"; \
		(cd tests/e2e && TIDINGS_BASE_PATH=$$1 TIDINGS_UI_LANG=$$2 TIDINGS_SITE=$(CURDIR)/$$3 \
			TIDINGS_BIN=$(CURDIR)/target/native/tidings \
			node --test --test-concurrency=1 --test-reporter=spec *.test.mjs) || exit 1; \
	done

# Build-step benchmark: synthetic digests at 1,000 and 10,000 (see scripts/bench.py).
bench: tidings
	python3 scripts/bench.py

# Browser benchmark: first view, first paint and filter timings at 12, 1,000
# and 10,000 synthetic digests in headless Chromium (tests/e2e/bench-web.mjs).
bench-web: setup-browser site-e2e tidings
	cd tests/e2e && TIDINGS_SITE=$(CURDIR)/$(SITE_E2E) TIDINGS_BIN=$(CURDIR)/target/native/tidings node bench-web.mjs

# Search benchmark at 10,000 synthetic digests: index build, size and
# files, recall against an exact scan, first-search bytes and time in
# Chromium, and Pagefind on the same corpus (tests/e2e/bench-search.mjs).
bench-search: setup-browser site-e2e tidings
	scripts/setup.sh --pagefind
	cd tests/e2e && TIDINGS_SITE=$(CURDIR)/$(SITE_E2E) TIDINGS_BIN=$(CURDIR)/target/native/tidings node bench-search.mjs

lint: setup
	cargo fmt --all --check
	cargo clippy -p tidings-model -p tidings --all-targets -- -D warnings
	cargo clippy -p tidings-app --target wasm32-unknown-unknown --all-targets -- -D warnings
