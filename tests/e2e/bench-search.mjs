// `make bench-search`: full-text search at 10,000 synthetic digests, beside
// Pagefind on HTML pages of the same corpus, in one run. Prints figures with
// the targets beside them; asserts nothing (these machines are noisy:
// compare runs side by side).
//
// Ours: the build with and without the index (time, peak memory), the index
// (bytes, files), then for a query set drawn from the corpus (`tidings
// search-bench`: 2–4 character Chinese substrings, Latin words, two-term
// queries) recall against an exact scan of every item, the bytes a first
// search fetches (brotli) and its time in headless Chromium once its files
// are loaded. Pagefind: the same, on the site's digest pages.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, launch, pagesServer, schemePath, syntheticSite } from './harness.mjs';
import { brotliFile, quantile, walk } from './measure.mjs';

const DIGESTS = Number(process.env.BENCH_SEARCH_DIGESTS ?? 10000);
const QUERIES = Number(process.env.BENCH_SEARCH_QUERIES ?? 240);
const PAGEFIND = new URL('../../.tools/node_modules/.bin/pagefind', import.meta.url).pathname;

const kb = (b) => `${(b / 1024).toFixed(1)} kB`;
const ms = (t) => `${t.toFixed(1)} ms`;
const pct = (x) => `${(100 * x).toFixed(2)}%`;
const p5095 = (xs, f) => `p50 ${f(quantile(xs, 0.5))}, p95 ${f(quantile(xs, 0.95))}`;

