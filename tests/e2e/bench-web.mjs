// `make bench-web`: what the browser pays, at 12, 1,000 and 10,000 synthetic
// digests. Prints figures with the targets beside them; asserts nothing
// (these machines are noisy: compare runs side by side).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SITE, launch, listItems, pagesServer, readBundle, syntheticSite } from './harness.mjs';
import { brotli, brotliFile, quantile, walk } from './measure.mjs';

const SIZES = (process.env.BENCH_SIZES ?? '12 1000 10000').split(/\s+/).map(Number);
// The largest size once more with three links in ten going to a long tail
// of this many more sources (`tidings generate --tail-sources`), as a news
// site cites over the years; 0 leaves it out.
const TAIL_SOURCES = Number(process.env.BENCH_TAIL_SOURCES ?? 8000);
const FIRST_VIEW_RUNS = Number(process.env.BENCH_FIRST_VIEW_RUNS ?? 10);
const FILTER_RUNS = Number(process.env.BENCH_FILTER_RUNS ?? 30);
const PAINT_RUNS = Number(process.env.BENCH_PAINT_RUNS ?? 15);
const BOX_RUNS = Number(process.env.BENCH_BOX_RUNS ?? 30);
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 9);

const median = (xs) => quantile(xs, 0.5);
const timedOut = (xs) => xs.filter((x) => !Number.isFinite(x)).length;

/**
 * One fresh visit of `/`: compressed bytes of every response until the app
 * has taken over from the pre-rendered page (so with the data files it
 * fetched to get there), and the time to the first list row.
 */
async function firstView(browser, base, site) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.querySelector('.digest-card')) {
        window.__firstCard = performance.now();
        obs.disconnect();
      }
    }).observe(document, { subtree: true, childList: true });
  });
  let bytes = 0;
  const kinds = {};
  page.on('response', (r) => {
    const path = decodeURIComponent(new URL(r.url()).pathname);
    const file = join(site, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const n = brotliFile(file);
      bytes += n;
      const kind = file.match(/\.(\w+)$/)?.[1] ?? 'other';
      kinds[kind] = (kinds[kind] ?? 0) + n;
    } catch {
      /* not a file of the site */
    }
  });
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__firstCard !== undefined);
  const paint = await page.evaluate(() => window.__firstCard);
  // The pre-rendered page shows its first card at once, before the app has
  // fetched anything; counting up to that card alone left the app's data
  // files to a race (0.4 or 2.8 kB of JSON in two runs of the same site).
  await page.waitForFunction(() => !document.getElementById('prerender') && document.querySelector('.digest-card'));
  await context.close();
  return { bytes, paint, kinds };
}

/**
 * Time inside the page from `act` to the DOM showing the new count (the
 * MutationObserver callback after the update). Work that fits in a frame
 * budget (16 ms) is what "inside one frame" means; waiting for the next
 * animation frame as well would add 0-16 ms of vsync alignment. Each
 * change starts once the previous one's address is in the address bar and
 * two animation frames have passed, as a reader's clicks are far apart:
 * what the previous change left for after its paint (the history entry)
 * is done by then, not counted in this one. Two frames alone were not
 * always enough in headless Chromium, and the next click then made that
 * entry in its own time (the same app measured 30-40% slower at p50).
 */
