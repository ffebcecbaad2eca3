// End-to-end: filters on a site of 60 synthetic digests. Expected counts come
// from a plain scan of the bundle's entries, not from the app's own code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { T, closeWith, contentSite, href, launch, openPage, pythonServer, readBundle, schemePath, syntheticSite } from './harness.mjs';

let browser, server, bundle, site;

before(async () => {
  site = syntheticSite('filters', { count: 60 });
  bundle = readBundle(site);
  browser = await launch();
  server = await pythonServer(site);
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Digests (entries) carrying all (or any) of `tags`, within optional dates. */
function expected({ tags = [], any = false, from = '', to = '' }) {
  return bundle.entries.filter((e) => {
    const t = tags.length === 0 || (any ? tags.some((x) => e.tags.includes(x)) : tags.every((x) => e.tags.includes(x)));
    return t && (!from || e.date >= from) && (!to || e.date <= to);
  });
}

const countText = (list) => T.count(list.length, list.reduce((n, e) => n + e.item_count, 0));

async function waitCount(page, list) {
  await page.getByTestId('match-count').filter({ hasText: new RegExp(`^${countText(list)}$`) }).waitFor();
}

/** The two most used tags of the corpus. */
function topTags() {
  return bundle.manifest.tags.slice(0, 2).map((t) => t.name);
}

test('a shared filter URL opens with the same result, AND by default and OR on request', async () => {
  const { page, done } = await openPage(browser);
  const [a, b] = topTags();
  const q = `tag=${encodeURIComponent(a)}&tag=${encodeURIComponent(b)}`;
  await page.goto(`${server.base}/?${q}`);
  await waitCount(page, expected({ tags: [a, b] }));
  await page.goto(`${server.base}/?${q}&op=or`);
  await waitCount(page, expected({ tags: [a, b], any: true }));
  assert.equal(await page.getByTestId('mode-or').getAttribute('class'), 'chip active');
  await done();
});

test('clicking tags, switching AND/OR, back and forward, and clearing', async () => {
  const { page, done } = await openPage(browser);
  const [a, b] = topTags();
  await page.goto(`${server.base}/`);
  await waitCount(page, bundle.entries);
  await page.locator('.facet .chip', { hasText: `#${a}` }).first().click();
  await waitCount(page, expected({ tags: [a] }));
  await page.locator('.facet .chip', { hasText: `#${b}` }).first().click();
  await waitCount(page, expected({ tags: [a, b] }));
  // The tab's title names the chosen tags once the address bar has them.
  await page.waitForFunction((want) => document.title === want, `#${a} #${b} · tidings`);
  await page.getByTestId('mode-or').click();
  await waitCount(page, expected({ tags: [a, b], any: true }));
  // The list shows first; the address bar follows after the next paint.
  await page.waitForURL(/op=or/);
  await page.goBack();
  await waitCount(page, expected({ tags: [a, b] }));
  await page.goBack();
  await waitCount(page, expected({ tags: [a] }));
  await page.waitForFunction((want) => document.title === want, `#${a} · tidings`);
  await page.goForward();
  await waitCount(page, expected({ tags: [a, b] }));
  await page.getByTestId('clear').click();
  await page.waitForURL(`${server.base}/`);
  await waitCount(page, bundle.entries);
  await page.waitForFunction(() => document.title === 'tidings');
  await done();
});

test('tags with spaces, & and CJK characters round-trip through the URL', async () => {
  const { page, done } = await openPage(browser);
  const awkward = bundle.manifest.tags.map((t) => t.name).filter((t) => /[ &#/]|[^\x00-\x7f]/.test(t)).slice(0, 3);
  assert.ok(awkward.length >= 2, `corpus has awkward tags: ${awkward}`);
  for (const tag of awkward) {
    await page.goto(`${server.base}/?tag=${encodeURIComponent(tag)}`);
    await waitCount(page, expected({ tags: [tag] }));
    const chip = page.locator('.facet .chip.active');
    assert.equal((await chip.first().textContent()).replace(/\d+$/, ''), `#${tag}`);
  }
  await done();
});

test('the first screen offers sources and the archive without loading the index', async () => {
  const { page, done } = await openPage(browser);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(`${server.base}/`);
  await waitCount(page, bundle.entries);
  await page.waitForFunction(() => !document.getElementById('prerender'));
  // Digests per source domain (from a scan of the shards) and per year.
  const tally = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  const domains = new Map();
  for (const d of bundle.shards.flatMap((s) => s.digests)) {
    for (const name of new Set(d.items.map((i) => i.source?.domain).filter(Boolean))) tally(domains, name);
  }
  const years = new Map();
  for (const e of bundle.entries) tally(years, e.date.slice(0, 4));
  const chips = (facet) => page.locator(`.facet[data-facet="${facet}"] a.chip`)
    .evaluateAll((links) => links.map((a) => [a.dataset.name, Number(a.querySelector('.n').textContent.replaceAll(',', ''))]));
  assert.deepEqual(new Map(await chips('archive')), years);
  const shown = await chips('domain');
  assert.ok(shown.length > 0 && shown.length <= Math.min(12, domains.size), JSON.stringify(shown));
  for (const [name, n] of shown) assert.equal(n, domains.get(name), name);
  assert.ok(!fetched.some((p) => p.endsWith('/index.json')), fetched.join(' '));
  // Chosen from the first screen, a year narrows the list.
  const year = [...years.keys()].sort().at(-1);
  await page.locator(`.facet[data-facet="archive"] a.chip[data-name="${year}"]`).click();
  await waitCount(page, bundle.entries.filter((e) => e.date.startsWith(year)));
  await done();
});

test('a date range and an archive month narrow the list', async () => {
  const { page, done } = await openPage(browser);
  const dates = bundle.entries.map((e) => e.date).sort();
  const from = dates[10];
  const to = dates[40];
  await page.goto(`${server.base}/?from=${from}&to=${to}`);
  await waitCount(page, expected({ from, to }));
  assert.equal(await page.getByTestId('from').inputValue(), from);
  await page.goto(`${server.base}/`);
  await page.getByTestId('to').fill(to);
  await page.getByTestId('to').dispatchEvent('change');
  await waitCount(page, expected({ to }));
  await page.waitForURL(new RegExp(`to=${to}`));
  const month = dates[dates.length - 1].slice(0, 7);
  await page.locator(`a.chip[data-name="${month.slice(0, 4)}"]`).click();
  await waitCount(page, bundle.entries.filter((e) => e.date.startsWith(month.slice(0, 4))));
  await page.locator(`a.chip[data-name="${month}"]`).click();
  // A month replaces the range: the archive counts ignore the date filter.
  await waitCount(page, bundle.entries.filter((e) => e.date.startsWith(month)));
  await page.waitForURL(new RegExp(`from=${month}-01&to=${month}-\\d\\d`));
  await done();
});

/** The last day of a month, from the calendar of the JavaScript engine. */
const lastDay = (year, month) => new Date(Date.UTC(year, month, 0)).getUTCDate();

test('every month of a leap and a common year ends on its last day', async () => {
  // One digest on the last day of each month of 2023 and 2024.
  const dir = new URL('../../target/e2e-sites/months/content', import.meta.url).pathname;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const year of [2023, 2024]) {
    for (let month = 1; month <= 12; month++) {
      const day = `${year}-${String(month).padStart(2, '0')}-${lastDay(year, month)}`;
      writeFileSync(`${dir}/${day}.md`, `+++\ntitle = "Digest of ${day}"\n+++\n\n## Item\n\nText.\n`);
    }
  }
  const site = contentSite('months', dir);
  const local = await pythonServer(site);
  const { page, done } = await openPage(browser);
  try {
    for (const year of [2023, 2024]) {
      await page.goto(`${local.base}/?from=${year}-01-01&to=${year}-12-31`);
      await page.getByTestId('match-count').filter({ hasText: T.count(12, 12) }).waitFor();
      for (let month = 1; month <= 12; month++) {
        const ym = `${year}-${String(month).padStart(2, '0')}`;
        const last = `${ym}-${lastDay(year, month)}`;
        const chip = page.locator(`a.chip[data-name="${ym}"]`);
        assert.equal(await chip.getAttribute('href'), href(`/?from=${ym}-01&to=${last}`));
        await chip.click();
        // The digest on the last day is inside the month, and the browser's
        // date field shows the day (it is empty for an impossible date).
        await page.getByTestId('match-count').filter({ hasText: T.count(1, 1) }).waitFor();
        assert.equal(await page.getByTestId('to').inputValue(), last);
        assert.equal(await page.locator('.digest-card time').getAttribute('datetime'), last);
        // The history entry comes after the next paint.
        await page.waitForURL((url) => url.search.includes(`from=${ym}-01`));
        await page.goBack();
        await page.getByTestId('match-count').filter({ hasText: T.count(12, 12) }).waitFor();
      }
    }
  } finally {
    await closeWith(page, local);
  }
  await done();
});

test('the list shows 20 digests a screen, with pages in the URL', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${server.base}/`);
  await page.locator('.digest-card').first().waitFor();
  assert.equal(await page.locator('.digest-card').count(), 20);
  await page.locator('.pager a[rel=next]').click();
  await page.waitForURL(/page=2/);
  await page.locator('.pager', { hasText: T.pageOf(2, 3) }).waitFor();
  assert.equal(await page.locator('.digest-card h2').first().textContent(), bundle.entries[20].title);
  await done();
});

test('without per-item pages, item links address the item inside its digest page', async () => {
  const lean = syntheticSite('no-item-pages', { count: 5, itemPages: 'never' });
  const local = await pythonServer(lean);
  const { page, done } = await openPage(browser);
  try {
    const { entries } = readBundle(lean);
    await page.goto(`${local.base}${schemePath('digest_url', { slug: entries[0].slug })}`);
    const shard = readBundle(lean).shards.flatMap((s) => s.digests).find((d) => d.slug === entries[0].slug);
    await page.locator('.item h2 a').nth(2).click();
    await page.waitForURL(`${local.base}${schemePath('item_in_digest_url', { slug: entries[0].slug, id: shard.items[2].id })}`);
    const title = await page.locator('h1').textContent();
    assert.equal(title, shard.items[2].title);
    const url = page.url();
    // Back on the same page, the digest shows again with every item.
    await page.goBack();
    await page.locator('h1', { hasText: entries[0].title }).waitFor();
    assert.equal(await page.locator('.item').count(), shard.items.length);
    const fresh = await openPage(browser);
    await fresh.page.goto(url);
    await fresh.page.locator('h1', { hasText: title }).waitFor();
    await fresh.done();
  } finally {
    await closeWith(page, local);
  }
  await done();
});

test('section labels of numbered-list digests can be filtered on and head their items', async () => {
  const shapes = contentSite('shapes', new URL('../../crates/tidings/tests/fixtures/shapes', import.meta.url).pathname);
  const local = await pythonServer(shapes);
  const { page, done } = await openPage(browser);
  try {
    await page.goto(`${local.base}/?section=${encodeURIComponent('产品与功能更新')}`);
    await page.getByTestId('match-count').filter({ hasText: T.count(1, 4) }).waitFor();
    assert.equal(await page.locator('.digest-card h2').textContent(), 'Hacker News 精选');
    await page.locator('.digest-card h2 a').click();
    await page.locator('.item').first().waitFor();
    assert.deepEqual(await page.locator('.section-label').allTextContents(), ['产品与功能更新', '研究与论文']);
  } finally {
    await closeWith(page, local);
  }
  await done();
});
