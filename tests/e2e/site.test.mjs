// End-to-end: the release site built from content/, served by static file
// servers on 127.0.0.1, driven in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { T, href, launch, listItems, openPage, pagesServer, pythonServer, schemePath, settled } from './harness.mjs';

const SLUG = 'ai20240526';
const DIGEST = schemePath('digest_url', { slug: SLUG });
const item = (id) => schemePath('item_url', { slug: SLUG, id });
const TAG = schemePath('tag_url', { tag: '人工智能' });
let browser, plain, pages, items;

before(async () => {
  items = listItems().filter((i) => i.digest === SLUG);
  browser = await launch();
  plain = await pythonServer();
  pages = await pagesServer();
});

after(async () => {
  await browser?.close();
  plain?.close();
  pages?.close();
});

test('the seed digest has its items, each with a source link', () => {
  assert.equal(items.length, 13);
  for (const item of items) {
    assert.match(item.id, /^[0-9a-z]{8}$/);
    assert.match(item.source, /^https:\/\/www\.163\.com\//);
  }
});

test('home lists the seed digest with its date, tags and item count', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${plain.base}/`);
  await settled(page);
  const card = page.locator('.digest-card', { hasText: '[AI资讯·0526]' });
  await card.waitFor();
  assert.equal(await card.locator('time').textContent(), T.date('2024-05-26'));
  assert.equal(await card.locator('time').getAttribute('datetime'), '2024-05-26');
  assert.equal(await card.locator('.count').textContent(), T.items(13));
  assert.deepEqual(await card.locator('.tags a').allTextContents(), ['#AI', '#AI资讯', '#人工智能']);
  assert.equal(await page.title(), 'tidings');
  await done();
});

test('click through from the list to the digest and to its 5th item', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${plain.base}/`);
  await page.locator('.digest-card h2 a').first().click();
  await page.waitForURL(`${plain.base}${DIGEST}`);
  await page.locator('.item').first().waitFor();
  assert.equal(await page.locator('.item').count(), 13);
  assert.match(await page.title(), /^\[AI资讯·0526\].* · tidings$/);
  // The seed's images are not shipped: every item shows a placeholder, no broken image.
  assert.equal(await page.locator('.item .image-placeholder').count(), 13);
  assert.equal(await page.locator('.item img').count(), 0);

  await page.locator('.item h2 a').nth(4).click();
  await page.waitForURL(`${plain.base}${item(items[4].id)}`);
  await page.locator('h1', { hasText: items[4].title }).waitFor();
  assert.equal(await page.title(), `${items[4].title} · tidings`);
  assert.equal(await page.locator('.position').textContent(), T.position('2024-05-26', 5, 13));

  await page.locator('a[rel=next]').click();
  await page.waitForURL(`${plain.base}${item(items[5].id)}`);
  await page.locator('h1', { hasText: items[5].title }).waitFor();
  await page.goBack();
  await page.locator('h1', { hasText: items[4].title }).waitFor();
  await page.locator('.crumbs a').click();
  await page.waitForURL(`${plain.base}${DIGEST}`);
  await done();
});

test('links to app pages stay in one document, mark the page shown, and go to the top', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${plain.base}/`);
  await settled(page);
  await page.evaluate(() => { window.sameDocument = true; });
  const brand = page.locator('.site-header .brand');
  const itemsLink = page.getByTestId('items-link');
  assert.equal(await brand.getAttribute('aria-current'), 'page');
  assert.equal(await itemsLink.getAttribute('aria-current'), null);
  await itemsLink.click();
  await page.waitForURL(`${plain.base}${schemePath('items_url')}`);
  await page.locator('h1', { hasText: T.all_items }).waitFor();
  assert.equal(await itemsLink.getAttribute('aria-current'), 'page');
  assert.equal(await brand.getAttribute('aria-current'), null);

  // From the bottom of a digest to an item: the item shows from its top.
  await page.goto(`${plain.base}${DIGEST}`);
  await page.locator('.item').first().waitFor();
  await page.evaluate(() => { window.sameDocument = true; window.scrollTo(0, document.body.scrollHeight); });
  assert.ok(await page.evaluate(() => window.scrollY) > 0);
  await page.locator('.item h2 a').last().click();
  await page.waitForURL(`${plain.base}${item(items[12].id)}`);
  await page.locator('h1', { hasText: items[12].title }).waitFor();
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  await page.goBack();
  await page.waitForURL(`${plain.base}${DIGEST}`);
  await page.locator('.item').first().waitFor();
  assert.equal(await page.evaluate(() => window.sameDocument), true);

  // A link to a file the app has no page for is the browser's to load.
  await page.evaluate((to) => {
    const a = Object.assign(document.createElement('a'), { href: to, id: 'plain-file', textContent: 'a file' });
    document.querySelector('main').append(a);
  }, href(schemePath('not_found_page')));
  await page.locator('#plain-file').click();
  await page.waitForURL(`${plain.base}/${schemePath('not_found_page')}`);
  assert.equal(await page.evaluate(() => window.sameDocument), undefined);
  await done();
});

test("the 5th item's link opens directly in a fresh session, with its 163.com source", async () => {
  const { page, done } = await openPage(browser);
  const fifth = items[4];
  const response = await page.goto(`${plain.base}${item(fifth.id)}`);
  assert.equal(response.status(), 200);
  await page.locator('h1', { hasText: fifth.title }).waitFor();
  const source = page.locator('.source a[target]');
  assert.equal(await source.getAttribute('href'), fifth.source);
  assert.equal(await source.textContent(), '163.com');
  assert.equal(await page.title(), `${fifth.title} · tidings`);
  await done();
});

test('every item link opens on a plain static server', async () => {
  const { page, done } = await openPage(browser);
  for (const item of items) {
    const response = await page.goto(`${plain.base}${item.url}`);
    assert.equal(response.status(), 200, item.url);
    await page.locator('h1', { hasText: item.title }).waitFor();
  }
  await done();
});

test('the 人工智能 tag view, opened directly, lists the digest', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${plain.base}${TAG}`);
  await page.locator('h1', { hasText: '#人工智能' }).waitFor();
  await page.locator('.digest-card', { hasText: '[AI资讯·0526]' }).waitFor();
  assert.equal(await page.getByTestId('match-count').textContent(), T.count(1, 13));
  assert.equal(await page.title(), '#人工智能 · tidings');
  await done();
});

