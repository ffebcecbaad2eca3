// Test harness: static servers on 127.0.0.1 and headless Debian Chromium.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, copyFileSync, rmSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, extname, normalize } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const SITE = process.env.TIDINGS_SITE ?? new URL('../../target/site-e2e', import.meta.url).pathname;
export const BIN = process.env.TIDINGS_BIN ?? new URL('../../target/native/tidings', import.meta.url).pathname;
const CONTENT = new URL('../../content', import.meta.url).pathname;

/**
 * The bundle's paths and the app's URLs, as templates printed by `tidings
 * scheme` from the model's own functions: nothing here spells them out.
 */
export const SCHEME = JSON.parse(execFileSync(BIN, ['scheme'], { encoding: 'utf8' }));

/**
 * The path the sites under test are served under (`/` or `/some/sub/path/`,
 * TIDINGS_BASE_PATH), and the interface language the browser has chosen
 * (TIDINGS_UI_LANG, `zh` or `en`). `make test-e2e` runs the suite in each.
 */
export const BASE_PATH = `/${(process.env.TIDINGS_BASE_PATH ?? '/').replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
export const LANG = process.env.TIDINGS_UI_LANG ?? 'zh';

/** A root-relative path as the site under test serves it. */
export const href = (path) => `${BASE_PATH}${path.replace(/^\//, '')}`;

/** A count as the app writes it: in groups of three digits ("115,343"). */
export const grouped = (n) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
/** A template of `tidings scheme` filled in; numbers are written as counts. */
export const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (_, k) => (typeof values[k] === 'number' ? grouped(values[k]) : String(values[k])));

/** `n` of `kind` (`items`, `digests`) in `lang`: its one or many form. */
const counted = (lang, kind, n) => fill(SCHEME.text[lang][n === 1 ? `${kind}_one` : `${kind}_many`], { n });

/**
 * A list's count line in `lang`, from the model's table: "1 digest, 13
 * items" / "1 期日报，13 条新闻".
 */
export function countIn(lang, digests, items) {
  return `${counted(lang, 'digests', digests)}${SCHEME.text[lang].list_separator}${counted(lang, 'items', items)}`;
}

/**
 * The interface strings of LANG, from the model's own table (`tidings
 * scheme`), with its counted forms.
 */
export const T = {
  ...SCHEME.text[LANG],
  items: (n) => counted(LANG, 'items', n),
  digests: (n) => counted(LANG, 'digests', n),
  /** As the list's count line says it, in LANG. */
  count: (digests, items) => countIn(LANG, digests, items),
  date: (iso) => {
    const [y, m, d] = iso.split('-').map(Number);
    return LANG === 'zh'
      ? `${y}年${m}月${d}日`
      : new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
  },
  position: (iso, i, n) => fill(SCHEME.text[LANG].position, { date: T.date(iso), i, n }),
  pageOf: (page, pages) => fill(SCHEME.text[LANG].page_of, { page, pages }),
  /** "12 results", or "200+ results" when only the newest are loaded. */
  results: (n, more = false) =>
    more ? fill(SCHEME.text[LANG].results_more, { n }) : n === 1 ? SCHEME.text[LANG].results_one : fill(SCHEME.text[LANG].results, { n }),
  /** The status line of the box of every term when it shows only the first of them. */
  shownOf: (shown, n) => fill(SCHEME.text[LANG].shown_of, { shown, n }),
  /** The same line when the box shows every term it found. */
  foundCount: (n) => (n === 0 ? SCHEME.text[LANG].found_none : fill(SCHEME.text[LANG].found_count, { n })),
  relaxed: (kept) => fill(SCHEME.text[LANG].relaxed, { what: kept.join('”“') }),
  /** Why a file did not load: an error status, no answer, or damaged. */
  serverRefused: (file, status) => fill(SCHEME.text[LANG].server_refused, { file, status }),
  unreachable: (file) => fill(SCHEME.text[LANG].unreachable, { file }),
  damaged: (file) => fill(SCHEME.text[LANG].damaged, { file }),
  otherVersion: (found, expected) => fill(SCHEME.text[LANG].other_version, { found, expected }),
  /** What importing a reading file added, or where the file went wrong. */
  imported: (file, starred, read) =>
    starred + read === 0 ? fill(SCHEME.text[LANG].imported_none, { file }) : fill(SCHEME.text[LANG].imported, { file, starred, read }),
  importFailed: (file, line, column) => fill(SCHEME.text[LANG].import_failed, { file, line, column }),
};

/** The `--base-url` a site under test is built with (none at the root). */
export function baseUrlArgs() {
  return BASE_PATH === '/' ? [] : ['--base-url', `http://127.0.0.1${BASE_PATH}`];
}

/** A folder whose BASE_PATH is `root`, for servers that know no prefix. */
function mounted(root) {
  if (BASE_PATH === '/') return root;
  const top = new URL(`../../target/e2e-mounts/${Math.random().toString(36).slice(2)}`, import.meta.url).pathname;
  const link = join(top, BASE_PATH.replace(/\/$/, ''));
  mkdirSync(join(link, '..'), { recursive: true });
  symlinkSync(root, link);
  return top;
}

/** Percent-encodes as the model's `encode_segment`: all but A-Z a-z 0-9 - . _ ~ */
export function encodeSegment(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A path or URL of the scheme: `name` is a key of SCHEME, `values` fills its
 * placeholders ({slug}, {id}, {tag}, {stamp}, {n}); URL templates (`*_url`)
 * get percent-encoded values, file templates the raw ones.
 */
export function schemePath(name, values = {}) {
  const template = SCHEME[name];
  assert.ok(template !== undefined, `no ${name} in the scheme`);
  const encode = name.endsWith('_url') ? encodeSegment : String;
  return template.replace(/\{(\w+)\}/g, (_, key) => {
    assert.ok(key in values, `${name} needs {${key}}`);
    return encode(values[key]);
  });
}

/** Items of content/ as `tidings list` prints them (one JSON object per line). */
export function listItems() {
  const out = execFileSync(BIN, ['list', '--content', CONTENT, '--format', 'json'], { encoding: 'utf8' });
  return out.trim().split('\n').map((line) => JSON.parse(line));
}

/** `python3 -m http.server`: a plain static server that knows nothing of the app. */
export async function pythonServer(root = SITE) {
  const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', mounted(root)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`http.server did not start: ${seen}`)), 10000);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = /port (\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`http.server exited with ${code}: ${seen}`)));
  });
  child.stderr.resume();
  return { base: `http://127.0.0.1:${port}${BASE_PATH.replace(/\/$/, '')}`, root, close: () => child.kill() };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg', '.png': 'image/png',
};

