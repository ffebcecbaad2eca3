// End-to-end: reading on a real site. Facets that stay small at 200 tags
// (the first digest inside the first screen on a desktop and a phone),
// finding a tag among all of them, and copying an item's link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { SCHEME, T, closeWith, contentSite, launch, listItems, openPage, pagesServer, pythonServer, schemePath } from './harness.mjs';

const TAGS = 200;
/** How many of a facet's other terms the box of every term shows at once. */
const BOX = SCHEME.found_shown;
let browser, many, plain, manyContent;

before(async () => {
  // 40 digests with 5 tags each: 200 tags, every one used.
  const dir = new URL('../../target/e2e-sites/many-tags/content', import.meta.url).pathname;
  manyContent = dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < TAGS / 5; i++) {
    const day = `2024-03-${String((i % 28) + 1).padStart(2, '0')}`;
    const tags = Array.from({ length: 5 }, (_, k) => `"tag-${i * 5 + k}"`).join(', ');
    writeFileSync(`${dir}/digest-${i}.md`,
      `+++\ntitle = "Digest ${i}"\ndate = "${day}"\ntags = [${tags}]\n+++\n\n## One\n\nText. [Source](https://example.com/${i}/1)\n\n## Two\n\nText. [Source](https://example.com/${i}/2)\n`);
  }
  browser = await launch();
  many = await pythonServer(contentSite('many-tags', dir));
  plain = await pythonServer();
});

after(async () => {
  await browser?.close();
  many?.close();
  plain?.close();
});

for (const [width, height, kind] of [[1280, 800, 'desktop'], [390, 844, 'phone']]) {
  test(`with ${TAGS} tags the first digest is inside the first screen on a ${kind}`, async () => {
    const { page, done } = await openPage(browser, { viewport: { width, height } });
    await page.goto(`${many.base}/`);
    await page.getByTestId('match-count').waitFor();
    const first = await page.locator('.digest-card').first().boundingBox();
    assert.ok(first && first.y + 60 < height, `first digest at y=${first?.y} of ${height}`);
    await done();
  });
}

test('on a phone no page is wider than the screen, and the header keeps each link on one line', async () => {
  const item = listItems().find((i) => i.digest === 'ai20240526');
  const { page, done } = await openPage(browser, { viewport: { width: 390, height: 844 } });
  for (const path of ['/', '/d/ai20240526/', item.url, '/items/', '/starred/']) {
    await page.goto(`${plain.base}${path}`);
    await page.waitForFunction(() => !document.getElementById('prerender'));
    const seen = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      screen: window.innerWidth,
      header: [...document.querySelectorAll('.site-header > a, .lang-switch button, .site-search input')].map((el) => {
        const r = el.getBoundingClientRect();
        const lines = r.height / parseFloat(getComputedStyle(el).fontSize);
        return { text: el.textContent || el.placeholder, left: r.left, right: r.right, lines };
      }),
    }));
    assert.ok(seen.width <= seen.screen, `${path}: ${seen.width} pixels wide on a ${seen.screen}-pixel screen`);
    for (const h of seen.header) {
      assert.ok(h.left >= 0 && h.right <= seen.screen && h.lines < 2.6, `${path}: ${JSON.stringify(h)}`);
    }
    // The header's search box, where there is one, fills the rest of its row.
    const search = seen.header.find((h) => h.text === T.search_placeholder);
    if (search) assert.ok(search.right - search.left > seen.screen / 2, `${path}: ${JSON.stringify(search)}`);
  }
  await done();
});

test('on a phone the filters fold behind a switch that keeps the chosen ones in view', async () => {
  const { page, done } = await openPage(browser, { viewport: { width: 390, height: 844 } });
  await page.goto(`${many.base}/`);
  await page.getByTestId('match-count').waitFor();
  const toggle = page.getByTestId('facets-toggle');
  const tags = page.locator('.facet').first();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await tags.isVisible(), false);
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await tags.locator('a.chip').first().click();
  await page.getByTestId('clear').waitFor();
  // Still open after the new screen; folded again, the chosen tag's panel stays.
  assert.equal(await tags.isVisible(), true);
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await tags.isVisible(), true);
  assert.equal(await page.locator('.facet').nth(1).isVisible(), false);
  await done();
});