test('clicking a tag on the home page opens its view', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${plain.base}/`);
  await page.locator('.digest-card .tags a', { hasText: '#人工智能' }).click();
  await page.waitForURL(`${plain.base}${TAG}`);
  await page.locator('.digest-card').first().waitFor();
  await done();
});

test('search narrows the list to the items that hold it, and lives in the URL', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${plain.base}/`);
  await page.locator('.digest-card').first().waitFor();
  // Typed key by key: the space between words must survive the URL round trip.
  await page.getByPlaceholder(T.search_placeholder).pressSequentially('no such words');
  await page.waitForURL(/\?q=no%20such%20words$/);
  await page.getByTestId('match-count').filter({ hasText: T.count(0, 0) }).waitFor();
  assert.equal(await page.locator('.digest-card').count(), 0);
  assert.equal(await page.getByPlaceholder(T.search_placeholder).inputValue(), 'no such words');
  await page.goto(`${plain.base}/?q=${encodeURIComponent('英伟达')}`);
  // Results are items, ranked, under the count of digests that hold them.
  await page.locator('.result').first().waitFor();
  assert.equal(await page.locator('.digest-card').count(), 0);
  assert.equal(await page.getByTestId('match-count').textContent(), T.count(1, 13));
  await done();
});

test('an unknown item shows the not-found page with a way back', async () => {
  const { page, done } = await openPage(browser);
  const response = await page.goto(`${pages.base}${item('zzzzzzzz')}`);
  assert.equal(response.status(), 404);
  await page.getByTestId('not-found').waitFor();
  assert.match(await page.getByTestId('not-found').textContent(), /zzzzzzzz/);
  assert.equal(await page.title(), `${T.not_found_title} · tidings`);
  await page.getByTestId('not-found').getByRole('link').click();
  await page.waitForURL(`${pages.base}/`);
  await page.locator('.digest-card').first().waitFor();
  // The host's 404 status for the unknown path is expected; nothing else.
  await done({ allow: [/status of 404/] });
});

test('an unknown digest and an unknown path show the not-found page', async () => {
  const { page, done } = await openPage(browser);
  for (const path of [schemePath('digest_url', { slug: 'no-such-digest' }), '/no/such/page']) {
    await page.goto(`${pages.base}${path}`);
    await page.getByTestId('not-found').waitFor();
  }
  await done({ allow: [/status of 404/] });
});

test('a bundle of another format version is refused with a clear message', async () => {
  const { page, done } = await openPage(browser);
  await page.route(`**/${schemePath('manifest')}`, (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify({ schema: 999, digests: {} }) }));
  await page.goto(`${plain.base}/`);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /format version 999, but this viewer reads version \d+; rebuild the site/);
  await done();
});

test('search on a tag page stays on the tag page', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${plain.base}${TAG}`);
  await page.locator('.digest-card').first().waitFor();
  await page.getByPlaceholder(T.search_placeholder).pressSequentially('英伟达');
  await page.waitForURL(`${plain.base}${TAG}?q=${encodeURIComponent('英伟达')}`);
  await page.getByTestId('match-count').filter({ hasText: T.count(1, 13) }).waitFor();
  assert.equal(await page.locator('h1').textContent(), '#人工智能');
  await done();
});

/** Serves `path` (a file of the bundle) with `edit` applied to its JSON. */
async function corrupt(page, glob, edit) {
  await page.route(glob, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    edit(json);
    await route.fulfill({ response, body: JSON.stringify(json) });
  });
}

test('a corrupted index shows the error view, not a blank page', async () => {
  const { page, done } = await openPage(browser);
  await corrupt(page, `**/${schemePath('index', { stamp: '*' })}`, (index) => {
    index.row_tags[0] = [999];
  });
  await page.goto(`${plain.base}/?tag=AI`);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /index\.json row 0 has `tag` number 999, but there are \d+/);
  await done();
});

test('a corrupted shard shows the error view, not a blank page', async () => {
  const { page, done } = await openPage(browser);
  await corrupt(page, `**/${schemePath('shard', { stamp: '*', n: '*' })}`, (shard) => {
    const { items } = shard.digests[0];
    items[1].id = items[0].id;
  });
  await page.goto(`${plain.base}${DIGEST}`);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /digest "ai20240526" has two items with the id "[0-9a-z]+"/);
  await done();
});