async function timed(page, act) {
  return page.evaluate(async (act) => {
    const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    await frames();
    const count = () => document.querySelector('[data-testid=match-count]')?.textContent;
    // What the screen shows besides the count: the list and the chips.
    const screen = () => [...document.querySelectorAll('.browse li')].map((li) => li.outerHTML).join('');
    const before = count();
    const address = location.href;
    const t0 = performance.now();
    if (act.click) document.querySelector(act.click).click();
    if (act.input) {
      const el = document.querySelector(act.input);
      el.value = act.value;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
    const done = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), 5000);
      const obs = new MutationObserver(() => {
        if (count() !== undefined && count() !== before) {
          const t = performance.now();
          obs.disconnect();
          clearTimeout(timer);
          resolve({ t, shown: screen() });
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    if (done === null) return { ms: NaN, early: false };
    // What the change leaves for after its paint (its history entry) is
    // done before the next change starts, as between a reader's clicks:
    // the next click would otherwise make that entry first, in its own
    // time. Then a time counts only if the list and chips were already
    // final when the count changed.
    const waited = performance.now();
    while (location.href === address && performance.now() - waited < 2000) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await frames();
    return { ms: done.t - t0, early: done.shown !== screen() };
  }, act);
}

async function filterTimings(browser, base, bundle) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const [a, b] = bundle.manifest.tags.slice(0, 2).map((t) => t.name);
  const chip = (t) => `.facet a.chip[data-name="${t.replace(/["\\]/g, '\\$&')}"]`;
  const dates = bundle.entries.map((e) => e.date).sort();
  const from = dates[Math.floor(dates.length / 2)];
  await page.goto(`${base}/`);
  await page.waitForFunction(() => !document.getElementById('prerender'));
  await page.locator('.digest-card').first().waitFor();
  // Warm up: the first filter loads the index, which is a fetch, not filtering.
  await timed(page, { click: chip(a) });
  await timed(page, { click: '[data-testid=clear]' });
  const t = { tag: [], and: [], range: [], clear: [] };
  let early = 0;
  const run = async (kind, act) => {
    const r = await timed(page, act);
    t[kind].push(r.ms);
    early += r.early ? 1 : 0;
  };
  for (let i = 0; i < FILTER_RUNS; i++) {
    await run('tag', { click: chip(a) });
    await run('and', { click: chip(b) });
    await run('clear', { click: '[data-testid=clear]' });
    await run('range', { input: '[data-testid=from]', value: from });
    await run('clear', { click: '[data-testid=clear]' });
  }
  await context.close();
  return { timings: t, early };
}

/** What a reader types, a letter at a time, into the box of every source. */
const TYPED = ['s', 'sr', 'src', 'src1', 'src12'];

/**
 * The box of every source ("all sources (N)"): from the click that opens it,
 * and from each letter typed into it, to its chips laid out (the DOM
 * changed, then a layout forced), in ms inside the page. The index is
 * loaded first, as a first filter loads it, so no fetch is counted.
 */
async function boxTimings(browser, base, bundle) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.waitForFunction(() => !document.getElementById('prerender'));
  await page.locator('.digest-card').first().waitFor();
  const tag = bundle.manifest.tags[0].name.replace(/["\\]/g, '\\$&');
  await timed(page, { click: `.facet a.chip[data-name="${tag}"]` });
  await timed(page, { click: '[data-testid=clear]' });
  const panel = '.facet[data-facet=domain]';
  const t = { open: [], type: [], chips: [] };
  const step = (act) => page.evaluate(async ({ panel, act }) => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const t0 = performance.now();
    const done = new Promise((resolve) => {
      const timer = setTimeout(() => resolve(NaN), 5000);
      const obs = new MutationObserver(() => {
        obs.disconnect();
        clearTimeout(timer);
        // The chips' layout, which a reader waits for too.
        document.querySelector(`${panel} .more-terms`)?.getBoundingClientRect();
        resolve(performance.now() - t0);
      });
      obs.observe(document.querySelector('nav.facets'), { subtree: true, childList: true });
    });
    if (act.open) document.querySelector(`${panel} button.more`).click();
    else {
      const input = document.querySelector(`${panel} [data-testid=find-term]`);
      input.value = act.typed;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    const ms = await done;
    return { ms, chips: document.querySelectorAll(`${panel} .more-terms a.chip`).length };
  }, { panel, act });
  for (let i = 0; i < BOX_RUNS; i++) {
    const open = await step({ open: true });
    t.open.push(open.ms);
    t.chips.push(open.chips);
    for (const typed of TYPED) t.type.push((await step({ typed })).ms);
    // Closed again for the next run (the box would keep what was typed).
    await step({ open: true });
  }
  await context.close();
  return t;
}

function siteFigures(site, bundle) {
  const files = walk(site);
  const total = files.reduce((n, f) => n + statSync(f).size, 0);
  // The naive layout: one JSON with every digest and item, fetched up front.
  const all = bundle.shards.flatMap((s) => s.digests);
  const naive = Buffer.from(JSON.stringify(all));
  return { files: files.length, total, naive: brotli(naive, 9), naiveRaw: naive.length };
}

const fmtKB = (b) => `${(b / 1000).toFixed(1)} kB`;

/**
 * The seed digest built by Hugo with a minimal theme (the page a Hugo user
 * would deploy, with tidings' own stylesheet), or null without `hugo`.
 */
function hugoSite() {
  const dir = new URL('../../target/e2e-sites/hugo', import.meta.url).pathname;
  rmSync(dir, { recursive: true, force: true });
  const seed = new URL('../../content/posts/ai20240526.md', import.meta.url).pathname;
  mkdirSync(join(dir, 'content/posts'), { recursive: true });
  mkdirSync(join(dir, 'layouts/_default'), { recursive: true });
  mkdirSync(join(dir, 'static'), { recursive: true });
  copyFileSync(seed, join(dir, 'content/posts/ai20240526.md'));
  // The stylesheet as the site under test ships it (minified in a release build).
  const style = readdirSync(SITE).find((f) => /^style-[0-9a-f]+\.css$/.test(f));
  copyFileSync(style ? join(SITE, style) : new URL('../../public/style.css', import.meta.url).pathname, join(dir, 'static/style.css'));
  writeFileSync(join(dir, 'hugo.toml'), 'baseURL = "/"\ntitle = "tidings"\nlanguageCode = "zh"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n');
  const page = (main) => `<!doctype html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ .Title }}</title><link rel="stylesheet" href="/style.css"></head><body><header class="site-header"><a class="brand" href="/">{{ .Site.Title }}</a></header><main>${main}</main></body></html>`;
  writeFileSync(join(dir, 'layouts/_default/single.html'), page('<article class="digest"><time>{{ .Date.Format "2006-01-02" }}</time><h1>{{ .Title }}</h1>{{ .Content }}</article>'));
  writeFileSync(join(dir, 'layouts/_default/list.html'), page('<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>'));
  try {
    execFileSync('hugo', ['--quiet', '--source', dir, '--destination', join(dir, 'public')], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    console.error(`bench-web: no Hugo comparison (${String(e.message).split('\n')[0]})`);
    return null;
  }
  return join(dir, 'public');
}

/** First contentful paint of one fresh visit of `url`, in ms (NaN if none within 5 s). */
async function firstContentfulPaint(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  const fcp = await page.evaluate(() => new Promise((resolve) => {
    const timer = setTimeout(() => resolve(NaN), 5000);
    new PerformanceObserver((list) => {
      const e = list.getEntriesByName('first-contentful-paint')[0];
      if (e) {
        clearTimeout(timer);
        resolve(e.startTime);
      }
    }).observe({ type: 'paint', buffered: true });
  }));
  await context.close();
  return fcp;
}

/**
 * `measure(browser, url)` of the seed digest and an item (and `/` with
 * `home`), beside Hugo's digest page when `hugo` was built: `runs` times
 * each, interleaved, so all see the same machine.
 */
async function seedPages(browser, hugo, { home = false, runs, measure }) {
  const ours = await pagesServer(SITE);
  const theirs = hugo ? await pagesServer(hugo) : null;
  const item = listItems().find((i) => i.digest === 'ai20240526');
  const urls = {
    ...(home ? { 'tidings /': `${ours.base}/` } : {}),
    'tidings digest': `${ours.base}/d/ai20240526/`,
    'tidings item': `${ours.base}${item.url}`,
    ...(theirs ? { 'Hugo digest': `${theirs.base}/posts/ai20240526/` } : {}),
  };
  const out = Object.fromEntries(Object.keys(urls).map((k) => [k, []]));
  try {
    for (let i = 0; i < runs; i++) {
      for (const [k, url] of Object.entries(urls)) out[k].push(await measure(browser, url));
    }
  } finally {
    ours.close();
    theirs?.close();
  }
  return out;
}

/**
 * One fresh visit of `url` on a phone-sized page with the CPU slowed down
 * 4x (as Lighthouse's mobile run assumes): the first contentful paint,
 * and the main thread's blocking time after it (each long task's time
 * over 50 ms, Lighthouse's "total blocking time", measured rather than
 * simulated) and its longest task, until the app has taken over and one
 * quiet second has passed (a page without the app: its load and that
 * second).
 */
async function startup(browser, url) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript(() => {
    window.__tasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__tasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url);
  await page.waitForFunction(() => !document.getElementById('prerender') || !document.querySelector('script[type=module]'));
  await page.waitForTimeout(1000);
  const [fcp, tasks] = await page.evaluate(() => [performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN, window.__tasks]);
  await context.close();
  const after = tasks.filter(([start]) => start >= fcp).map(([, d]) => d);
  return { fcp, blocking: after.reduce((sum, d) => sum + Math.max(0, d - 50), 0), longest: Math.max(0, ...after) };
}

const browser = await launch();
const rows = [];
let paints = {};
let starts = {};
try {
  const hugo = hugoSite();
  paints = await seedPages(browser, hugo, { runs: PAINT_RUNS, measure: firstContentfulPaint });
  starts = await seedPages(browser, hugo, { home: true, runs: STARTUP_RUNS, measure: startup });
  const sites = SIZES.map((n) => ({ n, tail: 0 }));
  if (TAIL_SOURCES > 0 && SIZES.length > 0) sites.push({ n: Math.max(...SIZES), tail: TAIL_SOURCES });
  for (const { n, tail } of sites) {
    const t0 = Date.now();
    const site = syntheticSite(tail ? `bench-${n}-tail` : `bench-${n}`, { count: n, tailSources: tail });
    const buildMs = Date.now() - t0;
    const bundle = readBundle(site);
    const server = await pagesServer(site);
    try {
      const views = [];
      for (let i = 0; i < FIRST_VIEW_RUNS; i++) views.push(await firstView(browser, server.base, site));
      const { timings, early } = await filterTimings(browser, server.base, bundle);
      const box = tail ? await boxTimings(browser, server.base, bundle) : null;
      const wasm = walk(site).find((f) => f.endsWith('.wasm'));
      const sources = bundle.index.domains.length;
      const label = tail ? `${n}+tail` : String(n);
      rows.push({ n, tail, label, sources, buildMs, bundle, views, timings, early, box, wasm: brotliFile(wasm), ...siteFigures(site, bundle) });
      console.error(`bench-web: ${label} digests measured`);
    } finally {
      server.close();
    }
  }
} finally {
  await browser.close();
}

const base = rows[0] ? median(rows[0].views.map((v) => v.bytes)) : NaN;
console.log(`tidings bench-web: first view over ${FIRST_VIEW_RUNS} fresh visits, filters over ${FILTER_RUNS} runs each (ms, in-page, from the click to the DOM showing the new count)`);
console.log('digests  items    dist files  dist MB  first view (br)  vs 12     first paint  naive JSON (br)  naive/first  tag p50/p95   AND p50/p95   range p50/p95  clear p50/p95');
for (const r of rows) {
  const fv = median(r.views.map((v) => v.bytes));
  const paint = median(r.views.map((v) => v.paint));
  const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'timeout');
  const pp = (xs) => `${fmt(quantile(xs, 0.5))}/${fmt(quantile(xs, 0.95))}`;
  console.log(
    [
      r.label.padStart(7),
      String(r.bundle.manifest.item_count).padStart(7),
      String(r.files).padStart(11),
      (r.total / 1e6).toFixed(1).padStart(8),
      fmtKB(fv).padStart(16),
      `${(fv / base).toFixed(2)}x`.padStart(8),
      `${paint.toFixed(0)} ms`.padStart(12),
      fmtKB(r.naive).padStart(16),
      `${(r.naive / fv).toFixed(1)}x`.padStart(12),
      pp(r.timings.tag).padStart(13),
      pp(r.timings.and).padStart(13),
      pp(r.timings.range).padStart(14),
      pp(r.timings.clear).padStart(14),
    ].join(' '),
  );
}
for (const r of rows.filter((r) => r.tail)) {
  console.log(`${r.label}: the ${r.n} digests with a long tail of sources, ${r.sources} in all (${rows.filter((x) => !x.tail).at(-1)?.sources} without it)`);
  if (r.box) {
    const pp = (xs) => `${quantile(xs, 0.5).toFixed(1)}/${quantile(xs, 0.95).toFixed(1)} ms`;
    console.log(`${r.label}: the box of every source, p50/p95 over ${BOX_RUNS} runs to its chips laid out: opening ${pp(r.box.open)} (${median(r.box.chips)} chips), a letter typed (${TYPED.join(', ')}) ${pp(r.box.type)}`);
  }
}
if (rows[0]) {
  console.log(`wasm: ${fmtKB(rows[0].wasm)} brotli`);
  // What the first view at the smallest size is made of (its last visit).
  const kinds = Object.entries(rows[0].views.at(-1)?.kinds ?? {}).sort((a, b) => b[1] - a[1]);
  console.log(`first view at ${rows[0].n} digests by kind of file: ${kinds.map(([k, n]) => `${k} ${fmtKB(n)}`).join(', ')}`);
}
const hugoPaint = paints['Hugo digest'] ? median(paints['Hugo digest']) : NaN;
console.log(`deep-link first contentful paint, median of ${PAINT_RUNS} fresh visits each, interleaved in one Chromium:`);
for (const [k, xs] of Object.entries(paints)) {
  const m = median(xs);
  const ratio = Number.isFinite(hugoPaint) && k !== 'Hugo digest' ? `  ${(m / hugoPaint).toFixed(2)}x Hugo` : '';
  console.log(`  ${k.padEnd(15)} ${Number.isFinite(m) ? `${m.toFixed(0)} ms` : 'none'}  (p95 ${quantile(xs, 0.95).toFixed(0)} ms)${ratio}`);
}
console.log(`start-up on a phone-sized page with the CPU slowed 4x, median of ${STARTUP_RUNS} fresh visits each (blocking time: each long task's time over 50 ms after the first paint, until the app has taken over):`);
for (const [k, rs] of Object.entries(starts)) {
  const m = (key) => median(rs.map((r) => r[key])).toFixed(0);
  console.log(`  ${k.padEnd(15)} first paint ${m('fcp').padStart(5)} ms, blocking ${m('blocking').padStart(4)} ms, longest task ${m('longest').padStart(4)} ms`);
}
// A run that never showed its result is a failure of the app, not noise.
const failures = rows.flatMap((r) => [
  ...Object.entries(r.timings).map(([name, xs]) => [`${r.label} digests, ${name}`, timedOut(xs)]),
  [`${r.label} digests, first view`, timedOut(r.views.map((v) => v.paint))],
  ...(r.box ? [[`${r.label} digests, the box of every source`, timedOut([...r.box.open, ...r.box.type])]] : []),
]).filter(([, n]) => n > 0);
for (const [what, n] of failures) console.log(`FAILED: ${what}: ${n} run(s) timed out (5 s)`);
// A time taken before the list and chips were final would flatter the app.
for (const r of rows.filter((r) => r.early > 0)) {
  console.log(`FAILED: ${r.label} digests: ${r.early} filter change(s) showed the count before the list and chips`);
  failures.push(['early', r.early]);
}
if (failures.length > 0) process.exitCode = 1;
// Every target beside its figure, hit or missed.
const verdict = (ok) => (ok ? 'met' : 'MISSED');
const first = rows[0];
const last = rows.filter((r) => !r.tail).at(-1);
const tailed = rows.find((r) => r.tail);
const targets = [];
if (first) {
  const fv = median(first.views.map((v) => v.bytes));
  targets.push([`first view at ${first.n} digests <= 150 kB`, fmtKB(fv), fv <= 150e3]);
  targets.push(['wasm <= 120 kB brotli', fmtKB(first.wasm), first.wasm <= 120e3]);
}
if (last && last !== first) {
  const fv = median(last.views.map((v) => v.bytes));
  targets.push([`first view at ${last.n} <= 1.2x that at ${first.n}`, `${(fv / base).toFixed(2)}x`, fv / base <= 1.2]);
}
if (last) {
  for (const [name, xs] of Object.entries(last.timings)) {
    const p95 = quantile(xs, 0.95);
    targets.push([`${name} filter p95 <= 16 ms at ${last.n}`, `${p95.toFixed(1)} ms`, p95 <= 16]);
  }
  targets.push([`dist files at ${last.n} < 20,000`, String(last.files), last.files < 20000]);
}
if (tailed && first) {
  const fv = median(tailed.views.map((v) => v.bytes));
  targets.push([`first view at ${tailed.label} <= 1.2x that at ${first.n}`, `${(fv / base).toFixed(2)}x`, fv / base <= 1.2]);
  for (const [name, xs] of Object.entries(tailed.timings)) {
    const p95 = quantile(xs, 0.95);
    targets.push([`${name} filter p95 <= 16 ms at ${tailed.label}`, `${p95.toFixed(1)} ms`, p95 <= 16]);
  }
  if (tailed.box) {
    for (const [name, xs] of [['opening all sources', tailed.box.open], ['a letter typed', tailed.box.type]]) {
      const p95 = quantile(xs, 0.95);
      targets.push([`${name} p95 <= 16 ms at ${tailed.label}`, `${p95.toFixed(1)} ms`, p95 <= 16]);
    }
  }
}
for (const [k, xs] of Object.entries(paints)) {
  if (k === 'Hugo digest' || !Number.isFinite(hugoPaint)) continue;
  const ratio = median(xs) / hugoPaint;
  targets.push([`${k} first paint <= 1x Hugo`, `${ratio.toFixed(2)}x`, ratio <= 1]);
}
console.log('targets:');
for (const [what, figure, ok] of targets) console.log(`  ${what.padEnd(44)} ${figure.padStart(10)}  ${verdict(ok)}`);
console.log('(naive JSON: every digest and item in one file, brotli quality 9; everything else brotli quality 11)');