test('all tags are one click away, found by typing', async () => {
  const { page, done } = await openPage(browser);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  const manifest = page.waitForResponse((r) => r.url().endsWith(`/${SCHEME.manifest}`));
  await page.goto(`${many.base}/`);
  // The manifest carries the twelve tags shown and how many there are,
  // not all 200: the rest come with the index when asked for.
  const carried = await (await manifest).json();
  assert.equal(carried.tags.length, 12);
  assert.equal(carried.facet_terms[0], TAGS);
  await page.getByTestId('match-count').waitFor();
  const tags = page.locator('.facet').first();
  assert.equal(await tags.locator('a.chip').count(), 12);
  const all = tags.getByTestId('all-terms');
  assert.equal(await all.textContent(), T.all_tags.replace('{n}', String(TAGS)));
  assert.ok(!fetched.some((p) => p.endsWith('/index.json')), fetched.join(' '));
  await all.click();
  // Once the index is there, the box shows the first of the 188 other
  // tags and says how many there are, as a status a screen reader reads
  // out; typing narrows them.
  const note = tags.getByTestId('found-note');
  await note.filter({ hasText: T.shownOf(BOX, TAGS - 12) }).waitFor();
  assert.equal(await note.getAttribute('role'), 'status');
  assert.equal(await tags.locator('.more-terms a.chip').count(), BOX);
  // On a wide screen (1280 pixels) the panel is a column beside the list:
  // the box opens under the switch, inside that column, not beside it.
  const [column, box, under] = await Promise.all([tags, tags.locator('.more-terms'), all].map((l) => l.boundingBox()));
  const inside = box.x >= column.x && box.x + box.width <= column.x + column.width + 0.5 && box.y >= under.y + under.height;
  assert.ok(inside, JSON.stringify({ column, box, under }));
  // Closed and opened again, now that the index is there, the box comes
  // and goes alone: the panels' chips stay the same nodes.
  await page.evaluate(() => { window.firstChip = document.querySelector('.facet a.chip'); });
  await all.click();
  await tags.locator('.more-terms').waitFor({ state: 'detached' });
  assert.equal(await all.getAttribute('aria-expanded'), 'false');
  await all.click();
  await note.filter({ hasText: T.shownOf(BOX, TAGS - 12) }).waitFor();
  assert.equal(await all.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.evaluate(() => window.firstChip.isConnected && window.firstChip === document.querySelector('.facet a.chip')));
  assert.ok(fetched.some((p) => p.endsWith('/index.json')), fetched.join(' '));
  assert.equal(await all.getAttribute('aria-expanded'), 'true');
  await tags.getByTestId('find-term').fill('TAG-19');
  await note.filter({ hasText: T.foundCount(11) }).waitFor();
  const found = await tags.locator('.more-terms a.chip').evaluateAll((a) => a.map((c) => c.dataset.name));
  const nineteens = ['tag-19', ...Array.from({ length: 10 }, (_, k) => `tag-19${k}`)];
  assert.deepEqual(found, nineteens);
  await tags.getByTestId('find-term').fill('zzz');
  await note.filter({ hasText: T.foundCount(0) }).waitFor();
  assert.equal(await tags.locator('.more-terms a.chip').count(), 0);
  await tags.getByTestId('find-term').fill('tag-137');
  await tags.locator('.more-terms a.chip').filter({ hasText: 'tag-137' }).waitFor();
  assert.equal(await tags.locator('.more-terms a.chip').count(), 1);
  await tags.locator('.more-terms a.chip[data-name="tag-137"]').click();
  await page.waitForURL(/tag=tag-137/);
  await page.getByTestId('match-count').filter({ hasText: T.count(1, 2) }).waitFor();
  // The chosen tag now shows among the first chips.
  assert.equal(await page.locator('.facet').first().locator('a.chip.active').getAttribute('data-name'), 'tag-137');
  await done();
});

test("all tags with the index answering 404: the message names it, Retry fills the box", async () => {
  const host = await pagesServer(contentSite('many-tags-faults', manyContent));
  const { page, done } = await openPage(browser);
  try {
    await page.goto(`${host.base}/`);
    await page.getByTestId('match-count').waitFor();
    const manifest = await (await page.request.get(`${host.base}/${SCHEME.manifest}`)).json();
    const index = schemePath('index', { stamp: manifest.stamp });
    host.fail((p) => p.endsWith(`/${index}`), { status: 404 });
    const tags = page.locator('.facet').first();
    await tags.getByTestId('all-terms').click();
    await page.getByTestId('error').waitFor();
    assert.deepEqual(await page.locator('.error li').allTextContents(), [T.serverRefused(index, 404)]);
    host.heal();
    await page.getByTestId('retry').click();
    await tags.getByTestId('found-note').filter({ hasText: T.shownOf(BOX, TAGS - 12) }).waitFor();
    assert.equal(await tags.locator('.more-terms a.chip').count(), BOX);
    assert.equal(await page.getByTestId('error').count(), 0);
    await done({ allow: [/Failed to load resource/] });
  } finally {
    host.close();
  }
});

