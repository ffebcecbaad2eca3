// End-to-end: full-text search over every item of the shipped digest, on a
// plain static server, in headless Chromium. Expected results come from a
// plain scan of the built bundle's items, not from the index.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SITE, T, launch, openPage, pythonServer, readBundle, schemePath } from './harness.mjs';

let browser, plain, digests;

before(async () => {
  digests = readBundle(SITE).shards.flatMap((s) => s.digests);
  browser = await launch();
  plain = await pythonServer();
});

after(async () => {
  await browser?.close();
  plain?.close();
});

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
/** An item's searchable text, lower-cased: title, translation, section, source, body. */
function itemText(item) {
  const body = item.body_html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x?[0-9a-f]+|\w+);/gi, (m, e) =>
      e[0] === '#' ? String.fromCodePoint(parseInt(e.slice(1).replace(/^x/i, ''), /^#x/i.test(e) ? 16 : 10)) : ENTITIES[e] ?? m);
  return [item.title, item.title_translation, item.section, item.source?.domain, item.publisher, body]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
}
/** Items holding every whitespace-separated part (CJK parts: a substring scan). */
function scan(query, keep = () => true) {
  const parts = query.toLowerCase().split(/\s+/).filter(Boolean);
  return digests.flatMap((d) => d.items.filter((i) => keep(i) && parts.every((p) => itemText(i).includes(p))));
}
const searchUrl = (q, extra = '') => `${plain.base}${schemePath('items_url')}?q=${encodeURIComponent(q)}${extra}`;

test('the header box on a digest page searches every item; "/" focuses it', async () => {
  const { page, done } = await openPage(browser);
  const slug = digests[0].slug;
  await page.goto(`${plain.base}${schemePath('digest_url', { slug })}`);
  await page.locator('.item').first().waitFor();
  await page.keyboard.press('/');
  const box = page.getByTestId('site-search');
  assert.equal(await box.evaluate((el) => el === document.activeElement), true);
  await box.fill('英伟达');
  await box.press('Enter');
  await page.waitForURL(`${plain.base}${schemePath('items_url')}?q=${encodeURIComponent('英伟达')}`);
  const expected = scan('英伟达');
  assert.ok(expected.length >= 2, 'the seed has several items about it');
  await page.getByTestId('result-count').filter({ hasText: T.results(expected.length) }).waitFor();
  const shown = page.locator('.result');
  assert.equal(await shown.count(), Math.min(expected.length, 10));
  // Every result shows where it matched.
  for (let i = 0; i < (await shown.count()); i++) {
    const marks = await shown.nth(i).locator('mark').allTextContents();
    assert.ok(marks.some((m) => m === '英伟达'), `result ${i} highlights the query: ${marks}`);
  }
  const titles = await shown.locator('h2').allTextContents();
  assert.deepEqual(new Set(titles), new Set(expected.map((i) => i.title).slice(0, 10)));
  await done();
});

test('a search combines with a source filter and lives in the URL', async () => {
  const { page, done } = await openPage(browser);
  const all = scan('英伟达');
  const domain = all[0].source.domain;
  const expected = scan('英伟达', (i) => i.source?.domain === domain);
  await page.goto(searchUrl('英伟达', `&domain=${encodeURIComponent(domain)}`));
  await page.getByTestId('result-count').waitFor();
  const titles = await page.locator('.result h2').allTextContents();
  assert.deepEqual(titles.sort(), expected.map((i) => i.title).sort());
  // The search box holds the query after a reload from the URL.
  assert.equal(await page.getByPlaceholder(T.search_placeholder).inputValue(), '英伟达');
  await done();
});

test('a query that holds no item verbatim offers the nearest relaxed match', async () => {
  // Two words that share an item but never stand together.
  const a = '英伟达';
  const withA = scan(a);
  let b = null;
  for (const item of withA) {
    const text = itemText(item);
    for (const m of text.matchAll(/[\u4e00-\u9fff]{2}/g)) {
      if (!text.includes(a + m[0]) && scan(a + m[0]).length === 0 && !a.includes(m[0])) {
        b = m[0];
        break;
      }
    }
    if (b) break;
  }
  assert.ok(b, 'a second word is found');
  const { page, done } = await openPage(browser);
  await page.goto(searchUrl(a + b));
  await page.getByTestId('result-note').waitFor();
  assert.equal(await page.getByTestId('result-note').textContent(), T.relaxed([a, b]));
  const titles = await page.locator('.result h2').allTextContents();
  const expected = scan(`${a} ${b}`).map((i) => i.title);
  assert.ok(titles.length > 0 && titles.every((t) => expected.includes(t)), `${titles} within ${expected}`);
  await done();
});

test('a query no item holds says so', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(searchUrl('zzqx 不存在的词语组合'));
  await page.getByTestId('result-note').filter({ hasText: T.no_results }).waitFor();
  assert.equal(await page.getByTestId('result-count').textContent(), T.results(0));
  assert.equal(await page.locator('.result').count(), 0);
  await done();
});

test('a damaged search shard shows the error view, not a blank page', async () => {
  const { page, done } = await openPage(browser);
  await page.route(`**/${schemePath('search_shard', { stamp: '*', n: '*' })}`, (route) =>
    route.fulfill({ contentType: 'application/octet-stream', body: Buffer.from('XX\u0001') }));
  await page.goto(searchUrl('英伟达'));
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /not a search file of format 1/);
  await done();
});