/**
 * The rules of a site's `_headers` file (Netlify and Cloudflare Pages
 * syntax): a path pattern (`*` matches any rest) and its indented headers.
 */
function hostHeaders(root) {
  let text;
  try {
    text = readFileSync(join(root, SCHEME.headers), 'utf8');
  } catch {
    return [];
  }
  const rules = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) {
      rules.push({ pattern: line.trim(), headers: {} });
    } else if (rules.length) {
      const at = line.indexOf(':');
      rules.at(-1).headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
    }
  }
  return rules;
}

const matches = (pattern, path) => (pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern);

/**
 * A static host like GitHub Pages or Netlify: directory index.html, and
 * 404.html (status 404) for misses. With `headers`, it also sends what the
 * site's `_headers` file asks for, as Netlify does. `fail(test, fault)`
 * breaks every later request whose path `test(path)` accepts until `heal()`:
 * `{ status }` answers with that status, `{ body: (bytes) => bytes }`
 * serves changed bytes, `{ delay: ms }` answers late, `{ drop: true }`
 * closes the connection without an answer.
 */
export async function pagesServer(root = SITE, { headers = false } = {}) {
  const rules = headers ? hostHeaders(root) : [];
  let faults = [];
  const server = createServer(async (req, res) => {
    const full = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const prefix = BASE_PATH.replace(/\/$/, '');
    const path = full.startsWith(`${prefix}/`) ? full.slice(prefix.length) : null;
    const extra = {};
    for (const rule of rules) if (matches(rule.pattern, full)) Object.assign(extra, rule.headers);
    const fault = faults.find((f) => f.test(full))?.fault;
    if (fault?.delay) await new Promise((resolve) => setTimeout(resolve, fault.delay));
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    let file = join(root, path ?? '/nowhere/');
    try {
      if (path === null || fault?.status) throw new Error('outside the site, or broken');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      let body = await readFile(file);
      if (fault?.body) body = fault.body(body);
      res.writeHead(200, { ...extra, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(fault?.status ?? 404, { ...extra, 'content-type': TYPES['.html'] });
      res.end(await readFile(join(root, SCHEME.not_found_page)).catch(() => 'not found'));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}${BASE_PATH.replace(/\/$/, '')}`,
    close: () => server.close(),
    fail(test, fault) {
      faults.push({ test, fault });
    },
    heal() {
      faults = [];
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * A page in a fresh browser context that records every console error and
 * uncaught exception; `done()` fails the test if there were any (other than
 * those `allow` matches).
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext(options);
  // The reader's language, unless the page has chosen another since.
  await context.addInitScript((lang) => {
    if (!localStorage.getItem('tidings-lang')) localStorage.setItem('tidings-lang', lang);
  }, LANG);
  const page = await context.newPage();
  // Every page arrives pre-rendered; a test acts on the app, so a load
  // returns once the app has taken over from the pre-rendered copy.
  const goto = page.goto.bind(page);
  page.goto = async (...args) => {
    const response = await goto(...args);
    await page.waitForFunction(() => !document.getElementById('prerender'));
    return response;
  };
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  return {
    page,
    errors,
    async done({ allow = [] } = {}) {
      await context.close();
      const unexpected = errors.filter((e) => !allow.some((re) => re.test(e)));
      assert.deepEqual(unexpected, [], 'the browser reported errors');
    },
  };
}

/**
 * Closes `page`'s browser context, then `server`: in that order, so no
 * request of the page (a favicon fetched late) is cut off by the server
 * going away and reported as the page's error.
 */
export async function closeWith(page, server) {
  await page.context().close();
  server.close();
}

/** Waits until the app has taken over and rendered a heading or list (not the loading state). */
export async function settled(page) {
  await page.waitForFunction(() => !document.getElementById('prerender')
    && !document.querySelector('.loading') && document.querySelector('main > *'));
}

/**
 * A site of `count` synthetic digests (the generator behind `make bench`),
 * using the app files of the e2e site. Returns its folder.
 */
export function syntheticSite(name, { count, itemPages = 'auto', seed = 7, tailSources = 0 }) {
  const dir = new URL(`../../target/e2e-sites/${name}`, import.meta.url).pathname;
  rmSync(dir, { recursive: true, force: true });
  const tail = tailSources > 0 ? ['--tail-sources', String(tailSources)] : [];
  execFileSync(BIN, ['generate', '--count', String(count), '--seed', String(seed), ...tail, '--out', `${dir}/content`]);
  return contentSite(name, `${dir}/content`, { itemPages });
}

/** A site of the digests in `content`, using the app files of the e2e site. Returns its folder. */
export function contentSite(name, content, { itemPages = 'auto', baseUrl } = {}) {
  const site = new URL(`../../target/e2e-sites/${name}/site`, import.meta.url).pathname;
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  for (const f of readdirSync(SITE)) {
    if (/\.(html|js|wasm|css|svg)$/.test(f) && f !== SCHEME.not_found_page) copyFileSync(join(SITE, f), join(site, f));
  }
  buildInto(site, content, { itemPages, baseUrl });
  return site;
}

/** Builds the digests in `content` into the site `site` again, as `contentSite` built it (a deploy). */
export function buildInto(site, content, { itemPages = 'auto', baseUrl } = {}) {
  execFileSync(BIN, ['build', '--content', content, '--out', site, '--shell', `${site}/index.html`,
    '--item-pages', itemPages, '--quiet', ...(baseUrl ? ['--base-url', baseUrl] : baseUrlArgs())]);
}

/** The bundle of a built site: manifest, index and every list entry, read from disk. */
export function readBundle(site) {
  const read = (path) => JSON.parse(readFileSync(join(site, path), 'utf8'));
  const manifest = read(schemePath('manifest'));
  const { stamp } = manifest;
  const index = read(schemePath('index', { stamp }));
  const entries = [];
  for (let n = 0; n < manifest.page_count; n++) {
    entries.push(...read(schemePath('list_page', { stamp, n })).entries);
  }
  const shards = [];
  for (let n = 0; n < manifest.shard_count; n++) shards.push(read(schemePath('shard', { stamp, n })));
  return { manifest, index, entries, shards };
}