test('a chip chosen from the keyboard keeps the focus, and the box of every tag stays open', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${many.base}/`);
  await page.getByTestId('match-count').waitFor();
  const focused = () => page.evaluate(() => {
    const a = document.activeElement;
    return a && { name: a.dataset.name, active: a.classList.contains('active'), inBox: !!a.closest('.more-terms') };
  });
  const tags = page.locator('.facet').first();
  const first = await tags.locator('a.chip').first().getAttribute('data-name');
  await tags.locator('a.chip').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/tag=/);
  await page.getByTestId('clear').waitFor();
  assert.deepEqual(await focused(), { name: first, active: true, inBox: false });
  await page.keyboard.press('Enter');
  await page.getByTestId('clear').waitFor({ state: 'detached' });
  assert.deepEqual(await focused(), { name: first, active: false, inBox: false });

  await tags.getByTestId('all-terms').click();
  assert.equal(await tags.getByTestId('all-terms').getAttribute('aria-expanded'), 'true');
  await tags.getByTestId('find-term').fill('tag-13');
  await tags.locator('.more-terms a.chip[data-name="tag-137"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/tag=tag-137/);
  await page.getByTestId('match-count').filter({ hasText: T.count(1, 2) }).waitFor();
  // The chosen tag moved to the first chips, and the focus with it.
  assert.deepEqual(await focused(), { name: 'tag-137', active: true, inBox: false });
  // Clearing brings the other tags back behind the switch, whose box is still open with what was typed.
  await page.getByTestId('clear').click();
  await page.getByTestId('clear').waitFor({ state: 'detached' });
  assert.equal(await tags.getByTestId('find-term').inputValue(), 'tag-13');
  assert.equal(await tags.locator('.more-terms a.chip[data-name="tag-137"]').count(), 1);
  await done();
});

test("an item's copy button puts its absolute deep link on the clipboard", async () => {
  const { page, done } = await openPage(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
  const item = listItems().find((i) => i.digest === 'ai20240526');
  await page.goto(`${plain.base}${item.url}`);
  const button = page.locator('.copy-link');
  assert.equal(await button.textContent(), T.copy_link);
  await button.click();
  await page.locator('.copy-link').filter({ hasText: T.copied }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${plain.base}${item.url}`);
  await done();
});

/** Two days with one story in common (its link decorated differently). */
function sameStorySite() {
  const dir = new URL('../../target/e2e-sites/same-story/content', import.meta.url).pathname;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const write = (day, link) => writeFileSync(`${dir}/${day}.md`,
    `+++\ntitle = "Digest ${day}"\n+++\n\n## The story\n\nText. [Source](${link})\n\n## Another\n\nText. [Source](https://example.com/${day})\n`);
  write('2024-05-25', 'https://www.example.com/story/');
  write('2024-05-26', 'http://example.com/story?utm_source=feed');
  return contentSite('same-story', dir);
}

test('the same story on another day is one click away from its item', async () => {
  const local = await pythonServer(sameStorySite());
  const { page, done } = await openPage(browser);
  try {
    await page.goto(`${local.base}/d/2024-05-26/`);
    await page.locator('.item h2 a').first().click();
    const also = page.locator('.also-in');
    await also.waitFor();
    const link = also.getByRole('link');
    assert.equal(await link.textContent(), `${T.date('2024-05-25')} · Digest 2024-05-25`);
    await link.click();
    await page.waitForURL(new RegExp('/d/2024-05-25/[0-9a-z]{8}/$'));
    await page.locator('.also-in').getByRole('link', { name: /2024-05-26/ }).waitFor();
  } finally {
    await closeWith(page, local);
  }
  await done();
});