/** Runs `cmd` under GNU time: wall seconds, peak memory (kB), stderr. */
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.slice(-2000)}`);
  const [, secs, peak] = r.stderr.match(/TIME ([\d.]+) (\d+)/);
  return { secs: Number(secs), peakKb: Number(peak), stderr: r.stderr, stdout: r.stdout };
}

console.log(`bench-search: ${DIGESTS} synthetic digests, ${QUERIES} queries`);
const site = syntheticSite(`search-${DIGESTS}`, { count: DIGESTS, seed: 1 });
const content = site.replace(/\/site$/, '/content');
const build = (extra) => timed(BIN, ['build', '--content', content, '--out', site, '--shell', `${site}/index.html`, '--timings', '--quiet', ...extra]);
// Side by side: without the index, with it, twice each, alternating.
const runs = { without: [], with: [] };
for (let i = 0; i < 2; i++) {
  runs.without.push(build(['--no-search']));
  runs.with.push(build([]));
}
// `--timings` prints the index phase as Rust's Debug of a Duration.
const seconds = (text) => {
  const m = text.match(/search index ([\d.]+)(ns|µs|ms|s)/);
  return m ? Number(m[1]) / { ns: 1e9, 'µs': 1e6, ms: 1e3, s: 1 }[m[2]] : NaN;
};
const indexTime = runs.with.map((r) => seconds(r.stderr));
const best = (rs) => Math.min(...rs.map((r) => r.secs));
const peak = (rs) => Math.max(...rs.map((r) => r.peakKb));

const report = JSON.parse(execFileSync(BIN, ['search-bench', '--content', content, '--site', site, '--queries', String(QUERIES)], { encoding: 'utf8', maxBuffer: 1 << 28 }));
const siteFiles = walk(site).length;
const stamp = JSON.parse(readFileSync(join(site, schemePath('manifest')), 'utf8')).stamp;
const indexDir = join(site, 'data', stamp, 'search');
const indexBrotli = walk(indexDir).reduce((n, f) => n + brotliFile(f), 0);

console.log('\n# Build (best of 2 each, alternating)');
console.log(`whole build without the index: ${best(runs.without).toFixed(2)} s, peak ${(peak(runs.without) / 1024).toFixed(0)} MB`);
console.log(`whole build with the index:    ${best(runs.with).toFixed(2)} s, peak ${(peak(runs.with) / 1024).toFixed(0)} MB (target: index adds ≤ 50%: ${(best(runs.with) / best(runs.without)).toFixed(2)}×)`);
console.log(`index phase in the build: ${indexTime.map((t) => `${t.toFixed(2)} s`).join(', ')}`);
console.log(`index alone (rebuilt in one process): ${report.index_seconds.toFixed(2)} s, peak memory ${(report.peak_kb_before / 1024).toFixed(0)} → ${(report.peak_kb_after / 1024).toFixed(0)} MB (target < 1 GiB)`);
console.log(`index: ${(report.index_bytes / 1e6).toFixed(1)} MB raw, ${(indexBrotli / 1e6).toFixed(1)} MB brotli, ${report.index_files} files (${report.shards} shards, ${report.blocks} blocks); whole site ${siteFiles} files (budget 20,000)`);

// Recall against the exact scan.
const qs = report.queries;
const kinds = [...new Set(qs.map((q) => q.kind))];
const recall = (list) => {
  const truth = list.reduce((n, q) => n + q.truth, 0);
  return truth ? list.reduce((n, q) => n + q.found, 0) / truth : 1;
};
console.log('\n# Recall against an exact scan of every item');
for (const k of kinds) {
  const list = qs.filter((q) => q.kind === k);
  console.log(`${k}: ${list.length} queries, recall ${pct(recall(list))}, candidates per true hit ${(list.reduce((n, q) => n + q.candidates, 0) / Math.max(1, list.reduce((n, q) => n + q.truth, 0))).toFixed(3)}`);
}
console.log(`all: recall ${pct(recall(qs))} (target 100%)`);
const indexBytes = qs.map((q) => q.first_files.reduce((n, f) => n + brotliFile(join(site, f)), 0));
console.log(`index bytes a first page reads (brotli): ${p5095(indexBytes, kb)}; ${kinds.map((k) => `${k} ${p5095(indexBytes.filter((_, i) => qs[i].kind === k), kb)}`).join('; ')}`);

// In the browser: the first search's bytes (cold, a fresh context each),
// then its time once its files are loaded (the same search again).
const server = await pagesServer(site);
const browser = await launch();
const context = await browser.newContext();
const ours = { bytes: [], dataBytes: [], latency: [], cold: [], slow: [] };
const itemsUrl = `${server.base}${schemePath('items_url')}`;
/** Types `query` into the list's search box; ms until its results show (NaN after 20 s). */
const search = (page, query) =>
  page.evaluate(async (query) => {
    const input = document.querySelector('.browse input[type=search]');
    const t0 = performance.now();
    input.value = query;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    return await new Promise((resolve) => {
      const done = () => [...document.querySelectorAll('[data-testid=result-count]')].some((e) => e.dataset.query === query);
      if (done()) return resolve(performance.now() - t0);
      const o = new MutationObserver(() => done() && (o.disconnect(), resolve(performance.now() - t0)));
      o.observe(document.body, { subtree: true, childList: true, attributes: true });
      setTimeout(() => (o.disconnect(), resolve(NaN)), 20000);
    });
  }, query);
/**
 * The files under the site's `dir/` that `page` fetches, as paths from
 * `dir/` on (the set fills as requests finish; clear it to start over).
 */
function fetchedUnder(page, dir) {
  const fetched = new Set();
  page.on('requestfinished', (r) => {
    const path = decodeURIComponent(new URL(r.url()).pathname);
    if (path.includes(`/${dir}/`)) fetched.add(path.slice(path.indexOf(`/${dir}/`) + 1));
  });
  return fetched;
}

for (const [n, q] of qs.entries()) {
  // A fresh page each time: the app keeps fetched files per page, so every
  // query starts cold.
  const page = await context.newPage();
  const fetched = fetchedUnder(page, 'data');
  // The app first, with no search, so the bytes are the search's own.
  await page.goto(itemsUrl);
  await page.locator('.item-row').first().waitFor({ timeout: 60000 });
  fetched.clear();
  ours.cold.push(await search(page, q.query));
  const files = [...fetched];
  ours.bytes.push(files.filter((f) => f.includes('/search/')).reduce((n, f) => n + brotliFile(join(site, f)), 0));
  ours.dataBytes.push(files.reduce((n, f) => n + brotliFile(join(site, f)), 0));
  // The same search again (a trailing space changes the URL, not the
  // terms): every file is loaded, so this is the search's own time.
  const warm = await search(page, `${q.query} `);
  ours.latency.push(warm);
  ours.slow.push([warm, q.query]);
  await page.close();
  if ((n + 1) % 40 === 0) console.log(`  ours: ${n + 1} queries`);
}

// Pagefind on the digest pages of the same site.
let pf = null;
if (process.env.BENCH_SEARCH_PAGEFIND === '0') {
  console.log('Pagefind: skipped (BENCH_SEARCH_PAGEFIND=0)');
} else if (existsSync(PAGEFIND)) {
  const out = join(site, 'pagefind');
  const index = timed(PAGEFIND, ['--site', site, '--glob', 'd/*/index.html', '--force-language', 'zh']);
  const pfFiles = walk(out);
  pf = { secs: index.secs, peakKb: index.peakKb, bytes: pfFiles.reduce((n, f) => n + statSync(f).size, 0), files: pfFiles.length, first: [], latency: [], recall: [], byKind: {}, unmeasured: 0 };
  console.log(`Pagefind: index ${pf.secs.toFixed(1)} s, peak ${(pf.peakKb / 1024).toFixed(0)} MB, ${(pf.bytes / 1e6).toFixed(1)} MB in ${pf.files} files`);
  for (const [n, q] of qs.entries()) {
    const page = await context.newPage();
    // Pagefind's files are gzipped by Pagefind itself: their size on disk
    // is what a host sends.
    const fetched = fetchedUnder(page, 'pagefind');
    await page.goto(`${server.base}/`);
    const result = await page.evaluate(async (query) => {
      const run = async () => {
        const t0 = performance.now();
        const r = await window.__pf.search(query);
        await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
        return performance.now() - t0;
      };
      window.__pf = window.__pf ?? (await import('/pagefind/pagefind.js'));
      const cold = await run();
      const warm = await run();
      return { cold, warm };
    }, q.query);
    // The first search's bytes: the files fetched so far.
    pf.first.push([...fetched].reduce((n, f) => n + (existsSync(join(site, f)) ? statSync(join(site, f)).size : 0), 0));
    // Every result's URL, for recall (only up to 400 results, as each
    // costs a fragment file).
    Object.assign(result, await page.evaluate(async (query) => {
      const r = await window.__pf.search(query);
      const urls = r.results.length <= 400 ? await Promise.all(r.results.map(async (x) => (await x.data()).url)) : null;
      return { urls };
    }, q.query));
    pf.latency.push(result.warm);
    if (result.urls && q.truth_digests.length <= 400) {
      const slugs = new Set(result.urls.map((u) => u.split('/').filter(Boolean).at(-1)));
      const hit = q.truth_digests.filter((s) => slugs.has(s)).length;
      pf.recall.push([hit, q.truth_digests.length]);
      pf.byKind[q.kind] = pf.byKind[q.kind] ?? [0, 0];
      pf.byKind[q.kind][0] += hit;
      pf.byKind[q.kind][1] += q.truth_digests.length;
    } else {
      pf.unmeasured += 1;
    }
    await page.close();
    if ((n + 1) % 40 === 0) console.log(`  Pagefind: ${n + 1} queries`);
  }
}
await browser.close();
server.close();

console.log('\n# In headless Chromium');
console.log(`ours, index bytes of a first search (brotli): ${p5095(ours.bytes, kb)} (target p95 ≤ 60 kB)`);
console.log(`ours, every data file of a first search (index, list pages, digests shown; brotli): ${p5095(ours.dataBytes, kb)}`);
console.log(`ours, time to results once the files are loaded: ${p5095(ours.latency, ms)} (target p95 ≤ 50 ms); first search, fetches included: ${p5095(ours.cold, ms)}`);
console.log(`ours, slowest once loaded: ${ours.slow.sort((a, b) => b[0] - a[0]).slice(0, 3).map(([t, q]) => `${JSON.stringify(q)} ${ms(t)}`).join(', ')}`);
if (pf) {
  const [hit, all] = pf.recall.reduce(([h, a], [x, y]) => [h + x, a + y], [0, 0]);
  console.log(`Pagefind, bytes of a first search (its own gzip): ${p5095(pf.first, kb)}`);
  console.log(`Pagefind, time once loaded (search + 10 results): ${p5095(pf.latency, ms)}`);
  console.log(`Pagefind, recall of digest pages against the scan, over the ${qs.length - pf.unmeasured} queries with ≤ 400 pages: ${pct(all ? hit / all : 1)} (${Object.entries(pf.byKind).map(([k, [h, a]]) => `${k} ${pct(a ? h / a : 1)}`).join(', ')})`);
  console.log(`index bytes, ours ÷ Pagefind's: ${(report.index_bytes / pf.bytes).toFixed(2)} raw, ${(indexBrotli / pf.bytes).toFixed(2)} brotli (target ≤ 0.5)`);
} else if (process.env.BENCH_SEARCH_PAGEFIND !== '0') {
  console.log('Pagefind: not installed (scripts/setup.sh --pagefind)');
}