test('read and starred items survive a reload, and the starred view lists them', async () => {
  const { page, done } = await openPage(browser);
  const DIGEST = '/d/ai20240526/';
  await page.goto(`${plain.base}${DIGEST}`);
  const items = page.locator('.item');
  await items.first().locator('.star').click();
  assert.equal(await items.first().locator('.star').getAttribute('aria-pressed'), 'true');
  await items.nth(1).locator('h2 a').click();
  await page.locator('.item-page').waitFor();
  await page.goto(`${plain.base}${DIGEST}`);
  await page.locator('.item').first().waitFor();
  assert.equal(await page.locator('.item.read').count(), 1);
  assert.equal(await page.locator('.item').nth(1).getAttribute('class'), 'item read');
  assert.equal(await page.locator('.item').first().locator('.star').getAttribute('aria-pressed'), 'true');
  await page.locator('.mark-all').click();
  assert.equal(await page.locator('.item.read').count(), 13);
  const first = (await page.locator('.item h2').first().textContent()).trim();
  await page.getByTestId('starred-link').click();
  await page.waitForURL(/\/starred\/$/);
  assert.deepEqual(await page.locator('.starred .digest-card h2').allTextContents(), [first]);
  // Export gives the state as JSON; an import adds to it.
  const exported = await page.getByTestId('export').getAttribute('href');
  const state = JSON.parse(decodeURIComponent(exported.replace(/^data:application\/json;charset=utf-8,/, '')));
  assert.equal(state.starred.length, 1);
  assert.equal(state.read.length, 13);
  const other = { read: [], starred: [{ slug: 'ai20240526', id: 'zzzzzzzz', title: 'Imported', date: '2024-05-26', digest_title: 'D' }] };
  const file = (name, text) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  const note = page.getByTestId('import-note');
  // A file that is not a reading state is refused with where it went
  // wrong, and changes nothing.
  await page.getByTestId('import').setInputFiles(file('notes.json', '{"read": ["x/y",\n 3]}'));
  await note.filter({ hasText: T.importFailed('notes.json', 2, 2) }).waitFor();
  assert.equal(await page.locator('.starred .digest-card').count(), 1);
  await page.getByTestId('import').setInputFiles(file('reading.json', JSON.stringify(other)));
  await page.locator('.starred .digest-card h2', { hasText: 'Imported' }).waitFor();
  assert.equal(await note.textContent(), T.imported('reading.json', 1, 0));
  // The same file again: nothing new, and said so.
  await page.getByTestId('import').setInputFiles(file('reading.json', JSON.stringify(other)));
  await note.filter({ hasText: T.imported('reading.json', 0, 0) }).waitFor();
  assert.equal(await page.locator('.starred .digest-card').count(), 2);
  await page.locator('.starred .digest-card').first().locator('.star').click();
  await page.locator('.starred .digest-card h2', { hasText: first }).waitFor({ state: 'detached' });
  // The imported item is unread; its button marks it read and keeps the focus.
  const toggle = page.locator('.starred .digest-card .read-toggle');
  assert.equal(await toggle.textContent(), T.mark_read);
  await toggle.focus();
  await page.keyboard.press('Enter');
  await page.locator('.starred .digest-card .read-toggle', { hasText: T.mark_unread }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'read-toggle');
  assert.equal(await page.locator('.starred .digest-card h2').textContent(), 'Imported');
  await done();
});

test('digests newer than the last visit are marked new, once', async () => {
  const { page, done } = await openPage(browser);
  await page.addInitScript(() => {
    if (!localStorage.getItem('tidings-reading')) {
      localStorage.setItem('tidings-reading', JSON.stringify({ seen_until: '2024-05-25' }));
    }
  });
  await page.goto(`${plain.base}/`);
  await page.getByTestId('new').waitFor();
  assert.equal(await page.getByTestId('new').textContent(), T.new_badge);
  await page.reload();
  await page.waitForFunction(() => !document.getElementById('prerender'));
  await page.getByTestId('match-count').waitFor();
  assert.equal(await page.getByTestId('new').count(), 0);
  await done();
});

test('the keys move, star, mark, open, search, go home and show themselves', async () => {
  const { page, done } = await openPage(browser);
  const DIGEST = '/d/ai20240526/';
  await page.goto(`${plain.base}${DIGEST}`);
  await page.locator('.item').first().waitFor();
  const focusedTitle = () => page.evaluate(() => document.activeElement?.closest('.item')?.querySelector('h2')?.textContent);
  const titles = await page.locator('.item h2').allTextContents();
  await page.keyboard.press('j');
  assert.equal(await focusedTitle(), titles[0]);
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  assert.equal(await focusedTitle(), titles[1]);
  await page.keyboard.press('s');
  assert.equal(await page.locator('.item').nth(1).locator('.star').getAttribute('aria-pressed'), 'true');
  await page.keyboard.press('m');
  assert.equal(await page.locator('.item').nth(1).getAttribute('class'), 'item read');
  await page.keyboard.press('o');
  await page.locator('.item-page h1', { hasText: titles[1] }).waitFor();
  await page.keyboard.press('j');
  await page.locator('.item-page h1', { hasText: titles[2] }).waitFor();
  await page.keyboard.press('Escape');
  await page.waitForURL(`${plain.base}${DIGEST}`);
  await page.keyboard.press('?');
  await page.getByTestId('keys-help').waitFor();
  assert.equal(await page.getByTestId('keys-help').locator('dt').count(), 9);
  await page.keyboard.press('Escape');
  await page.getByTestId('keys-help').waitFor({ state: 'detached' });
  await page.keyboard.press('g');
  await page.keyboard.press('h');
  await page.waitForURL(`${plain.base}/`);
  await page.locator('.digest-card').first().waitFor();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'search');
  await done();
});

test('a visited item opens offline, with an offline notice', async () => {
  const { page, done } = await openPage(browser);
  const item = listItems().find((i) => i.digest === 'ai20240526');
  await page.goto(`${plain.base}${item.url}`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Controlled from the next load on: that visit is kept.
  await page.reload();
  await page.waitForFunction(() => !document.getElementById('prerender') && navigator.serviceWorker.controller);
  await page.locator('.item-page h1').waitFor();
  await page.context().setOffline(true);
  await page.goto(`${plain.base}${item.url}`);
  assert.equal(await page.locator('.item-page h1').textContent(), item.title);
  assert.equal(await page.getByTestId('offline').textContent(), T.offline);
  await page.context().setOffline(false);
  await done({ allow: [/ERR_INTERNET_DISCONNECTED/] });
});

test('the site can be installed: a web app manifest under the base path', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${plain.base}/`);
  const link = await page.locator('link[rel=manifest]').getAttribute('href');
  const manifest = await page.evaluate(async (h) => (await fetch(h)).json(), link);
  assert.equal(manifest.start_url, new URL(`${plain.base}/`).pathname);
  assert.equal(manifest.display, 'standalone');
  assert.ok(manifest.icons.length >= 1);
  await done();
});

test('the items view lists items across digests, each story once, reachable from a source', async () => {
  const local = await pythonServer(sameStorySite());
  const { page, done } = await openPage(browser);
  try {
    await page.goto(`${local.base}/d/2024-05-26/`);
    await page.getByTestId('items-link').click();
    await page.waitForURL(/\/items\/$/);
    // Two digests of two items, one story on both days: three rows.
    await page.locator('.item-row').first().waitFor();
    assert.equal(await page.locator('.item-row').count(), 3);
    assert.equal(await page.getByTestId('days').textContent(), T.on_days_many.replace('{n}', '2'));
    await page.goto(`${local.base}/d/2024-05-25/`);
    await page.locator('.item h2 a').nth(1).click();
    await page.locator('.more-from').click();
    await page.waitForURL(/\/items\/\?domain=example\.com$/);
    await page.locator('.item-row').first().waitFor();
    assert.equal(await page.locator('.item-row').count(), 3);
    // Clearing the filter stays on the items view.
    await page.getByTestId('clear').click();
    await page.waitForURL(/\/items\/$/);
    await page.locator('.item-row').first().waitFor();
    assert.equal(await page.locator('.item-row').count(), 3);
  } finally {
    await closeWith(page, local);
  }
  await done();
});

test('the items view pages a couple of digests at a time', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${many.base}/items/`);
  await page.locator('.item-row').first().waitFor();
  // 40 digests of two items each, two digests a screen.
  assert.equal(await page.locator('.item-row').count(), 4);
  await page.locator('.pager', { hasText: T.pageOf(1, 20) }).waitFor();
  await page.locator('.pager a[rel=next]').click();
  await page.waitForURL(/\/items\/\?page=2$/);
  await page.locator('.pager', { hasText: T.pageOf(2, 20) }).waitFor();
  await done();
});
