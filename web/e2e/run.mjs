#!/usr/bin/env node
// End-to-end tests of the web app in headless Chromium against a running Karat
// server with demo data:
//
//   KARAT_URL=http://127.0.0.1:18080 npm run test:e2e
//
// Env: KARAT_URL (required), KARAT_DEMO_PASSWORD (default karat-demo-2026),
// CHROMIUM_PATH (default /usr/bin/chromium), E2E_ONLY=name,name (run some tests),
// E2E_HEADFUL=1 (debugging with a display).
//
// Every page visited is checked with axe-core; a serious or critical violation
// fails the test that visited it. Screenshots go to e2e/screenshots/. Names,
// emails and store codes carry a per-run suffix so re-runs against the same
// database pass.
import { createDecipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(here, 'screenshots');

const BASE = (process.env.KARAT_URL ?? '').replace(/\/+$/, '');
if (!BASE) {
  console.error('KARAT_URL is not set: point it at a running Karat server started with demo data, e.g. KARAT_URL=http://127.0.0.1:18080');
  process.exit(2);
}
const PASSWORD = process.env.KARAT_DEMO_PASSWORD ?? 'karat-demo-2026';
const CHROME = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ONLY = (process.env.E2E_ONLY ?? '').split(',').filter(Boolean);
const RUN = Date.now().toString(36).toUpperCase();

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** The narrowest phone the showroom screens are built for. */
const SMALL_PHONE = { width: 375, height: 740 };

const DEMO = {
  platform_admin: 'platform@karat.test',
  business_admin: 'owner@demo.test',
  manager: 'manager@demo.test',
  sales_rep: 'sales@demo.test',
  telecaller: 'telecaller@demo.test',
  marketing: 'marketing@demo.test',
};

// What each role must see in the main navigation (DOMAIN.md roles; written
// here independently of the app's own mapping).
const EXPECTED_NAV = {
  platform_admin: ['Home', 'Tenants', 'Tickets', 'Announcements', 'Audit log', 'Account'],
  business_admin: [
    'Home',
    'Customers',
    'Segments',
    'Wallboard',
    'Leads',
    'Chat',
    'Escalations',
    'Feedback',
    'Announcements',
    'Stores',
    'Users',
    'Audit log',
    'Access log',
    'Support',
    'Account',
  ],
  manager: [
    'Home',
    'Customers',
    'Wallboard',
    'Leads',
    'Chat',
    'Escalations',
    'Feedback',
    'Announcements',
    'My stores',
    'Team',
    'Audit log',
    'Support',
    'Account',
  ],
  sales_rep: ['Home', 'Customers', 'Log a visit', 'Transfers', 'Chat', 'Escalations', 'Announcements', 'My stores', 'Account'],
  telecaller: ['Home', 'Console', 'Customers', 'Transfers', 'Chat', 'Escalations', 'Announcements', 'My stores', 'Account'],
  marketing: ['Home', 'Segments', 'Chat', 'Announcements', 'My stores', 'Account'],
};
// The phone's bottom bar holds five: items that are reachable elsewhere (Account
// in the account menu, Access log from the audit log, Segments from the
// customer list, Stores from the home page, Leads from the wallboard, Support
// in the account menu; the audit log and My stores from the home page;
// Escalations from a customer's page and notifications; Feedback and
// Announcements — urgent ones are also a banner — in the account menu) stay
// off a full bar, which always has Chat.
const EXPECTED_PHONE_NAV = {
  ...EXPECTED_NAV,
  platform_admin: ['Home', 'Tenants', 'Tickets', 'Announcements', 'Audit log'],
  marketing: ['Home', 'Segments', 'Chat', 'Announcements', 'My stores'],
  business_admin: ['Home', 'Customers', 'Wallboard', 'Chat', 'Users'],
  manager: ['Home', 'Customers', 'Wallboard', 'Chat', 'Team'],
  sales_rep: ['Home', 'Customers', 'Log a visit', 'Transfers', 'Chat'],
  telecaller: ['Home', 'Console', 'Customers', 'Transfers', 'Chat'],
};

const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

// ---------------------------------------------------------------- harness

class StepError extends Error {}

function fail(message) {
  throw new StepError(message);
}

function check(cond, message) {
  if (!cond) fail(message);
}

const tests = [];
function test(name, fn) {
  tests.push({ name, fn });
}

let browser = null;
const a11yReport = [];

/** A fresh browser context (no shared storage) with error tracking. */
async function open(t, { viewport = DESKTOP, colorScheme = 'light', permissions = [], init = null } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, baseURL: BASE, serviceWorkers: 'allow' });
  if (permissions.length) await context.grantPermissions(permissions, { origin: BASE });
  if (init) await context.addInitScript(init.fn, init.arg);
  const page = await context.newPage();
  // Generous: CI machines are small and may be busy compiling.
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(20_000);
  page.on('pageerror', (err) => t.errors.push(`uncaught error in page: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 500) t.errors.push(`server error ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
  t.contexts.push(context);
  return page;
}

async function step(t, description, fn) {
  t.current = description;
  try {
    return await fn();
  } catch (err) {
    const why = err instanceof StepError ? err.message : (err?.message ?? String(err)).split('\n')[0];
    throw new StepError(`${description}: ${why}`);
  }
}

/** Runs axe-core on the current page; serious or critical violations fail the test. */
async function axe(t, page, label) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  // Evaluated over the DevTools protocol, so the app's strict CSP (no inline
  // scripts) stays on and is exercised by every test.
  if (!hasAxe) await page.evaluate(`${axeSource}\n;void 0`);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      count: v.nodes.length,
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const other = result.filter((v) => v.impact !== 'serious' && v.impact !== 'critical').map((v) => `${v.impact} ${v.id}`);
  a11yReport.push({ label, url: page.url(), serious: bad.length, other: other.length, otherIds: other });
  if (bad.length > 0) {
    const lines = bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.count}× e.g. ${v.nodes.join(' | ')})`);
    fail(`axe found ${bad.length} serious/critical violation(s) on ${label} (${page.url()}):\n${lines.join('\n')}`);
  }
}

async function shot(page, name) {
  const { width } = page.viewportSize();
  await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: false });
}

/** Screenshots at desktop and phone size, leaving the page at its original size. */
async function shots(page, name) {
  const original = page.viewportSize();
  for (const vp of [DESKTOP, PHONE]) {
    await page.setViewportSize(vp);
    await page.waitForTimeout(150);
    await shot(page, name);
  }
  await page.setViewportSize(original);
}

async function heading(page) {
  return (await page.locator('main h1').first().textContent({ timeout: 15_000 }))?.trim() ?? '';
}

async function navLabels(page) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.waitFor({ state: 'visible' });
  // Each link's label (its first text): the Chat item may carry an unread count after it.
  return (
    await nav.getByRole('link').evaluateAll((links) => links.map((a) => a.querySelector('span')?.textContent ?? a.textContent ?? ''))
  ).map((s) => s.trim());
}

async function login(t, page, email, password = PASSWORD) {
  await step(t, `open the login page`, async () => {
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
  await step(t, `sign in as ${email}`, async () => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    try {
      await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 15_000 });
    } catch {
      const alert = await page
        .getByRole('alert')
        .first()
        .textContent()
        .catch(() => null);
      fail(`the app shell did not appear after signing in${alert ? ` (page says: ${alert.trim()})` : ''}`);
    }
  });
}

async function logout(t, page) {
  await step(t, 'log out from the account menu', async () => {
    await openAccountMenu(page);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
}

/** Opens the header's account menu (a disclosure button). */
async function openAccountMenu(page) {
  const button = page.getByRole('banner').getByRole('button', { name: /account menu/i });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** Fails when the page scrolls sideways (something wider than the viewport). */
async function noSideScroll(page, label) {
  const r = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  check(r.scroll <= r.width, `${label}: the page is ${r.scroll}px wide in a ${r.width}px viewport (scrolls sideways)`);
}

/** Waits for the header's live-updates status to say the socket is connected. */
async function waitLive(page, timeout = 20_000) {
  try {
    await page.getByRole('banner').locator('.conn').getByText('Live updates: on').waitFor({ timeout });
  } catch {
    const states = await page.locator('.conn').allTextContents();
    fail(`live updates did not connect (indicator: ${JSON.stringify(states)})`);
  }
}

/** The unread count in the bell's accessible name ("Notifications, 3 unread"). */
async function bellCount(page) {
  const bell = page.getByRole('banner').getByRole('link', { name: /^Notifications, / });
  await bell.waitFor({ timeout: 15_000 });
  const name = (await bell.getAttribute('aria-label')) ?? '';
  if (/none unread/.test(name)) return 0;
  const m = /(\d+) unread/.exec(name);
  if (!m) fail(`unexpected bell name "${name}"`);
  return Number(m[1]);
}

async function waitBell(page, expected, message, timeout = 15_000) {
  await waitUntil(
    async () => {
      const n = await bellCount(page);
      return n === expected || `the bell says ${n}`;
    },
    message ?? `the bell should show ${expected} unread`,
    timeout,
  );
}

async function expectToast(page, text) {
  const toast = page.locator('.toast').filter({ hasText: text });
  try {
    await toast.first().waitFor({ timeout: 15_000 });
  } catch {
    const all = await page.locator('.toast').allTextContents();
    const alerts = await page.getByRole('alert').allTextContents();
    fail(`expected a notification "${text}"; toasts: ${JSON.stringify(all)}; alerts: ${JSON.stringify(alerts)}`);
  }
}

/** Polls `fn` until it returns true (or fails with the message after `timeout` ms). */
async function waitUntil(fn, message, timeout = 10_000) {
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    try {
      const r = await fn();
      if (r === true) return;
      last = typeof r === 'string' ? r : '';
    } catch (e) {
      last = e?.message ?? String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  fail(`${message}${last ? ` (${last})` : ''}`);
}

async function api(path, { method = 'GET', token, body } = {}) {
  const res = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, headers: res.headers };
}

async function apiLogin(email, password = PASSWORD) {
  const r = await api('/auth/login', { method: 'POST', body: { email, password } });
  check(r.status === 200, `API login as ${email} returned ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json.access_token;
}

// ---------------------------------------------------------------- push helpers

/** A stand-in push service on loopback: records what the Karat server sends it. */
async function fakePushService() {
  const inbox = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      inbox.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    inbox,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A browser subscription's secrets: its P-256 key pair and auth secret (RFC 8291). */
function pushKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString('base64url'), authB64: auth.toString('base64url') };
}

/** Decrypts a one-record aes128gcm push body (RFC 8188/8291) with the subscription's keys. */
function decryptPush(body, keys) {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  const secret = keys.ecdh.computeSecret(asPublic);
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), keys.ecdh.getPublicKey(), asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, keys.auth, info, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  check(plain[end] === 2, 'the push record has no last-record delimiter');
  return JSON.parse(plain.subarray(0, end).toString('utf8'));
}

/**
 * Runs in the page before the app: a PushManager stand-in (headless Chromium
 * has no push service to subscribe with) that hands out a subscription for the
 * fake push service, and a Notification permission that starts "default" and
 * becomes "granted" when asked (the context really grants it, so the service
 * worker may show notifications). State lives in localStorage, like a browser's.
 */
function stubPush({ origin, endpoint, p256dh, auth, permission }) {
  if (location.origin !== origin) return;
  const store = window.localStorage;
  const PERMISSION = 'e2e.permission';
  const SUB = 'e2e.subscription';
  if (!store.getItem(PERMISSION)) store.setItem(PERMISSION, permission);
  Object.defineProperty(Notification, 'permission', { configurable: true, get: () => store.getItem(PERMISSION) });
  Notification.requestPermission = async () => {
    store.setItem(PERMISSION, 'granted');
    return 'granted';
  };
  const bytes = (b64) =>
    Uint8Array.from(atob(b64.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  const make = (key) => ({
    endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: bytes(key).buffer },
    getKey: () => null,
    toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
    unsubscribe: async () => {
      store.removeItem(SUB);
      return true;
    },
  });
  PushManager.prototype.getSubscription = async function () {
    const key = store.getItem(SUB);
    return key ? make(key) : null;
  };
  PushManager.prototype.subscribe = async function (options) {
    let bin = '';
    for (const b of new Uint8Array(options.applicationServerKey)) bin += String.fromCharCode(b);
    const key = btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    store.setItem(SUB, key);
    return make(key);
  };
}

/** Runs in the page: notifications blocked for the site (as after "Block" in the prompt). */
function denyNotifications(origin) {
  if (location.origin !== origin) return;
  Object.defineProperty(Notification, 'permission', { configurable: true, get: () => 'denied' });
  Notification.requestPermission = async () => 'denied';
}

/** Creates a sales rep by API; returns their id, email and password. */
async function createSalesRep(t, label) {
  const token = await apiLogin(DEMO.business_admin);
  const email = `e2e-${label}-${RUN.toLowerCase()}@demo.test`;
  const password = `pearl-drops-${RUN.toLowerCase()}`;
  const id = await step(t, `create a sales rep (${label}) by API`, async () => {
    const stores = await api('/stores?limit=1', { token });
    check(stores.status === 200 && stores.json.items.length > 0, `no store to put them in (${stores.status})`);
    const r = await api('/users', {
      method: 'POST',
      token,
      body: { name: `E2E ${label} ${RUN}`, email, role: 'sales_rep', store_ids: [stores.json.items[0].id], password },
    });
    check(r.status === 201, `POST /users returned ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json.id;
  });
  return { id, email, password, adminToken: token };
}

/** Whether the server offers Web Push (older servers answer 404; the push tests then only log that). */
async function serverOffersPush() {
  const r = await api('/push/vapid-key', { token: await apiLogin(DEMO.sales_rep) });
  if (r.status === 404) {
    console.log('    the server offers no Web Push (GET /push/vapid-key is 404): skipped');
    return false;
  }
  check(r.status === 200 && typeof r.json?.public_key === 'string', `GET /push/vapid-key returned ${r.status}`);
  return true;
}

const PUSH_CARD = 'Push notifications on this device';
const SUBSCRIPTIONS = `${BASE}/api/v1/push/subscriptions`;

/** The push card's status badge text, once it has settled. */
async function pushBadge(page, expected, timeout = 20_000) {
  const card = page.getByRole('region', { name: PUSH_CARD });
  await waitUntil(
    async () => {
      const text = ((await card.locator('.badge').textContent({ timeout: 2_000 })) ?? '').trim();
      return (expected instanceof RegExp ? expected.test(text) : text === expected) || `the badge says "${text}"`;
    },
    `the push card should say ${expected}`,
    timeout,
  );
  return ((await card.locator('.badge').textContent()) ?? '').trim();
}

// Shared between tests (they run in order).
const created = {
  storeName: `E2E Showroom ${RUN}`,
  storeCode: `E2E-${RUN}`.slice(0, 20),
  userName: `E2E Sales ${RUN}`,
  userEmail: `e2e-${RUN.toLowerCase()}@demo.test`,
  userPassword: `gold-bangles-${RUN.toLowerCase()}-ok`,
  userCreated: false,
};

// ---------------------------------------------------------------- tests

test('server is up and serves the app, docs and the Redoc bundle', async (t) => {
  await step(t, 'GET / returns the app shell', async () => {
    const res = await fetch(`${BASE}/`);
    check(res.status === 200, `GET / returned ${res.status}`);
    check((await res.text()).includes('id="root"'), 'GET / is not the web app (no #root)');
  });
  await step(t, 'deep links fall back to the app (SPA fallback)', async () => {
    const res = await fetch(`${BASE}/admin/users`);
    check(res.status === 200, `GET /admin/users returned ${res.status}, expected the app shell`);
  });
  await step(t, 'manifest is valid and lists 192 and 512 px icons', async () => {
    const res = await fetch(`${BASE}/manifest.webmanifest`);
    check(res.status === 200, `manifest returned ${res.status}`);
    const m = await res.json();
    const sizes = (m.icons ?? []).map((i) => i.sizes);
    check(m.name && m.start_url && m.display === 'standalone', 'manifest lacks name, start_url or display=standalone');
    check(sizes.includes('192x192') && sizes.includes('512x512'), `manifest icons are ${sizes.join(', ')}`);
    check(
      (m.icons ?? []).some((i) => i.purpose === 'maskable'),
      'manifest has no maskable icon',
    );
  });
  await step(t, 'Redoc bundle is served locally for /api/docs', async () => {
    const res = await fetch(`${BASE}/vendor/redoc.standalone.js`);
    check(res.status === 200, `/vendor/redoc.standalone.js returned ${res.status}`);
    const docs = await fetch(`${BASE}/api/docs`);
    check(docs.status === 200, `/api/docs returned ${docs.status}`);
    check((await docs.text()).includes('/vendor/redoc.standalone.js'), '/api/docs does not load /vendor/redoc.standalone.js');
  });
});

test('each demo role signs in and sees its navigation', async (t) => {
  for (const [role, email] of Object.entries(DEMO)) {
    const page = await open(t, { viewport: DESKTOP });
    await login(t, page, email);
    await step(t, `${role}: navigation on desktop`, async () => {
      const labels = await navLabels(page);
      check(
        JSON.stringify(labels) === JSON.stringify(EXPECTED_NAV[role]),
        `expected nav ${JSON.stringify(EXPECTED_NAV[role])}, got ${JSON.stringify(labels)}`,
      );
      const box = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
      check(box && box.x < 10 && box.height > 400, `on desktop the navigation should be a sidebar, got ${JSON.stringify(box)}`);
    });
    await step(t, `${role}: home page`, async () => {
      const h1 = await heading(page);
      check(/^Good (morning|afternoon|evening), /.test(h1), `home heading was "${h1}"`);
      await page
        .locator('.state-loading')
        .first()
        .waitFor({ state: 'detached', timeout: 15_000 })
        .catch(() => undefined);
      const errors = await page.locator('.state-error').allTextContents();
      check(errors.length === 0, `home shows errors: ${errors.join(' | ')}`);
    });
    await step(t, `${role}: accessibility of home (desktop)`, () => axe(t, page, `home as ${role} (desktop)`));
    await shot(page, `home-${role}`);

    await page.setViewportSize(PHONE);
    await step(t, `${role}: bottom navigation on a phone`, async () => {
      const nav = page.getByRole('navigation', { name: 'Main' });
      const box = await nav.boundingBox();
      check(
        box && box.y + box.height >= PHONE.height - 2 && box.width >= PHONE.width - 2,
        `on a phone the navigation should sit at the bottom, got ${JSON.stringify(box)}`,
      );
      const links = await nav.getByRole('link').all();
      check(links.length <= 5, `the phone's bottom bar has ${links.length} items, more than 5`);
      const labels = await navLabels(page);
      check(
        JSON.stringify(labels) === JSON.stringify(EXPECTED_PHONE_NAV[role]),
        `expected ${JSON.stringify(EXPECTED_PHONE_NAV[role])} on a phone, got ${JSON.stringify(labels)}`,
      );
      for (const link of links) {
        const b = await link.boundingBox();
        check(b && b.height >= 44 && b.width >= 44, `nav link "${await link.textContent()}" is ${b?.width}×${b?.height}, under 44px`);
      }
      await noSideScroll(page, `home as ${role} (phone)`);
    });
    await step(t, `${role}: accessibility of home (phone)`, () => axe(t, page, `home as ${role} (phone)`));
    await shot(page, `home-${role}`);
    await logout(t, page);
  }
});

test('keyboard: skip link, visible focus and landmarks', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.business_admin);
  await step(t, 'first Tab reaches the skip link', async () => {
    await page.goto('/stores');
    await page.getByRole('heading', { name: 'Stores' }).waitFor();
    await page.evaluate(() => {
      document.activeElement?.blur?.();
      window.scrollTo(0, 0);
    });
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => document.activeElement?.textContent?.trim());
    check(text === 'Skip to content', `first focusable element is "${text}", expected the skip link`);
    const visible = await page.evaluate(() => {
      const r = document.activeElement.getBoundingClientRect();
      return r.top >= 0 && r.height > 0;
    });
    check(visible, 'the focused skip link is not visible');
  });
  await step(t, 'the skip link moves focus to main content', async () => {
    await page.keyboard.press('Enter');
    const inMain = await page.evaluate(() => document.activeElement?.id === 'main' || !!document.activeElement?.closest('main'));
    check(inMain, 'focus did not move into <main>');
  });
  await step(t, 'landmarks: banner, navigation, main', async () => {
    check((await page.getByRole('banner').count()) === 1, 'expected one banner landmark');
    check((await page.getByRole('navigation', { name: 'Main' }).count()) === 1, 'expected one main navigation');
    check((await page.getByRole('main').count()) === 1, 'expected one main landmark');
  });
  await step(t, 'focus is visible on a nav link', async () => {
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' });
    await link.focus();
    const outline = await link.evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth);
    check(!outline.startsWith('none') && !outline.endsWith(' 0px'), `focused link has no visible outline (${outline})`);
  });
});

test('business admin creates a store and a user', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.business_admin);
  await step(t, 'open Stores from the navigation', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stores' }).click();
    await page.getByRole('heading', { name: 'Stores', level: 1 }).waitFor();
  });
  await step(t, 'accessibility of the stores page', () => axe(t, page, 'stores (business admin)'));
  await shots(page, 'stores');
  await step(t, 'open the new-store dialog', async () => {
    await page.getByRole('button', { name: 'New store' }).click();
    await page.getByRole('dialog', { name: 'New store' }).waitFor();
  });
  await step(t, 'accessibility of the new-store dialog', () => axe(t, page, 'new store dialog'));
  await shot(page, 'store-dialog');
  await step(t, 'submitting an empty form shows field errors', async () => {
    const dialog = page.getByRole('dialog', { name: 'New store' });
    await dialog.getByRole('button', { name: 'Create store' }).click();
    await dialog.getByText('Enter a name.').waitFor();
    const invalid = await dialog.getByLabel('Name').getAttribute('aria-invalid');
    check(invalid === 'true', 'the Name field is not marked aria-invalid');
  });
  await step(t, `create store ${created.storeCode}`, async () => {
    const dialog = page.getByRole('dialog', { name: 'New store' });
    await dialog.getByLabel('Name').fill(created.storeName);
    await dialog.getByLabel('Code').fill(created.storeCode);
    await dialog.getByLabel('Address').fill('1, Commercial Street');
    await dialog.getByLabel('City').fill('Bengaluru');
    await dialog.getByRole('button', { name: 'Create store' }).click();
    await expectToast(page, 'Store created');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('list', { name: 'Stores' }).locator('.list-title', { hasText: created.storeName }).first().waitFor();
  });
  await step(t, 'a duplicate store code shows the server problem detail', async () => {
    await page.getByRole('button', { name: 'New store' }).click();
    const dialog = page.getByRole('dialog', { name: 'New store' });
    await dialog.getByLabel('Name').fill(`${created.storeName} again`);
    await dialog.getByLabel('Code').fill(created.storeCode);
    await dialog.getByRole('button', { name: 'Create store' }).click();
    const msg = dialog.locator('.alert-error, .field-error');
    await msg.first().waitFor();
    const text = (await msg.first().textContent())?.trim() ?? '';
    check(text.length > 3, 'no error shown for a duplicate store code');
    await axe(t, page, 'new store dialog with a server error');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
  await step(t, 'edit the store: change its city', async () => {
    await page.getByRole('button', { name: `Edit ${created.storeName}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${created.storeName}` });
    await dialog.getByLabel('City').fill('Mysuru');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expectToast(page, 'Store updated');
    await page
      .getByRole('list', { name: 'Stores' })
      .locator('.list-item', { hasText: created.storeName })
      .getByText(/Mysuru/)
      .waitFor();
  });
  await step(t, 'open Users from the navigation', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Users' }).waitFor();
  });
  await step(t, 'accessibility of the users page', () => axe(t, page, 'users (business admin)'));
  await shots(page, 'users');
  await step(t, 'filter users by role', async () => {
    await page.getByLabel('Role').selectOption('manager');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/role=manager/);
    await page.getByRole('list', { name: 'Users' }).locator('.list-title', { hasText: 'Arjun Mehta' }).first().waitFor();
    await waitUntil(
      async () => (await page.getByRole('list', { name: 'Users' }).locator('.list-title', { hasText: 'Kavya Iyer' }).count()) === 0,
      'the role filter still shows a sales rep',
    );
  });
  await step(t, `create user ${created.userEmail} (sales rep in the new store)`, async () => {
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.waitFor();
    await axe(t, page, 'new user dialog');
    await shots(page, 'user-dialog');
    await dialog.getByLabel('Full name').fill(created.userName);
    await dialog.getByLabel('Email').fill(created.userEmail);
    await dialog.getByLabel('Mobile phone').fill('+919812345678');
    await dialog.getByLabel('Role').selectOption('sales_rep');
    await dialog.getByRole('checkbox', { name: new RegExp(created.storeName) }).check();
    await dialog.getByLabel('Initial password (optional)', { exact: true }).fill(created.userPassword);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await expectToast(page, 'User created');
    await dialog.waitFor({ state: 'detached' });
    created.userCreated = true;
  });
  await step(t, 'the new user is listed', async () => {
    await page.goto(`/admin/users?q=${encodeURIComponent(created.userEmail)}`);
    await page.getByRole('list', { name: 'Users' }).locator('.list-title', { hasText: created.userName }).first().waitFor();
  });
  await step(t, 'deactivate and reactivate the new user', async () => {
    await page.getByRole('button', { name: `Edit ${created.userName}` }).click();
    let dialog = page.getByRole('dialog', { name: `Edit ${created.userName}` });
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    await expectToast(page, 'User deactivated');
    await page.getByRole('list', { name: 'Users' }).locator('.list-item', { hasText: created.userName }).getByText('Deactivated').waitFor();
    await page.getByRole('button', { name: `Edit ${created.userName}` }).click();
    dialog = page.getByRole('dialog', { name: `Edit ${created.userName}` });
    await dialog.getByRole('button', { name: 'Reactivate' }).click();
    await expectToast(page, 'User reactivated');
  });
});

test('the new user signs in, sees their store and changes their password', async (t) => {
  check(created.userCreated, 'skipped: the previous test did not create the user');
  const page = await open(t, { viewport: PHONE });
  await login(t, page, created.userEmail, created.userPassword);
  await step(t, 'navigation is a sales rep’s', async () => {
    const labels = await navLabels(page);
    check(JSON.stringify(labels) === JSON.stringify(EXPECTED_PHONE_NAV.sales_rep), `got ${JSON.stringify(labels)}`);
  });
  await step(t, 'My stores lists the new store only', async () => {
    // On a phone, My stores is reached from the home page (Chat has its slot on the bottom bar).
    await page.getByRole('region', { name: 'Your stores' }).getByRole('link', { name: 'View' }).click();
    const list = page.getByRole('list', { name: 'Stores' });
    await list.getByText(created.storeName).waitFor();
    const n = await list.getByRole('listitem').count();
    check(n === 1, `expected exactly 1 store, saw ${n}`);
    await axe(t, page, 'my stores (new sales rep, phone)');
    await shot(page, 'my-stores');
  });
  const newPassword = `${created.userPassword}-2`;
  await step(t, 'change password from Account', async () => {
    // On a phone a sales rep's Account is in the account menu (Transfers has its slot on the bar).
    await openAccountMenu(page);
    await page.locator('.user-menu-links').getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    await axe(t, page, 'account (phone)');
    await shots(page, 'account');
    await page.getByLabel('Current password', { exact: true }).fill(created.userPassword);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Repeat new password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expectToast(page, 'Password changed');
  });
  await step(t, 'a common password is refused with the server’s message', async () => {
    await page.getByLabel('Current password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password', { exact: true }).fill('password123');
    await page.getByLabel('Repeat new password', { exact: true }).fill('password123');
    await page.getByRole('button', { name: 'Change password' }).click();
    const err = page.locator('.field-error, .alert-error').first();
    await err.waitFor();
    check(((await err.textContent()) ?? '').trim().length > 0, 'no error shown for a common password');
  });
  await logout(t, page);
  await login(t, page, created.userEmail, newPassword);
});

test('sessions: list, and revoking another session', async (t) => {
  const other = await apiLogin(DEMO.marketing);
  check(!!other, 'could not open a second session by API');
  const page = await open(t);
  await login(t, page, DEMO.marketing);
  await step(t, 'open Sessions', async () => {
    await page.goto('/account/sessions');
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Sessions' }).waitFor();
    await page.getByText('This device').waitFor();
  });
  await step(t, 'accessibility of sessions', () => axe(t, page, 'sessions'));
  await shots(page, 'sessions');
  await step(t, 'revoke another session', async () => {
    const revoke = page.getByRole('button', { name: /^Revoke/ }).first();
    const before = await page.getByRole('button', { name: /^Revoke/ }).count();
    check(before >= 1, 'no other session to revoke');
    await revoke.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke session' }).click();
    await expectToast(page, 'Session signed out');
  });
});

test('a telecaller is kept out of admin pages, and the API agrees', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.telecaller);
  await step(t, 'opening /admin/users redirects home with a notice', async () => {
    await page.goto('/admin/users');
    await page.waitForURL((u) => new URL(u).pathname === '/', { timeout: 15_000 }).catch(() => fail(`stayed on ${page.url()}`));
    await expectToast(page, 'No access');
    const h1 = await heading(page);
    check(!/users/i.test(h1), `the users page rendered ("${h1}")`);
  });
  await step(t, 'accessibility after the redirect', () => axe(t, page, 'home after a denied page (telecaller)'));
  await step(t, 'opening /admin/audit and /platform/tenants redirects too', async () => {
    for (const path of ['/admin/audit', '/platform/tenants']) {
      await page.goto(path);
      await page.waitForURL((u) => new URL(u).pathname === '/', { timeout: 15_000 }).catch(() => fail(`${path}: stayed on ${page.url()}`));
    }
  });
  await step(t, 'the API refuses user administration to a telecaller with 403 problem+json', async () => {
    const token = await apiLogin(DEMO.telecaller);
    const create = await api('/users', {
      method: 'POST',
      token,
      body: { name: 'Nope', email: `nope-${RUN}@demo.test`, role: 'sales_rep', store_ids: [] },
    });
    check(create.status === 403, `POST /users as telecaller returned ${create.status}`);
    check(
      create.headers.get('content-type')?.includes('application/problem+json'),
      `403 content-type is ${create.headers.get('content-type')}`,
    );
    check(typeof create.json?.detail === 'string', '403 body has no detail');
    const audit = await api('/audit', { token });
    check(audit.status === 403, `GET /audit as telecaller returned ${audit.status}`);
  });
});

test('an expired session returns to login and then to the same page', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.manager);
  const target = '/admin/audit?entity=user';
  await step(t, 'open the audit log with a filter', async () => {
    await page.goto(target);
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  });
  await step(t, 'kill the session: revoke the refresh token and drop the access token', async () => {
    // Log out on the server with the stored refresh token, then reload so the
    // in-memory access token is gone: the app has to refresh, and cannot.
    const refresh = await page.evaluate(() => localStorage.getItem('karat.refresh_token'));
    check(!!refresh, 'no refresh token in localStorage');
    const r = await api('/auth/logout', { method: 'POST', body: { refresh_token: refresh } });
    check(r.status === 204, `logout returned ${r.status}`);
    await page.reload();
  });
  await step(t, 'the app sends the user to login with the page to come back to', async () => {
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const url = new URL(page.url());
    check(url.pathname === '/login', `expected /login, got ${url.pathname}`);
    check(url.searchParams.get('next') === target, `next is ${url.searchParams.get('next')}, expected ${target}`);
  });
  await step(t, 'signing in again lands on the same page', async () => {
    await page.getByLabel('Email').fill(DEMO.manager);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => `${new URL(u).pathname}${new URL(u).search}` === target);
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  });
  await step(t, 'a reload resumes the session from the refresh token', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    check(new URL(page.url()).pathname === '/admin/audit', `reload left the page: ${page.url()}`);
  });
});

test('an expired access token is refreshed once for concurrent requests', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.business_admin);
  await step(t, 'open Account (loads the stores list into the cache)', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
  });
  let armed = true;
  let rejected = 0;
  let refreshes = 0;
  await step(t, 'make the server answer 401 to every API call until the app refreshes', async () => {
    page.on('request', (req) => {
      if (req.url().endsWith('/api/v1/auth/refresh')) {
        refreshes++;
        armed = false;
      }
    });
    await page.route(
      (url) => url.pathname.startsWith('/api/v1/') && !/^\/api\/v1\/auth\/(refresh|login|logout)$/.test(url.pathname),
      async (route) => {
        if (!armed) return route.continue();
        rejected++;
        return route.fulfill({
          status: 401,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'urn:karat:problem:unauthorized',
            title: 'Authentication required',
            status: 401,
            detail: 'Token expired.',
          }),
        });
      },
    );
  });
  // A page not visited yet in this context, so its queries are not served from cache:
  // the audit list and the people it names load in parallel.
  await step(t, 'opening the audit log fires several requests; all 401; one refresh; all retried', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Audit entries' }).waitFor();
    await page.waitForLoadState('networkidle');
    await page
      .locator('.state-loading')
      .first()
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    check(rejected >= 2, `only ${rejected} request(s) were sent while the token was "expired"; the test needs concurrent ones`);
    check(refreshes === 1, `expected exactly one refresh, saw ${refreshes}`);
    check(new URL(page.url()).pathname === '/admin/audit', `the app left the audit log: ${page.url()}`);
    const errors = await page.locator('.state-error').allTextContents();
    check(errors.length === 0, `the audit log shows errors after the refresh: ${errors.join(' | ')}`);
  });
});

test('audit log: filters and load more', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.business_admin);
  await step(t, 'open the audit log', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Audit entries' }).waitFor();
  });
  await step(t, 'accessibility of the audit log', () => axe(t, page, 'audit log'));
  await shots(page, 'audit');
  await step(t, 'filter by entity "session" and action "login"', async () => {
    await page.getByLabel('Entity').fill('session');
    await page.getByLabel('Action').fill('login');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/entity=session/);
    const list = page.getByRole('list', { name: 'Audit entries' });
    // The list re-renders once the filtered page arrives; wait for it.
    await waitUntil(async () => {
      const texts = await list.getByRole('listitem').allTextContents();
      if (texts.length === 0) return 'no entries yet';
      return texts.every((s) => s.includes('session.login')) || `not all entries match: ${texts.slice(0, 2).join(' | ')}`;
    }, 'the filtered audit log should show only session.login entries (logins happened in this run)');
  });
  await step(t, 'date range filter with today included', async () => {
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' });
    await page.goto(`/admin/audit?from=${today}&to=${today}`);
    await page.getByRole('list', { name: 'Audit entries' }).waitFor();
  });
  await step(t, '"Load more" appends the next page', async () => {
    await page.goto('/admin/audit');
    const list = page.getByRole('list', { name: 'Audit entries' });
    await list.waitFor();
    const more = page.getByRole('button', { name: 'Load more' });
    const before = await list.getByRole('listitem').count();
    if (await more.count()) {
      await more.click();
      await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Audit entries"] > li').length > n, before);
    } else {
      check(before < 30, `no "Load more" although a full page (${before}) is shown`);
    }
  });
});

test('manager sees their stores and adds a team member', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.manager);
  await step(t, 'open Team', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Users' }).waitFor();
  });
  await step(t, 'accessibility of Team', () => axe(t, page, 'team (manager)'));
  await step(t, 'the role choice is limited to sales, telecaller and marketing', async () => {
    await page.getByRole('button', { name: 'Add team member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add team member' });
    await dialog.waitFor();
    const options = await dialog.getByLabel('Role').locator('option').allTextContents();
    check(
      JSON.stringify(options) === JSON.stringify(['Sales representative', 'Telecaller', 'Marketing']),
      `role options: ${JSON.stringify(options)}`,
    );
    await dialog.getByLabel('Full name').fill(`E2E Telecaller ${RUN}`);
    await dialog.getByLabel('Email').fill(`e2e-tele-${RUN.toLowerCase()}@demo.test`);
    await dialog.getByLabel('Role').selectOption('telecaller');
    const boxes = dialog.getByRole('checkbox');
    check((await boxes.count()) >= 1, 'no store to choose');
    await boxes.first().check();
    // With a password: the invitation e-mail path (no password) is a server-side concern.
    await dialog.getByLabel('Initial password (optional)', { exact: true }).fill(`pearl-set-${RUN.toLowerCase()}`);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await expectToast(page, 'User created');
  });
});

test('platform admin creates a tenant and its first business admin', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.platform_admin);
  const slug = `e2e-${RUN.toLowerCase()}`;
  const adminEmail = `owner-${RUN.toLowerCase()}@e2e.test`;
  const adminPassword = `emerald-ring-${RUN.toLowerCase()}`;
  await step(t, 'open Tenants', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click();
    await page.getByRole('heading', { name: 'Tenants', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Tenants' }).waitFor();
  });
  await step(t, 'accessibility of tenants', () => axe(t, page, 'tenants'));
  await shots(page, 'tenants');
  await step(t, `create tenant ${slug}`, async () => {
    await page.getByRole('button', { name: 'New tenant' }).click();
    const dialog = page.getByRole('dialog', { name: 'New tenant' });
    await dialog.waitFor();
    await axe(t, page, 'new tenant dialog');
    await dialog.getByLabel('Business name').fill(`E2E Jewels ${RUN}`);
    await dialog.getByLabel('Slug').fill(slug);
    await dialog.getByRole('button', { name: 'Create tenant' }).click();
    await expectToast(page, 'Tenant created');
    await page.getByRole('heading', { name: `E2E Jewels ${RUN}`, level: 1 }).waitFor();
  });
  await step(t, 'accessibility of tenant detail', () => axe(t, page, 'tenant detail'));
  await step(t, 'create the first business admin', async () => {
    await page.getByLabel('Full name').fill(`E2E Owner ${RUN}`);
    await page.getByLabel('Email').fill(adminEmail);
    await page.getByLabel('Initial password (optional)', { exact: true }).fill(adminPassword);
    await page.getByRole('button', { name: 'Create business admin' }).click();
    await expectToast(page, 'Business admin created');
  });
  await shots(page, 'tenant-detail');
  await step(t, 'suspend and reactivate the tenant', async () => {
    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Suspend tenant' }).click();
    await expectToast(page, 'Tenant suspended');
    await page.getByRole('button', { name: 'Reactivate', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reactivate tenant' }).click();
    await expectToast(page, 'Tenant reactivated');
  });
  const owner = await open(t, { viewport: PHONE });
  await login(t, owner, adminEmail, adminPassword);
  await step(t, 'the new business admin sees their business', async () => {
    await owner.getByText(`E2E Jewels ${RUN}`).first().waitFor();
    const labels = await navLabels(owner);
    check(JSON.stringify(labels) === JSON.stringify(EXPECTED_PHONE_NAV.business_admin), `got ${JSON.stringify(labels)}`);
  });
});

test('public auth pages: forgot and reset password', async (t) => {
  const page = await open(t, { viewport: PHONE });
  await step(t, 'login page accessibility (phone)', async () => {
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await axe(t, page, 'login (phone)');
    await shots(page, 'login');
  });
  await step(t, 'wrong password shows the server’s detail', async () => {
    await page.getByLabel('Email').fill(DEMO.sales_rep);
    await page.getByLabel('Password', { exact: true }).fill('definitely-wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: /password/i });
    await alert.first().waitFor();
    await axe(t, page, 'login with error');
  });
  await step(t, 'forgot password always confirms', async () => {
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot password' }).waitFor();
    await axe(t, page, 'forgot password');
    await page.getByLabel('Email').fill(`nobody-${RUN.toLowerCase()}@demo.test`);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  });
  await step(t, 'reset password without a token explains itself', async () => {
    await page.goto('/reset-password');
    await page.getByRole('alert').filter({ hasText: 'incomplete' }).waitFor();
    await axe(t, page, 'reset password without token');
  });
  await step(t, 'reset password with a bad token shows the server’s problem', async () => {
    await page.goto('/reset-password?token=not-a-real-token');
    await page.getByRole('heading', { name: 'Set a new password' }).waitFor();
    await axe(t, page, 'reset password');
    await shot(page, 'reset-password');
    await page.getByLabel('New password', { exact: true }).fill('a-long-enough-passphrase');
    await page.getByLabel('Repeat new password', { exact: true }).fill('a-long-enough-passphrase');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('alert').first().waitFor();
  });
});

test('dark mode pages have no serious accessibility problems', async (t) => {
  const page = await open(t, { colorScheme: 'dark' });
  await step(t, 'login (dark)', async () => {
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await axe(t, page, 'login (dark)');
    await shot(page, 'login-dark');
  });
  await login(t, page, DEMO.business_admin);
  for (const [path, name] of [
    ['/', 'home-dark'],
    ['/admin/users', 'users-dark'],
    ['/admin/audit', 'audit-dark'],
    ['/customers', 'customers-dark'],
    ['/visits/new', 'log-visit-dark'],
    ['/admin/access-log', 'access-log-dark'],
    ['/customers/import', 'import-dark'],
    ['/segments', 'segments-dark'],
    ['/segments/new', 'segment-builder-dark'],
    ['/segments/vip', 'segment-dark'],
  ]) {
    await step(t, `${path} (dark)`, async () => {
      await page.goto(path);
      await page.locator('main h1').waitFor();
      await page
        .locator('.state-loading')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      await axe(t, page, `${path} (dark)`);
      await shot(page, name);
    });
  }
});

test('service worker caches the shell and never the API', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.business_admin);
  await step(t, 'the service worker activates', async () => {
    const state = await page.evaluate(async () => {
      if (!('serviceWorker' in navigator)) return 'unsupported';
      const reg = await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(() => r(null), 8000))]);
      return reg?.active?.state ?? 'none';
    });
    check(state === 'activated' || state === 'activating', `service worker state: ${state}`);
  });
  await step(t, 'Chromium considers the app installable', async () => {
    const cdp = await page.context().newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    // Playwright contexts are incognito-like; that one is about the test browser, not the app.
    const errors = installabilityErrors.filter((e) => e.errorId !== 'in-incognito');
    check(errors.length === 0, `installability errors: ${JSON.stringify(errors)}`);
  });
  await step(t, 'after using the app, no cached URL is under /api/', async () => {
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.goto('/admin/users');
    await page.getByRole('list', { name: 'Users' }).waitFor();
    const urls = await page.evaluate(async () => {
      const out = [];
      for (const name of await caches.keys()) {
        const c = await caches.open(name);
        for (const req of await c.keys()) out.push(new URL(req.url).pathname);
      }
      return out;
    });
    check(urls.includes('/index.html'), `the app shell is not cached (cached: ${urls.slice(0, 5).join(', ')}…)`);
    const api = urls.filter((u) => u.startsWith('/api/'));
    check(api.length === 0, `API responses were cached: ${api.join(', ')}`);
  });
  await step(t, 'offline, the app shell still loads', async () => {
    await page.context().setOffline(true);
    await page.goto('/stores').catch(() => undefined);
    const root = await page.locator('#root').count();
    await page.context().setOffline(false);
    check(root === 1, 'offline navigation did not serve the cached shell');
  });
  await step(t, 'push degrades silently when the server has no VAPID key', async () => {
    await page.goto('/account/notifications');
    await page.getByRole('heading', { name: 'Notification settings', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    const card = await page.getByRole('heading', { name: PUSH_CARD }).count();
    const vapid = await api('/push/vapid-key', { token: await apiLogin(DEMO.business_admin) });
    if (vapid.status === 404) check(card === 0, 'a notifications card is shown although the server offers no push');
    const errors = await page.locator('.state-error, .alert-error').count();
    check(errors === 0, 'the account page shows an error');
  });
});

test('live updates: the indicator goes live, pauses offline and resumes', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.sales_rep);
  await step(t, 'the connection indicator reaches "live"', () => waitLive(page));
  await step(t, 'accessibility with the live indicator and bell', () => axe(t, page, 'home with live indicator'));
  await shots(page, 'home-live');
  await step(t, 'going offline pauses live updates and says so', async () => {
    await page.context().setOffline(true);
    await page.getByRole('banner').locator('.conn').getByText('Live updates: paused').waitFor();
    // After the first connect, changes are announced politely too.
    await page.getByRole('status').filter({ hasText: 'Live updates: paused' }).waitFor({ state: 'attached' });
  });
  await step(t, 'back online, it resumes by itself', async () => {
    await page.context().setOffline(false);
    await waitLive(page);
    await page.getByRole('status').filter({ hasText: 'Live updates: on' }).waitFor({ state: 'attached' });
  });
  const staff = await open(t);
  await login(t, staff, DEMO.platform_admin);
  await step(t, 'platform staff (a notices-only socket, no tenant) go live with no bell and no errors', async () => {
    await staff.waitForLoadState('networkidle');
    await waitLive(staff);
    check((await staff.getByRole('link', { name: /^Notifications, / }).count()) === 0, 'platform admin shows a bell');
    check((await staff.locator('.state-error, .alert-error').count()) === 0, 'platform admin home shows an error');
  });
});

test('live updates: the admin adds a store for the manager, who sees it and a notification without reloading', async (t) => {
  const storeName = `Live Showroom ${RUN}`;
  const storeCode = `LV-${RUN}`.slice(0, 20);
  const admin = await open(t);
  await login(t, admin, DEMO.business_admin);
  const manager = await open(t);
  await login(t, manager, DEMO.manager);
  await step(t, 'the manager opens My stores and is live', async () => {
    await manager.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My stores' }).click();
    await manager.getByRole('list', { name: 'Stores' }).waitFor();
    await waitLive(manager);
    await manager.evaluate(() => {
      window.__karatNoReload = true;
    });
  });
  const before = await step(t, "read the manager's unread count", () => bellCount(manager));
  await step(t, `the admin creates store ${storeCode}`, async () => {
    await admin.goto('/stores');
    await admin.getByRole('button', { name: 'New store' }).click();
    const dialog = admin.getByRole('dialog', { name: 'New store' });
    await dialog.getByLabel('Name').fill(storeName);
    await dialog.getByLabel('Code').fill(storeCode);
    await dialog.getByLabel('City').fill('Bengaluru');
    await dialog.getByRole('button', { name: 'Create store' }).click();
    await expectToast(admin, 'Store created');
  });
  await step(t, 'the admin adds the manager (Arjun Mehta) to the new store', async () => {
    await admin.goto(`/admin/users?q=${encodeURIComponent(DEMO.manager)}`);
    await admin.getByRole('button', { name: 'Edit Arjun Mehta' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Edit Arjun Mehta' });
    await dialog.getByRole('checkbox', { name: new RegExp(storeName) }).check();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expectToast(admin, 'User updated');
  });
  await step(t, "the manager's bell count goes up live", () =>
    waitBell(manager, before + 1, `the bell should go from ${before} to ${before + 1} unread`),
  );
  await step(t, "the manager's store list shows the new store without a reload", async () => {
    await manager.getByRole('list', { name: 'Stores' }).getByText(storeName).waitFor({ timeout: 15_000 });
    check(await manager.evaluate(() => window.__karatNoReload === true), 'the page was reloaded');
  });
  await step(t, 'the admin edits the store; the manager sees the change live', async () => {
    await admin.goto('/stores');
    await admin.getByRole('button', { name: `Edit ${storeName}` }).click();
    const dialog = admin.getByRole('dialog', { name: `Edit ${storeName}` });
    await dialog.getByLabel('City').fill('Hubballi');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expectToast(admin, 'Store updated');
    await manager
      .getByRole('list', { name: 'Stores' })
      .locator('.list-item', { hasText: storeName })
      .getByText(/Hubballi/)
      .waitFor();
    check(await manager.evaluate(() => window.__karatNoReload === true), 'the page was reloaded');
  });
  await step(t, 'accessibility after the live updates', () => axe(t, manager, 'my stores after live updates'));
  await shots(manager, 'my-stores-live');
});

test('notification centre: live count, mark read, mark all read and settings', async (t) => {
  const token = await apiLogin(DEMO.business_admin);
  const email = `e2e-notify-${RUN.toLowerCase()}@demo.test`;
  const password = `ruby-studs-${RUN.toLowerCase()}`;
  const userId = await step(t, 'create a sales rep by API', async () => {
    const stores = await api('/stores?limit=1', { token });
    check(stores.status === 200 && stores.json.items.length > 0, `no store to put them in (${stores.status})`);
    const r = await api('/users', {
      method: 'POST',
      token,
      body: { name: `E2E Notify ${RUN}`, email, role: 'sales_rep', store_ids: [stores.json.items[0].id], password },
    });
    check(r.status === 201, `POST /users returned ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json.id;
  });
  const page = await open(t, { viewport: PHONE });
  await login(t, page, email, password);
  await step(t, 'live, with no unread notifications', async () => {
    await waitLive(page);
    await waitBell(page, 0);
  });
  await step(t, 'two role changes by the admin arrive live', async () => {
    for (const [role, n] of [
      ['telecaller', 1],
      ['marketing', 2],
    ]) {
      const r = await api(`/users/${userId}`, { method: 'PATCH', token, body: { role } });
      check(r.status === 200, `PATCH role returned ${r.status}`);
      await waitBell(page, n);
    }
  });
  await step(t, 'the header shows the latest role without a reload', () =>
    page.getByRole('banner').getByText('Marketing', { exact: true }).waitFor({ state: 'attached' }),
  );
  await step(t, 'the bell opens the notification centre', async () => {
    await page.getByRole('banner').getByRole('link', { name: 'Notifications, 2 unread' }).click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    const items = page.getByRole('list', { name: 'Notifications' }).getByRole('listitem');
    await waitUntil(async () => (await items.count()) === 2 || `${await items.count()} items`, 'expected 2 notifications');
    await axe(t, page, 'notification centre (phone)');
    await noSideScroll(page, 'notification centre (phone)');
    await shots(page, 'notifications');
  });
  await step(t, 'mark one as read', async () => {
    await page
      .getByRole('button', { name: /^Mark as read/ })
      .first()
      .click();
    await waitBell(page, 1);
  });
  await step(t, '"Unread" shows only the unread one', async () => {
    await page.getByRole('button', { name: 'Unread', exact: true }).click();
    await page.waitForURL(/unread=1/);
    const items = page.getByRole('list', { name: 'Notifications' }).getByRole('listitem');
    await waitUntil(async () => (await items.count()) === 1 || `${await items.count()} items`, 'expected 1 unread notification');
  });
  await step(t, 'mark all as read', async () => {
    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await waitBell(page, 0);
    await page.getByRole('heading', { name: 'Nothing unread' }).waitFor();
  });
  await step(t, "a notification's link navigates", async () => {
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.getByRole('list', { name: 'Notifications' }).getByRole('link', { name: 'Your account changed' }).first().click();
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
  });
  await step(t, 'notification settings from the account menu', async () => {
    await openAccountMenu(page);
    await axe(t, page, 'account menu open (phone)');
    await noSideScroll(page, 'account menu open (phone)');
    await shot(page, 'account-menu');
    await page.getByRole('banner').getByRole('link', { name: 'Notification settings' }).click();
    await page.getByRole('heading', { name: 'Notification settings', level: 1 }).waitFor();
    await page.getByRole('table').waitFor();
    await axe(t, page, 'notification settings (phone)');
    await noSideScroll(page, 'notification settings (phone)');
    await shots(page, 'notification-settings');
  });
  await step(t, 'mute role/store changes in the app and set quiet hours', async () => {
    await page.getByRole('checkbox', { name: /role or stores: in the app/ }).uncheck();
    await page.getByRole('checkbox', { name: /quiet hours/i }).check();
    // Exactly: notification types' labels can contain "from" ("Answers from Karat support…").
    await page.getByLabel('From', { exact: true }).fill('22:00');
    await page.getByLabel('Until', { exact: true }).fill('07:00');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expectToast(page, 'Notification settings saved');
    await page.reload();
    await page.getByRole('table').waitFor();
    check(!(await page.getByRole('checkbox', { name: /role or stores: in the app/ }).isChecked()), 'the in-app switch did not stay off');
    check((await page.getByLabel('From', { exact: true }).inputValue()) === '22:00', 'quiet hours start did not persist');
  });
  await step(t, 'a muted type does not raise the count', async () => {
    const r = await api(`/users/${userId}`, { method: 'PATCH', token, body: { role: 'telecaller' } });
    check(r.status === 200, `PATCH role returned ${r.status}`);
    await page.waitForTimeout(2500);
    const n = await bellCount(page);
    check(n === 0, `the bell shows ${n} after a muted notification type`);
  });
});

test('push: the settings screen shows this device’s state; a browser without a push service says so', async (t) => {
  if (!(await serverOffersPush())) return;
  const page = await open(t, { permissions: ['notifications'] });
  await login(t, page, DEMO.sales_rep);
  const card = page.getByRole('region', { name: PUSH_CARD });
  await step(t, 'push is off on this device, with an explanation', async () => {
    await page.goto('/account/notifications');
    await pushBadge(page, 'Off on this device');
    await card.getByText(/even when Karat is closed/).waitFor();
    await axe(t, page, 'notification settings, push off');
  });
  const outcome = await step(t, 'turning it on either works or says “not supported on this browser”', async () => {
    const calls = [];
    page.on('request', (r) => {
      if (r.url() === SUBSCRIPTIONS) calls.push(r.method());
    });
    await card.getByRole('button', { name: 'Turn on for this device' }).click();
    const text = await pushBadge(page, /Enabled on this device|Not supported on this browser/, 45_000);
    if (text.startsWith('Not supported')) {
      check(calls.length === 0, `the server was called (${calls.join(', ')}) although the browser refused to subscribe`);
      check((await card.getByRole('button', { name: /Turn on/ }).count()) === 0, 'it still offers to turn push on');
      check((await card.getByRole('alert').count()) === 0, 'an error is shown instead of "not supported"');
      await card.getByText(/still see every notification/).waitFor();
    } else {
      check(calls.includes('POST'), 'enabled without registering the subscription with the server');
      await card.getByRole('button', { name: 'Turn off on this device' }).click();
      await pushBadge(page, 'Off on this device');
    }
    await axe(t, page, `notification settings, push ${text}`);
    await shots(page, 'push-settings-headless');
    return text;
  });
  console.log(`    headless Chromium subscribing for real: "${outcome}"`);
  await step(t, 'blocked notifications are explained, never asked for again', async () => {
    const blocked = await open(t, { viewport: PHONE, init: { fn: denyNotifications, arg: BASE } });
    await login(t, blocked, DEMO.sales_rep);
    await blocked.waitForTimeout(1500);
    check(
      (await blocked.getByRole('region', { name: 'Notifications on this device' }).count()) === 0,
      'the banner offers push although it is blocked',
    );
    await blocked.goto('/account/notifications');
    await pushBadge(blocked, 'Blocked in this browser');
    const bcard = blocked.getByRole('region', { name: PUSH_CARD });
    await bcard.getByText(/will not ask again/).waitFor();
    check((await bcard.getByRole('button').count()) === 0, 'a blocked card still has a button');
    await axe(t, blocked, 'notification settings, push blocked (phone)');
    await noSideScroll(blocked, 'notification settings, push blocked (phone)');
    await shot(blocked, 'push-settings-blocked');
  });
});

test('push: subscribing, a push, turning off and logging out (stand-in push service)', async (t) => {
  if (!(await serverOffersPush())) return;
  const service = await fakePushService();
  try {
    const keys = pushKeys();
    const endpoint = `${service.url}/push/e2e-${RUN.toLowerCase()}`;
    const user = await createSalesRep(t, 'push');
    const page = await open(t, {
      viewport: PHONE,
      permissions: ['notifications'],
      init: { fn: stubPush, arg: { origin: BASE, endpoint, p256dh: keys.p256dh, auth: keys.authB64, permission: 'default' } },
    });
    await login(t, page, user.email, user.password);
    const banner = page.getByRole('region', { name: 'Notifications on this device' });
    await step(t, 'after signing in, a one-time banner offers push', async () => {
      await banner.waitFor({ timeout: 20_000 });
      await axe(t, page, 'home with the push banner (phone)');
      await noSideScroll(page, 'home with the push banner (phone)');
      await shots(page, 'push-banner');
    });
    await step(t, '“Turn on” asks, subscribes with the server’s key and registers the subscription', async () => {
      const request = page.waitForRequest((r) => r.url() === SUBSCRIPTIONS && r.method() === 'POST');
      const response = page.waitForResponse((r) => r.url() === SUBSCRIPTIONS && r.request().method() === 'POST');
      await banner.getByRole('button', { name: 'Turn on' }).click();
      const body = (await request).postDataJSON();
      check(body.endpoint === endpoint, `posted endpoint ${body.endpoint}`);
      check(body.keys?.p256dh === keys.p256dh && body.keys?.auth === keys.authB64, `posted keys ${JSON.stringify(body.keys)}`);
      check('expirationTime' in body, 'the body is not PushSubscription.toJSON()');
      check((await response).status() === 201, `POST /push/subscriptions returned ${(await response).status()}`);
      await expectToast(page, 'Notifications are on for this device');
      await banner.waitFor({ state: 'detached' });
      const vapid = await api('/push/vapid-key', { token: user.adminToken });
      const used = await page.evaluate(() => localStorage.getItem('e2e.subscription'));
      check(vapid.status === 200 && used === vapid.json.public_key, 'the browser was not subscribed with the server’s VAPID key');
    });
    await step(t, 'the banner does not come back', async () => {
      await page.reload();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await page.waitForTimeout(1500);
      check((await banner.count()) === 0, 'the banner is shown again');
    });
    await step(t, 'after the browser replaced the subscription, the app registers it again on load', async () => {
      // What the service worker leaves on `pushsubscriptionchange` (it has no access token).
      const old = `${service.url}/push/e2e-old-${RUN.toLowerCase()}`;
      await page.evaluate(
        async ({ old }) => {
          const cache = await caches.open('karat-push-state');
          await cache.put('/__karat/push/resync', new Response(JSON.stringify({ old_endpoint: old, at: new Date().toISOString() })));
        },
        { old },
      );
      const posted = page.waitForResponse((r) => r.url() === SUBSCRIPTIONS && r.request().method() === 'POST');
      const forgot = page.waitForRequest((r) => r.url() === SUBSCRIPTIONS && r.method() === 'DELETE');
      await page.reload();
      const res = await posted;
      check(res.status() === 201 && res.request().postDataJSON()?.endpoint === endpoint, `re-registering returned ${res.status()}`);
      check((await forgot).postDataJSON()?.endpoint === old, 'the old endpoint was not forgotten');
      await waitUntil(
        async () =>
          (await page.evaluate(async () => !(await (await caches.open('karat-push-state')).match('/__karat/push/resync')))) ||
          'flag still set',
        'the re-register flag was not cleared',
      );
    });
    await step(t, 'the settings screen says push is enabled on this device', async () => {
      await page.goto('/account/notifications');
      await pushBadge(page, 'Enabled on this device');
      await axe(t, page, 'notification settings, push enabled (phone)');
      await noSideScroll(page, 'notification settings, push enabled (phone)');
      await shots(page, 'push-settings-enabled');
    });
    const payload = await step(t, 'with no live connection, the server pushes a notification, encrypted for this device', async () => {
      await page.goto('about:blank'); // closes the socket: nobody would see it live
      await page.waitForTimeout(1000);
      for (const [i, role] of ['telecaller', 'marketing'].entries()) {
        const r = await api(`/users/${user.id}`, { method: 'PATCH', token: user.adminToken, body: { role } });
        check(r.status === 200, `PATCH role returned ${r.status}`);
        const end = Date.now() + (i === 0 ? 12_000 : 20_000);
        while (Date.now() < end && service.inbox.length === 0) await new Promise((r) => setTimeout(r, 250));
        if (service.inbox.length) break;
      }
      check(service.inbox.length > 0, 'nothing reached the push service');
      const got = service.inbox[0];
      check(got.path === new URL(endpoint).pathname, `pushed to ${got.path}`);
      check(got.headers['content-encoding'] === 'aes128gcm', `content-encoding ${got.headers['content-encoding']}`);
      check(/^vapid t=.+, k=/.test(got.headers.authorization ?? ''), 'no VAPID authorization');
      const n = decryptPush(got.body, keys);
      for (const f of ['id', 'type', 'title', 'body', 'created_at']) check(typeof n[f] === 'string' && n[f], `payload has no ${f}`);
      check(typeof n.urgent === 'boolean' && 'link' in n, `payload ${JSON.stringify(n)}`);
      return n;
    });
    await step(t, 'the service worker shows it: title, body, tag, link, icon and badge', async () => {
      await page.goto('/notifications');
      await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
      const cdp = await page.context().newCDPSession(page);
      const regs = [];
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => regs.push(...e.registrations));
      await cdp.send('ServiceWorker.enable');
      await waitUntil(
        async () => regs.some((r) => !r.isDeleted && r.scopeURL === `${BASE}/`) || 'no registration',
        'no service worker registration',
      );
      const reg = regs.find((r) => !r.isDeleted && r.scopeURL === `${BASE}/`);
      const shown = async () =>
        page.evaluate(async () =>
          (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
            title: n.title,
            body: n.body,
            tag: n.tag,
            data: n.data,
            requireInteraction: n.requireInteraction,
            icon: n.icon,
            badge: n.badge,
          })),
        );
      // One at a time, as a push service delivers them; headless Chromium now and
      // then drops a DevTools-delivered push, so one is re-delivered (the tag makes
      // a repeat replace itself, as a retried push from the server would).
      const deliver = async (data) => {
        for (let attempt = 0; attempt < 3; attempt++) {
          await cdp.send('ServiceWorker.deliverPushMessage', {
            origin: `${BASE}/`,
            registrationId: reg.registrationId,
            data: JSON.stringify(data),
          });
          const end = Date.now() + 4_000;
          while (Date.now() < end) {
            if ((await shown()).some((n) => n.tag === data.id)) {
              if (attempt > 0) console.log(`    (push ${data.id} shown after ${attempt + 1} deliveries)`);
              return;
            }
            await new Promise((r) => setTimeout(r, 200));
          }
        }
        fail(`the push ${data.id} was not shown: ${JSON.stringify(await shown())}`);
      };
      const hostile = { ...payload, id: `e2e-hostile-${RUN}`, link: 'https://evil.example/phish', urgent: true };
      await deliver(payload);
      await deliver(hostile);
      const list = await shown();
      const a = list.find((n) => n.tag === payload.id);
      const expectedLink = payload.link && payload.link.startsWith('/') && !payload.link.startsWith('//') ? payload.link : '/notifications';
      check(a, `no notification tagged ${payload.id}: ${JSON.stringify(list)}`);
      check(a.title === payload.title && a.body === payload.body, `shown as ${JSON.stringify(a)}`);
      check(a.data?.link === expectedLink && a.data?.id === payload.id, `data ${JSON.stringify(a.data)}`);
      check(a.requireInteraction === payload.urgent, 'requireInteraction does not follow urgent');
      check(a.icon.endsWith('/icons/icon-192.png') && a.badge.endsWith('/icons/badge-96.png'), `icon ${a.icon}, badge ${a.badge}`);
      const b = list.find((n) => n.tag === hostile.id);
      check(b?.data?.link === '/notifications', `an off-site link was kept: ${JSON.stringify(b?.data)}`);
      check(b.requireInteraction === true, 'an urgent push does not stay on screen');
      await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).forEach((n) => n.close()));
      await cdp.detach();
    });
    await step(t, '“Turn off on this device” deletes the subscription on the server', async () => {
      await page.goto('/account/notifications');
      await pushBadge(page, 'Enabled on this device');
      const request = page.waitForRequest((r) => r.url() === SUBSCRIPTIONS && r.method() === 'DELETE');
      const response = page.waitForResponse((r) => r.url() === SUBSCRIPTIONS && r.request().method() === 'DELETE');
      await page.getByRole('button', { name: 'Turn off on this device' }).click();
      check((await request).postDataJSON()?.endpoint === endpoint, 'DELETE did not name this endpoint');
      check((await response).status() === 204, `DELETE /push/subscriptions returned ${(await response).status()}`);
      await pushBadge(page, 'Off on this device');
      check((await page.evaluate(() => localStorage.getItem('e2e.subscription'))) === null, 'the browser subscription was kept');
      const again = await api('/push/subscriptions', {
        method: 'DELETE',
        token: await apiLogin(user.email, user.password),
        body: { endpoint },
      });
      check(again.status === 404, `the server still had the subscription (DELETE again returned ${again.status})`);
    });
    await step(t, 'logging out removes this device’s subscription from the server', async () => {
      const posted = page.waitForResponse((r) => r.url() === SUBSCRIPTIONS && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Turn on for this device' }).click();
      check((await posted).status() === 201, 'turning push back on failed');
      await pushBadge(page, 'Enabled on this device');
      const deleted = page.waitForResponse((r) => r.url() === SUBSCRIPTIONS && r.request().method() === 'DELETE');
      await logout(t, page);
      check((await deleted).status() === 204, `DELETE on logout returned ${(await deleted).status()}`);
      const left = await page.evaluate(() => [localStorage.getItem('e2e.subscription'), localStorage.getItem('karat.push.owner')]);
      check(left[0] === null && left[1] === null, `logout left ${JSON.stringify(left)} behind`);
    });
    await step(t, 'the next person on this device starts with push off', async () => {
      await login(t, page, DEMO.telecaller);
      await page.goto('/account/notifications');
      await pushBadge(page, 'Off on this device');
    });
  } finally {
    await service.close();
  }
});

test('presence: colleagues appear online and see a chosen status live', async (t) => {
  const admin = await open(t);
  await login(t, admin, DEMO.business_admin);
  const manager = await open(t);
  await login(t, manager, DEMO.manager);
  await step(t, 'the manager is live', () => waitLive(manager));
  const row = admin.getByRole('list', { name: 'Users' }).locator('.list-item', { hasText: 'Arjun Mehta' }).first();
  await step(t, 'the admin sees the manager online', async () => {
    await admin.goto(`/admin/users?q=${encodeURIComponent(DEMO.manager)}`);
    await row.waitFor();
    await row.locator('.presence', { hasText: 'Online' }).waitFor();
    await axe(t, admin, 'users with presence');
    await shots(admin, 'users-presence');
  });
  await step(t, 'the manager picks "Busy" in the account menu', async () => {
    await openAccountMenu(manager);
    await manager.getByRole('radio', { name: /^Busy/ }).check();
    await axe(t, manager, 'account menu with status picker');
    await shot(manager, 'status-picker');
    await manager.keyboard.press('Escape');
    const button = manager.getByRole('banner').getByRole('button', { name: /account menu/i });
    check((await button.getAttribute('aria-expanded')) === 'false', 'Escape did not close the account menu');
    check(/status: Busy/.test((await button.textContent()) ?? ''), 'the menu button does not say Busy');
  });
  await step(t, 'the admin sees "Busy" without reloading', () => row.locator('.presence', { hasText: 'Busy' }).waitFor());
  await step(t, 'back to online', async () => {
    await openAccountMenu(manager);
    await manager.getByRole('radio', { name: /^Online/ }).check();
    await row.locator('.presence', { hasText: 'Online' }).waitFor();
  });
  await step(t, 'the manager leaves; the admin sees them offline', async () => {
    await manager.context().close();
    await row.locator('.presence', { hasText: 'Offline' }).waitFor({ timeout: 20_000 });
  });
});

test('a revoked sign-in closes the live connection and returns to login', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.telecaller);
  await step(t, 'live', () => waitLive(page));
  await step(t, 'revoke the page’s session from another sign-in', async () => {
    const token = await apiLogin(DEMO.telecaller);
    const list = await api('/auth/sessions', { token });
    check(list.status === 200, `GET /auth/sessions returned ${list.status}`);
    for (const s of list.json.items.filter((x) => !x.current)) {
      const r = await api(`/auth/sessions/${s.id}`, { method: 'DELETE', token });
      check(r.status === 204, `DELETE session returned ${r.status}`);
    }
  });
  await step(t, 'the page goes to login by itself and says why', async () => {
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 15_000 });
    await expectToast(page, 'You have been signed out');
  });
});

// ---------------------------------------------------------------- customers and visits

let mobileSeq = 0;
/** A valid Indian mobile (10 digits from 9…), different on every call and every run. */
function uniqueMobile() {
  mobileSeq += 1;
  const n = (Date.now() * 100 + mobileSeq) % 1_000_000_000;
  return `9${String(n).padStart(9, '0')}`;
}

/** "9876543210" → "+91 98765 43210", as the app shows Indian numbers. */
const shownMobile = (m) => `+91 ${m.slice(0, 5)} ${m.slice(5)}`;

/** A radio or checkbox chip inside a labelled group (fieldset legend). */
function chip(scope, group, label, role = 'radio') {
  return scope.getByRole('group', { name: group, exact: true }).getByRole(role, { name: label, exact: true });
}

async function waitLoaded(page) {
  await page
    .locator('.state-loading')
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 })
    .catch(() => undefined);
}

test('customers: a sales rep on a phone logs a visit for a new customer and finds it on the timeline', async (t) => {
  const page = await open(t, { viewport: SMALL_PHONE });
  const mobile = uniqueMobile();
  const name = `E2E Visitor ${RUN}`;
  await login(t, page, DEMO.sales_rep);
  await step(t, 'open "Log a visit" from the bottom bar', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log a visit' }).click();
    await page.getByRole('heading', { name: 'Log a visit', level: 1 }).waitFor();
    await page.getByLabel('Mobile number').waitFor();
  });
  await step(t, 'accessibility of the empty visit form (phone)', () => axe(t, page, 'log a visit (phone, empty)'));
  await shot(page, 'log-visit-empty');
  await step(t, 'saving without answers points at what is missing', async () => {
    await page.getByRole('button', { name: 'Save visit' }).click();
    await page.getByText('Enter the customer’s full mobile number.').waitFor();
    await page.getByText('Choose why they came in.').waitFor();
    await page.getByText('Choose what they looked at.').waitFor();
  });
  await step(t, 'a number that is not on record asks for a name', async () => {
    await page.getByLabel('Mobile number').fill(mobile);
    await page.getByText(`New customer — ${shownMobile(mobile)} is not on record yet.`).waitFor();
    await page.getByLabel('Customer name').fill(name);
    await page.getByLabel('City (optional)').fill('Bengaluru');
  });
  await step(t, 'chips work from the keyboard: arrows move between choices', async () => {
    await chip(page, 'Why did they come in?', 'Engagement').focus();
    await page.keyboard.press('Space');
    check(await chip(page, 'Why did they come in?', 'Engagement').isChecked(), 'Space did not choose the focused chip');
    await page.keyboard.press('ArrowLeft');
    check(await chip(page, 'Why did they come in?', 'Wedding').isChecked(), 'ArrowLeft did not move to the previous chip');
    const outline = await chip(page, 'Why did they come in?', 'Wedding').evaluate(
      (el) => getComputedStyle(el.nextElementSibling).outlineStyle,
    );
    check(outline !== 'none', 'the focused chip shows no focus outline');
  });
  await step(t, 'reason, lead source and an interest that was not bought, by tapping chips', async () => {
    await chip(page, 'Why did they come in?', 'Wedding').check();
    await chip(page, 'How did they hear of you?', 'Instagram').check();
    const interest = page.getByRole('group', { name: 'Interest 1', exact: true });
    await chip(interest, 'Category', 'Necklace sets').check();
    await interest.getByLabel('Design number (optional)').fill('NS-204');
    await interest.getByLabel(/^Expected value/).fill('2,50,000');
    await chip(interest, 'Outcome', 'Wants more discount').check();
    check(await chip(interest, 'Outcome', 'Wants more discount').isChecked(), 'the outcome chip is not selected');
    await interest.getByText('More details: metal, stone, note').click();
    await chip(interest, 'Metal', 'Gold').check();
    for (const c of await page.locator('.chip-group-large .chip-face').all()) {
      const b = await c.boundingBox();
      if (b) check(b.height >= 44, `a chip is only ${b.height}px tall`);
    }
    await page.getByText('Nothing was purchased, so a lead opens for telecalling').waitFor();
    await noSideScroll(page, 'log a visit (phone, filled)');
  });
  await step(t, 'accessibility of the filled visit form (phone)', () => axe(t, page, 'log a visit (phone, filled)'));
  await shot(page, 'log-visit-filled');
  await step(t, 'save: the confirmation says a lead was opened', async () => {
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/visits') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Save visit' }).click();
    const res = await posted;
    check(res.status() === 201, `POST /visits returned ${res.status()}`);
    await page.getByRole('heading', { name: 'Visit logged' }).waitFor();
    await page.getByText('Lead opened for telecalling.').waitFor();
    check(await page.getByText(`${name} (new customer)`).isVisible(), 'the confirmation does not name the new customer');
  });
  await step(t, 'accessibility of the confirmation (phone)', () => axe(t, page, 'visit logged (phone)'));
  await shot(page, 'visit-logged');
  await step(t, '"Log another visit" starts a fresh form', async () => {
    await page.getByRole('button', { name: 'Log another visit' }).click();
    await page.getByLabel('Mobile number').waitFor();
    check((await page.getByLabel('Mobile number').inputValue()) === '', 'the phone number was kept');
  });
  await step(t, 'the same number is now recognised as a returning customer', async () => {
    await page.getByLabel('Mobile number').fill(`+91 ${mobile}`);
    await page.getByText(`Returning customer: ${name}`).waitFor();
  });
  await step(t, 'search the customer by phone in the customer list', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await page.getByRole('searchbox', { name: 'Search customers' }).fill(mobile.slice(0, 5) + ' ' + mobile.slice(5));
    // Debounced: the URL (and the list) follow once typing stops.
    await page.waitForURL((u) => new URL(u).searchParams.get('q') === `${mobile.slice(0, 5)} ${mobile.slice(5)}`);
    const list = page.getByRole('list', { name: 'Customers' });
    await waitUntil(async () => {
      // Rows only: each row holds its own list of tags.
      const n = await list.locator(':scope > li').count();
      return n === 1 || `${n} rows`;
    }, 'the phone search should find exactly this customer');
    await list.getByRole('link', { name }).waitFor();
    await noSideScroll(page, 'customers (phone)');
  });
  await step(t, 'accessibility of the customer list (phone)', () => axe(t, page, 'customers (phone)'));
  await shot(page, 'customers-search');
  await step(t, 'open the profile: phone as a tel: link, the visit and its lead on the timeline', async () => {
    await page.getByRole('list', { name: 'Customers' }).getByRole('link', { name }).click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    const tel = page.getByRole('link', { name: `Call main number ${shownMobile(mobile)}` });
    check((await tel.getAttribute('href')) === `tel:+91${mobile}`, `the phone link is ${await tel.getAttribute('href')}`);
    const timeline = page.getByRole('list', { name: 'Timeline' });
    const visit = timeline.getByRole('listitem').filter({ hasText: 'Visit: Wedding' });
    await visit.waitFor();
    const interest = visit.getByRole('list', { name: 'Interests' }).getByRole('listitem').first();
    const text = (await interest.textContent()) ?? '';
    check(
      /Necklace sets/.test(text) && /Gold/.test(text) && /NS-204/.test(text) && /Wants more discount/.test(text),
      `the interest reads "${text}"`,
    );
    check(/2,50,000/.test(text), `the expected value is not shown in Indian grouping ("${text}")`);
    await timeline
      .getByText(/Lead for telecalling/)
      .first()
      .waitFor();
    await waitLoaded(page);
    await noSideScroll(page, 'customer profile (phone)');
  });
  await step(t, 'accessibility of the profile (phone)', () => axe(t, page, 'customer profile (phone)'));
  await shot(page, 'customer-profile');
  await step(t, 'add a note; it appears on the timeline', async () => {
    await page.getByLabel('Add a note', { exact: true }).fill(`Prefers antique finish ${RUN}`);
    await page.getByRole('button', { name: 'Add note' }).click();
    await expectToast(page, 'Note added');
    await page.getByRole('list', { name: 'Timeline' }).getByText(`Prefers antique finish ${RUN}`).waitFor();
  });
  await step(t, 'book an appointment and confirm it', async () => {
    await page.getByRole('button', { name: 'Book' }).click();
    const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
    await dialog.waitFor();
    await axe(t, page, 'book an appointment (phone)');
    const when = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const local = `${when.toISOString().slice(0, 10)}T11:30`;
    await dialog.getByLabel('Date and time').fill(local);
    await dialog.getByLabel('Purpose').fill('Bridal consultation');
    await dialog.getByRole('button', { name: 'Book appointment' }).click();
    await expectToast(page, 'Appointment booked');
    const upcoming = page
      .getByRole('list', { name: 'Upcoming appointments' })
      .getByRole('listitem')
      .filter({ hasText: 'Bridal consultation' });
    await upcoming.waitFor();
    await upcoming.getByRole('button', { name: /Update status/ }).click();
    const status = page.getByRole('dialog', { name: 'Update appointment status' });
    await chip(status, 'New status', 'Confirmed').check();
    await status.getByRole('button', { name: 'Save status' }).click();
    await expectToast(page, 'Appointment confirmed');
    await upcoming.locator('.badge', { hasText: 'Confirmed' }).waitFor();
    await page.getByRole('list', { name: 'Timeline' }).getByText('Appointment: Bridal consultation').first().waitFor();
  });
  await step(t, 'reschedule it: the old one is kept as rescheduled', async () => {
    const upcoming = page
      .getByRole('list', { name: 'Upcoming appointments' })
      .getByRole('listitem')
      .filter({ hasText: 'Bridal consultation' });
    await upcoming.getByRole('button', { name: /Reschedule/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Reschedule appointment' });
    const when = new Date(Date.now() + 5 * 24 * 3600 * 1000);
    await dialog.getByLabel('New date and time').fill(`${when.toISOString().slice(0, 10)}T16:00`);
    await dialog.getByRole('button', { name: 'Reschedule' }).click();
    await expectToast(page, 'Appointment rescheduled');
    await page.getByText('Past and closed (1)').click();
    await page.getByRole('list', { name: 'Past appointments' }).locator('.badge', { hasText: 'Rescheduled' }).waitFor();
  });
});

test('customers: a business admin creates, edits, trashes and restores a customer, then reads the access log', async (t) => {
  const page = await open(t);
  const mobile = uniqueMobile();
  const name = `E2E Owner Customer ${RUN}`;
  await login(t, page, DEMO.business_admin);
  await step(t, 'open Customers from the navigation', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await waitLoaded(page);
  });
  await step(t, 'accessibility of the customer list', () => axe(t, page, 'customers (business admin)'));
  await step(t, 'open the new-customer form', async () => {
    await page.getByRole('link', { name: 'New customer' }).click();
    await page.getByRole('heading', { name: 'New customer', level: 1 }).waitFor();
  });
  await step(t, 'accessibility of the customer form', () => axe(t, page, 'new customer form'));
  await step(t, 'an empty form says what is needed', async () => {
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByText('Enter the customer’s name.').waitFor();
    await page.getByText('Enter at least one phone number.').waitFor();
  });
  await step(t, 'fill identity, preferences, tier, tags, consent and family', async () => {
    await page.getByLabel('Full name').fill(name);
    await page.getByLabel('Main phone', { exact: true }).fill(mobile);
    await page.getByLabel('Email').fill(`e2e-${RUN.toLowerCase()}@example.com`);
    await chip(page, 'Metals', 'Gold', 'checkbox').check();
    await chip(page, 'Purity', '22K', 'checkbox').check();
    await chip(page, 'Categories', 'Bangles / kada', 'checkbox').check();
    await page.getByLabel('Tier', { exact: true }).selectOption('vip');
    await page.getByLabel('Tags').fill('bridal, e2e');
    await chip(page, 'WhatsApp', 'Granted').check();
    const source = page.getByLabel('WhatsApp: where it was captured');
    check((await source.inputValue()) === 'showroom form', 'consent source is not prefilled');
    await page.getByRole('button', { name: 'Add a family member' }).click();
    const member = page.getByRole('group', { name: 'Family member 1', exact: true });
    await member.getByLabel('Name', { exact: true }).fill('Ravi');
    await member.getByLabel('Relation').selectOption('spouse');
    await member.getByLabel('Wedding date').fill('2015-02-14');
    await noSideScroll(page, 'customer form');
  });
  await shots(page, 'customer-form');
  await step(t, 'create: the profile shows what was entered', async () => {
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expectToast(page, 'Customer created');
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    await page.locator('.consent-item', { hasText: 'WhatsApp' }).getByText('Granted').waitFor();
    await page.locator('.page-header .badge', { hasText: 'VIP' }).waitFor();
    await page.getByText('Gold').first().waitFor();
    await page.getByRole('list', { name: 'Family members' }).getByText('Ravi').waitFor();
  });
  await step(t, 'accessibility of the profile (desktop)', async () => {
    await waitLoaded(page);
    await axe(t, page, 'customer profile (business admin)');
  });
  await shots(page, 'customer-profile-admin');
  await step(t, 'edit: change the city, add a phone; a wrong phone is shown next to its field', async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: `Edit ${name}` }).waitFor();
    await page.getByLabel('City', { exact: true }).fill('Chennai');
    await page.getByRole('button', { name: 'Add a phone' }).click();
    await page.getByLabel('Phone 2', { exact: true }).fill('12345678');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const err = page.locator('.field-invalid', { has: page.getByLabel('Phone 2', { exact: true }) }).locator('.field-error');
    await err.waitFor();
    await axe(t, page, 'customer form with server errors');
    await page.getByLabel('Phone 2', { exact: true }).fill(uniqueMobile());
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expectToast(page, 'Changes saved');
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    await page
      .getByText(/Chennai/)
      .first()
      .waitFor();
    await page.getByRole('list', { name: 'Timeline' }).getByText('Profile updated').first().waitFor();
  });
  await step(t, 'merge a duplicate record of the same person', async () => {
    const token = await apiLogin(DEMO.business_admin);
    const stores = await api('/stores?limit=1', { token });
    const dup = await api('/customers', {
      method: 'POST',
      token,
      body: { name: `${name} (dup)`, phones: [`+91${uniqueMobile()}`], home_store_id: stores.json.items[0].id, tags: ['walk-in'] },
    });
    check(dup.status === 201, `POST /customers returned ${dup.status}: ${JSON.stringify(dup.json)}`);
    await page.getByRole('button', { name: 'Merge a duplicate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge a duplicate' });
    await dialog.getByLabel('Find the duplicate').fill(`${name} (dup)`);
    await dialog.getByRole('button', { name: `Merge ${name} (dup)` }).click();
    await axe(t, page, 'merge confirmation');
    await dialog.getByRole('button', { name: `Merge into ${name}` }).click();
    await expectToast(page, 'Customers merged');
    await page.getByRole('list', { name: 'Tags' }).getByText('walk-in').waitFor();
    await page.getByRole('list', { name: 'Timeline' }).getByText('A duplicate was merged in').waitFor();
    const gone = await api(`/customers/${dup.json.id}`, { token });
    check(gone.status === 404, `the duplicate is still readable (${gone.status})`);
  });
  await step(t, 'move to the trash (with a confirmation)', async () => {
    await page.getByRole('button', { name: 'Move to trash' }).click();
    const dialog = page.getByRole('dialog', { name: `Move ${name} to the trash?` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Move to trash' }).click();
    await expectToast(page, 'Moved to the trash');
    await page.waitForURL((u) => new URL(u).pathname === '/customers');
  });
  await step(t, 'restore it from the trash page', async () => {
    await page.getByRole('link', { name: 'Trash' }).click();
    await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
    const row = page.getByRole('list', { name: 'Customers in the trash' }).getByRole('listitem').filter({ hasText: name });
    await row.waitFor();
    await axe(t, page, 'trash');
    await row.getByRole('button', { name: `Restore ${name}` }).click();
    await expectToast(page, 'Customer restored');
    await row.waitFor({ state: 'detached' });
  });
  await step(t, 'the customer is back in the list', async () => {
    await page.goto(`/customers?q=${encodeURIComponent(name)}`);
    await page.getByRole('list', { name: 'Customers' }).getByRole('link', { name }).click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Timeline' }).getByText('Restored from the trash').waitFor();
  });
  await step(t, 'the access log shows the views of this customer', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access log' }).click();
    await page.getByRole('heading', { name: 'Customer access log', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Choose a customer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose a customer' });
    await dialog.getByLabel('Find a customer').fill(name);
    await dialog.getByRole('button', { name: `Choose ${name}` }).click();
    const views = page.getByRole('list', { name: 'Profile views' }).getByRole('listitem');
    await views.first().waitFor();
    const texts = await views.allTextContents();
    // Openings by one person within five minutes are one entry (the server dedupes refetches).
    check(texts.length >= 1, `expected the owner's view, got ${texts.length}`);
    check(
      texts.every((x) => x.includes(name)),
      'the filter let other customers through',
    );
    check(
      texts.some((x) => x.includes('Priya Raghavan')),
      'the owner’s own views are not listed',
    );
  });
  await step(t, 'accessibility of the access log', () => axe(t, page, 'access log'));
  await shots(page, 'access-log');
});

test('customers: a phone that belongs to someone else links to the existing customer', async (t) => {
  const mobile = uniqueMobile();
  const existing = `E2E Existing ${RUN}`;
  await step(t, 'create a customer with that phone by API', async () => {
    const token = await apiLogin(DEMO.sales_rep);
    const r = await api('/customers', { method: 'POST', token, body: { name: existing, phones: [`+91${mobile}`] } });
    check(r.status === 201, `POST /customers returned ${r.status}: ${JSON.stringify(r.json)}`);
  });
  const page = await open(t, { viewport: PHONE });
  await login(t, page, DEMO.sales_rep);
  await step(t, 'a new customer with the same phone (typed as a national number) is refused', async () => {
    await page.goto('/customers/new');
    await page.getByRole('heading', { name: 'New customer', level: 1 }).waitFor();
    await page.getByLabel('Full name').fill(`E2E Duplicate ${RUN}`);
    await page.getByLabel('Main phone', { exact: true }).fill(`0${mobile}`);
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('alert').filter({ hasText: 'already belongs to another customer' }).waitFor();
    await noSideScroll(page, 'duplicate customer (phone)');
  });
  await step(t, 'accessibility with the duplicate message', () => axe(t, page, 'duplicate customer message'));
  await step(t, '"Open existing customer" opens the other record', async () => {
    await page.getByRole('link', { name: 'Open existing customer' }).click();
    await page.getByRole('heading', { name: existing, level: 1 }).waitFor();
  });
});

test('customers: what each role may do', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.manager);
  await step(t, 'a manager has no access log (it is tenant-wide)', async () => {
    const labels = await navLabels(page);
    check(!labels.includes('Access log'), `the manager's navigation has ${JSON.stringify(labels)}`);
    await page.goto('/admin/access-log');
    await page.waitForURL((u) => new URL(u).pathname === '/').catch(() => fail(`stayed on ${page.url()}`));
    await expectToast(page, 'No access');
  });
  await step(t, 'a manager sees the trash', async () => {
    await page.goto('/customers/trash');
    await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
  });
  await logout(t, page);
  await login(t, page, DEMO.telecaller);
  await step(t, 'a telecaller cannot log visits or create customers', async () => {
    await page.goto('/customers');
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    check(!(await page.getByRole('link', { name: 'New customer' }).count()), 'a telecaller is offered "New customer"');
    check(!(await page.getByRole('link', { name: 'Log a visit' }).count()), 'a telecaller is offered "Log a visit"');
    await axe(t, page, 'customers (telecaller)');
    for (const path of ['/visits/new', '/customers/new', '/customers/trash']) {
      await page.goto(path);
      await page.waitForURL((u) => new URL(u).pathname === '/').catch(() => fail(`${path}: stayed on ${page.url()}`));
    }
  });
  await logout(t, page);
  await login(t, page, DEMO.marketing);
  await step(t, 'marketing has no customer list, and no customer import (only segment exports)', async () => {
    check(!(await navLabels(page)).includes('Customers'), 'marketing sees Customers');
    for (const path of ['/customers', '/customers/import']) {
      await page.goto(path);
      await page.waitForURL((u) => new URL(u).pathname === '/').catch(() => fail(`${path}: stayed on ${page.url()}`));
    }
  });
  await logout(t, page);
  await login(t, page, DEMO.manager);
  await step(t, 'a manager imports and exports customers but has no segments (no campaigns)', async () => {
    check(!(await navLabels(page)).includes('Segments'), 'the manager sees Segments');
    await page.goto('/customers');
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Import', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Export' }).waitFor();
    check(!(await page.getByRole('link', { name: 'Segments' }).count()), 'the manager is offered Segments');
    await page.goto('/segments');
    await page.waitForURL((u) => new URL(u).pathname === '/').catch(() => fail(`stayed on ${page.url()}`));
  });
});

// ---------------------------------------------------------------- import, export, segments, photos

/** A 1×1 PNG: the smallest real image the photo upload accepts. */
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function firstStoreId(token) {
  const stores = await api('/stores?limit=1', { token });
  check(stores.status === 200 && stores.json.items.length > 0, `no store (${stores.status})`);
  return stores.json.items[0].id;
}

test('import: a business admin imports a CSV through the wizard, reads the report and sees the progress finish', async (t) => {
  const good = uniqueMobile();
  const bad = '12345';
  const taken = uniqueMobile();
  const name = `E2E Imported ${RUN}`;
  const filename = `e2e-import-${RUN.toLowerCase()}.csv`;
  const token = await apiLogin(DEMO.business_admin);
  const existing = await step(t, 'a customer already has the third row’s phone (created by API)', async () => {
    const r = await api('/customers', {
      method: 'POST',
      token,
      body: { name: `E2E Existing Import ${RUN}`, phones: [`+91${taken}`], home_store_id: await firstStoreId(token) },
    });
    check(r.status === 201, `POST /customers returned ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json.id;
  });
  const csv = [
    'Customer Name,Mobile No,DOB,City',
    `${name},${good},15-08-1990,Chennai`,
    `E2E Bad Phone ${RUN},${bad},01-01-1985,Madurai`,
    `E2E Duplicate ${RUN},${taken},,Chennai`,
  ].join('\r\n');

  const page = await open(t);
  await login(t, page, DEMO.business_admin);
  await step(t, 'open the import wizard from the customer list', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import customers', level: 1 }).waitFor();
    await page.getByRole('heading', { name: /Choose a file/ }).waitFor();
  });
  await step(t, 'accessibility of the upload step', () => axe(t, page, 'import: upload'));
  await step(t, 'a file that is not CSV, XLSX or JSON is refused before uploading', async () => {
    await page.getByLabel('Customer file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByRole('alert').filter({ hasText: 'Choose a .csv, .xlsx (Excel) or .json file.' }).waitFor();
    check(await page.getByRole('button', { name: 'Upload and continue' }).isDisabled(), 'upload is offered for a .txt file');
  });
  await step(t, 'upload the CSV: the suggested mapping is shown', async () => {
    await page.getByLabel('Customer file').setInputFiles({ name: filename, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const posted = page.waitForResponse((r) => r.url().includes('/api/v1/customers/imports?filename=') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Upload and continue' }).click();
    const res = await posted;
    check(res.status() === 201, `POST /customers/imports returned ${res.status()}`);
    check(res.request().headers()['content-type'] === 'text/csv', `uploaded as ${res.request().headers()['content-type']}`);
    await page.getByRole('heading', { name: /Match columns/ }).waitFor();
    const expected = { 'Customer Name': 'name', 'Mobile No': 'phone', DOB: 'birth_date', City: 'city' };
    for (const [column, field] of Object.entries(expected)) {
      const value = await page.getByLabel(`Column “${column}”`).inputValue();
      check(value === field, `column ${column} is mapped to "${value}", expected ${field}`);
    }
    await page.getByRole('region', { name: 'First rows of the file' }).getByText(name).waitFor();
  });
  await step(t, 'accessibility of the mapping step', () => axe(t, page, 'import: match columns'));
  await step(t, 'the mapping step fits a small phone', async () => {
    await page.setViewportSize(SMALL_PHONE);
    await noSideScroll(page, 'import: match columns (phone)');
    await shot(page, 'import-mapping');
    await page.setViewportSize(DESKTOP);
  });
  await step(t, 'without a phone column the file cannot be checked', async () => {
    await page.getByLabel('Column “Mobile No”').selectOption('');
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose the column with the mobile / phone.' }).waitFor();
    await page.getByLabel('Column “Mobile No”').selectOption('phone');
  });
  await step(t, 'check the file: the report names rows 3 and 4', async () => {
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByRole('heading', { name: /Check$/ }).waitFor();
    const problems = page.getByRole('list', { name: 'Rows with problems' });
    // Rows only (each row lists its problems).
    const row3 = problems.locator(':scope > li').filter({ hasText: 'Row 3' });
    await row3.waitFor();
    check(/not a valid phone number/.test((await row3.textContent()) ?? ''), `row 3 says "${await row3.textContent()}"`);
    const dups = page.getByRole('list', { name: 'Duplicate rows' });
    await dups.locator(':scope > li').filter({ hasText: 'Row 4' }).waitFor();
    const link = dups.getByRole('link', { name: 'Open existing customer (row 4)' });
    check((await link.getAttribute('href')) === `/customers/${existing}`, `the duplicate links to ${await link.getAttribute('href')}`);
    await page.getByRole('button', { name: 'Import 1 customer' }).waitFor();
  });
  await step(t, 'accessibility of the report', () => axe(t, page, 'import: report'));
  await shots(page, 'import-report');
  await step(t, 'go back, change the mapping and check again', async () => {
    await page.getByRole('button', { name: 'Back to the columns' }).click();
    await page.getByRole('heading', { name: /Match columns/ }).waitFor();
    check((await page.getByLabel('Column “Mobile No”').inputValue()) === 'phone', 'the mapping was not kept');
    await page.getByLabel('Column “DOB”').selectOption('');
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByRole('button', { name: 'Import 1 customer' }).waitFor();
  });
  await step(t, 'confirm with a lead for each new customer: the progress bar fills and the import finishes with 1 imported', async () => {
    const confirmed = page.waitForResponse((r) => r.url().includes('/confirm?leads=true') && r.request().method() === 'POST');
    await page.getByLabel('Open a lead for each new customer').check();
    await page.getByRole('button', { name: 'Import 1 customer' }).click();
    check((await confirmed).status() === 202, 'confirm did not answer 202');
    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    await bar.waitFor();
    await page.getByText('Import finished: 1 imported').waitFor({ timeout: 30_000 });
    check((await bar.getAttribute('aria-valuenow')) === '100', `the bar is at ${await bar.getAttribute('aria-valuenow')}`);
  });
  await step(t, 'accessibility of the finished import', () => axe(t, page, 'import: finished'));
  await shots(page, 'import-finished');
  await step(t, 'the import record lists the file as done', async () => {
    const row = page.getByRole('list', { name: 'Past imports' }).getByRole('listitem').filter({ hasText: filename });
    await row.locator('.badge', { hasText: 'Done' }).waitFor();
    check(/1 imported/.test((await row.textContent()) ?? ''), `the record says "${await row.textContent()}"`);
    await row.getByRole('link', { name: filename }).click();
    await page.getByRole('heading', { name: filename, level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Rows with problems' }).getByText('Row 3').waitFor();
    await axe(t, page, 'import record');
  });
  await step(t, 'the imported customer is in the customer list, with a lead for the telecallers', async () => {
    await page.goto(`/customers?q=${encodeURIComponent(name)}`);
    await page.getByRole('list', { name: 'Customers' }).getByRole('link', { name }).waitFor();
    const leads = await api(`/leads?q=${encodeURIComponent(name)}`, { token: await apiLogin(DEMO.business_admin) });
    check(leads.json.items?.[0]?.source === 'import', `leads for the import: ${JSON.stringify(leads.json)}`);
  });
  await step(t, 'export the list as CSV', async () => {
    await page.getByRole('button', { name: 'Export' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export customers' });
    await dialog.waitFor();
    await axe(t, page, 'export dialog');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download' }).click()]);
    const text = await readFile(await download.path(), 'utf8');
    check(text.includes(name), 'the export does not hold the searched customer');
    check(!text.includes(`E2E Existing Import ${RUN}`), 'the export ignored the search');
    await expectToast(page, 'Export downloaded');
  });
});

test('segments: marketing builds “Chennai and not DND” with a live count, saves it with an auto tag and exports a campaign list', async (t) => {
  const token = await apiLogin(DEMO.business_admin);
  const reachable = `E2E Chennai Reachable ${RUN}`;
  const dnd = `E2E Chennai DND ${RUN}`;
  const tag = `e2e-chennai-${RUN.toLowerCase()}`;
  await step(t, 'two customers in Chennai, one of them DND (created by API)', async () => {
    const home_store_id = await firstStoreId(token);
    const consent = { whatsapp: { granted: true, source: 'e2e', text: 'I agree to offers on WhatsApp.' } };
    for (const body of [
      { name: dnd, phones: [`+91${uniqueMobile()}`], city: 'Chennai', dnd: true, home_store_id },
      { name: reachable, phones: [`+91${uniqueMobile()}`], city: 'Chennai', consent, home_store_id },
    ]) {
      const r = await api('/customers', { method: 'POST', token, body });
      check(r.status === 201, `POST /customers returned ${r.status}: ${JSON.stringify(r.json)}`);
    }
  });
  const mkt = await apiLogin(DEMO.marketing);
  const countOf = async (rule) => {
    const r = await api('/segments/preview', { method: 'POST', token: mkt, body: { rule } });
    check(r.status === 200, `preview returned ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json.count;
  };
  const chennai = { field: 'city', op: 'eq', value: 'Chennai' };
  const expectedAll = await countOf({ all: [chennai] });
  const expectedReachable = await countOf({ all: [chennai, { not: { field: 'dnd', op: 'eq', value: true } }] });
  check(expectedReachable < expectedAll, `the DND customer does not change the count (${expectedAll} / ${expectedReachable})`);

  const page = await open(t, { viewport: SMALL_PHONE });
  await login(t, page, DEMO.marketing);
  const liveCount = async (expected) => {
    const status = page.locator('.live-count');
    await waitUntil(
      async () => {
        const text = ((await status.textContent()) ?? '').replace(/\s+/g, ' ');
        const m = /([\d,]+) customers? match/.exec(text);
        if (!m || /updating/.test(text)) return `the live count says "${text}"`;
        return Number(m[1].replace(/,/g, '')) === expected || `the live count says "${text}", expected ${expected}`;
      },
      `the live count should show ${expected}`,
      15_000,
    );
  };
  await step(t, 'open Segments from the bottom bar: built-in segments with counts', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('heading', { name: 'Segments', level: 1 }).waitFor();
    const builtins = page.getByRole('list', { name: 'Built-in segments' });
    const birthdays = builtins.getByRole('listitem').filter({ hasText: 'Birthdays soon' });
    // Counts load as segments scroll into view.
    await birthdays.scrollIntoViewIfNeeded();
    await birthdays.getByText(/\d+ customers?/).waitFor();
    await noSideScroll(page, 'segments (phone)');
  });
  await step(t, 'accessibility of the segment list (phone)', () => axe(t, page, 'segments (phone)'));
  await shot(page, 'segments');
  await step(t, 'new segment: City is Chennai shows a live count', async () => {
    await page.getByRole('link', { name: 'New segment' }).first().click();
    await page.getByRole('heading', { name: 'New segment', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(`E2E Chennai reachable ${RUN}`);
    await page.getByLabel('Auto tag (optional)').fill(tag);
    const first = page.getByRole('group', { name: 'Condition 1', exact: true });
    check((await first.getByLabel('Field').inputValue()) === 'city', 'the first condition does not start on City');
    await first.getByLabel('Operator').selectOption('eq');
    await first.getByLabel('Value').fill('Chennai');
    await liveCount(expectedAll);
  });
  await step(t, 'add “NOT do not disturb” from the keyboard: the count drops', async () => {
    await page.getByRole('button', { name: 'Add condition', exact: true }).focus();
    await page.keyboard.press('Enter');
    const second = page.getByRole('group', { name: 'Condition 2', exact: true });
    await second.waitFor();
    await second.getByLabel('Field').selectOption('dnd');
    check(await chip(second, 'Value', 'Yes').isChecked(), 'DND does not start on Yes');
    await second.getByLabel('Exclude customers who match this condition (NOT)').focus();
    await page.keyboard.press('Space');
    await liveCount(expectedReachable);
    await noSideScroll(page, 'segment builder (phone)');
  });
  await step(t, 'accessibility of the builder (phone)', () => axe(t, page, 'segment builder (phone)'));
  await shot(page, 'segment-builder');
  await step(t, 'save: the segment shows its rule in words and its auto tag', async () => {
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/segments') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create segment' }).click();
    const res = await posted;
    check(res.status() === 201, `POST /segments returned ${res.status()}`);
    const body = await res.request().postDataJSON();
    check(
      JSON.stringify(body.rule) === JSON.stringify({ all: [chennai, { not: { field: 'dnd', op: 'eq', value: true } }] }),
      `the saved rule is ${JSON.stringify(body.rule)}`,
    );
    await expectToast(page, 'Segment created');
    await page.getByRole('heading', { name: `E2E Chennai reachable ${RUN}`, level: 1 }).waitFor();
    await page.getByText('City is Chennai').waitFor();
    await page.locator('.rule-view').getByText('Do not disturb (DND) is Yes').waitFor();
    await page.locator('.page-header .tag-auto', { hasText: tag }).waitFor();
  });
  await step(t, 'members: the reachable customer (with the auto tag), not the DND one', async () => {
    const members = page.getByRole('list', { name: 'Members' });
    const row = members.getByRole('listitem').filter({ hasText: reachable });
    await row.waitFor();
    await row.getByRole('list', { name: 'Tags' }).getByText(tag).waitFor();
    check(!(await members.getByText(dnd).count()), 'the DND customer is a member');
    await waitLoaded(page);
    await noSideScroll(page, 'segment (phone)');
  });
  await step(t, 'accessibility of the segment (phone)', () => axe(t, page, 'segment detail (phone)'));
  await shot(page, 'segment-detail');
  await step(t, 'export the WhatsApp campaign list as CSV', async () => {
    await chip(page, 'Channel', 'WhatsApp').check();
    await chip(page, 'Format', 'CSV (Excel, Sheets)').check();
    const fetched = page.waitForResponse((r) => r.url().includes('/export?') && r.url().includes('channel=whatsapp'));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download campaign list' }).click(),
    ]);
    const res = await fetched;
    check(res.status() === 200, `the export returned ${res.status()}`);
    check(/text\/csv/.test(res.headers()['content-type'] ?? ''), `the export is ${res.headers()['content-type']}`);
    check(download.suggestedFilename().endsWith('.csv'), `the file is called ${download.suggestedFilename()}`);
    const text = await readFile(await download.path(), 'utf8');
    check(text.startsWith('name,phone,email,city,language,tier'), `the CSV starts "${text.slice(0, 40)}"`);
    check(text.includes(reachable), 'the consenting customer is not in the campaign list');
    check(!text.includes(dnd), 'the DND customer is in the campaign list');
    await expectToast(page, 'Campaign list downloaded');
  });
});

test('photos: a sales rep adds a photo to an interest right after logging the visit', async (t) => {
  const page = await open(t, { viewport: SMALL_PHONE });
  const mobile = uniqueMobile();
  const name = `E2E Photo Visitor ${RUN}`;
  await login(t, page, DEMO.sales_rep);
  await step(t, 'log a visit for a new customer who looked at rings', async () => {
    await page.goto('/visits/new');
    await page.getByLabel('Mobile number').fill(mobile);
    await page.getByLabel('Customer name').fill(name);
    await chip(page, 'Why did they come in?', 'Engagement').check();
    const interest = page.getByRole('group', { name: 'Interest 1', exact: true });
    await chip(interest, 'Category', 'Rings').check();
    await interest.getByLabel('Design number (optional)').fill('RG-7');
    await chip(interest, 'Outcome', 'Design selected').check();
    await page.getByRole('button', { name: 'Save visit' }).click();
    await page.getByRole('heading', { name: 'Visit logged' }).waitFor();
  });
  const label = 'Rings, design RG-7';
  await step(t, 'a file that is not an image is refused before uploading', async () => {
    await page
      .getByLabel(`Add photo of ${label}`)
      .setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
    await page.getByRole('alert').filter({ hasText: 'Choose a JPEG, PNG or WebP photo.' }).waitFor();
  });
  await step(t, 'add a photo from the confirmation: the thumbnail appears', async () => {
    const input = page.getByLabel(`Add photo of ${label}`);
    check((await input.getAttribute('capture')) === 'environment', 'the photo input does not open the back camera');
    check(
      (await input.getAttribute('accept')) === 'image/jpeg,image/png,image/webp',
      `the input accepts ${await input.getAttribute('accept')}`,
    );
    const posted = page.waitForResponse((r) => /\/api\/v1\/interests\/[^/]+\/photos$/.test(r.url()) && r.request().method() === 'POST');
    await input.setInputFiles({ name: 'ring.png', mimeType: 'image/png', buffer: TINY_PNG });
    const res = await posted;
    check(res.status() === 201, `POST photos returned ${res.status()}`);
    check(res.request().headers()['content-type'] === 'image/png', `uploaded as ${res.request().headers()['content-type']}`);
    const img = page.getByRole('img', { name: `Photo 1 of ${label}` });
    await img.waitFor();
    await waitUntil(
      async () => (await img.evaluate((el) => el.complete && el.naturalWidth > 0 && el.src.startsWith('blob:'))) || 'not loaded',
      'the thumbnail should load from a blob URL',
    );
    await noSideScroll(page, 'visit logged with a photo (phone)');
  });
  await step(t, 'accessibility of the confirmation with a photo (phone)', () => axe(t, page, 'visit logged with photo (phone)'));
  await shot(page, 'visit-photo');
  await step(t, 'the photo is on the timeline of the profile; delete it there', async () => {
    await page.getByRole('link', { name: 'Open customer profile' }).click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByRole('img', { name: `Photo 1 of ${label}` }).waitFor();
    await axe(t, page, 'customer profile with a photo (phone)');
    await timeline.getByRole('button', { name: `Delete photo 1 of ${label}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this photo?' });
    await dialog.getByRole('button', { name: 'Delete photo' }).click();
    await timeline.getByRole('img', { name: `Photo 1 of ${label}` }).waitFor({ state: 'detached' });
  });
});

// ---------------------------------------------------------------- run

await mkdir(SHOTS, { recursive: true });
for (const f of await readdir(SHOTS)) if (f.startsWith('FAILED-')) await rm(join(SHOTS, f));
browser = await chromium.launch({
  executablePath: CHROME,
  headless: !process.env.E2E_HEADFUL,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
  ],
});

// ── Telecalling: console, transfers and the live hand-off ──
// Console flows: helpers are prefixed `con` (the board tests below share this file).

/**
 * Manager's MG Road store, calling rules that work at any hour and for
 * repeated runs (and the given wrap-up time), and Rohit ready.
 */
async function conPrepare({ wrapUpSeconds = 120 } = {}) {
  const manager = await apiLogin(DEMO.manager);
  const stores = await api('/stores?limit=100', { token: manager });
  check(stores.status === 200, `GET /stores returned ${stores.status}`);
  const store = stores.json.items.find((s) => s.code === 'BLR-MG') ?? stores.json.items[0];
  check(store, 'the manager has no store');
  const current = await api(`/telecalling/settings/${store.id}`, { token: manager });
  check(current.status === 200, `GET settings returned ${current.status}: ${JSON.stringify(current.json)}`);
  const s = current.json;
  const put = await api(`/telecalling/settings/${store.id}`, {
    method: 'PUT',
    token: manager,
    body: {
      rule: 'round_robin',
      max_open_leads: 1000,
      sla_minutes: s.sla_minutes,
      sticky_days: s.sticky_days,
      retry_minutes: s.retry_minutes,
      max_attempts_per_day: s.max_attempts_per_day,
      calling_start: '00:00',
      calling_end: '23:59',
      wrap_up_seconds: wrapUpSeconds,
      thresholds: s.thresholds,
    },
  });
  check(put.status === 200, `PUT settings returned ${put.status}: ${JSON.stringify(put.json)}`);
  const tele = await apiLogin(DEMO.telecaller);
  // A call left waiting for its disposition by an earlier run would block the console.
  const before = await api('/telecalling/console', { token: tele });
  check(before.status === 200, `GET console returned ${before.status}`);
  if (before.json.open_call) {
    const r = await api(`/calls/${before.json.open_call.id}/disposition`, {
      method: 'POST',
      token: tele,
      body: { disposition: 'no_answer' },
    });
    check(r.status === 200, `closing the leftover call returned ${r.status}: ${JSON.stringify(r.json)}`);
  }
  const status = await api('/telecalling/status', { method: 'PUT', token: tele, body: { status: 'available' } });
  check(status.status === 200, `PUT status returned ${status.status}: ${JSON.stringify(status.json)}`);
  // Meena Pillai is simply not signed in: only online telecallers get leads.
  await waitUntil(
    async () => {
      const board = await api(`/telecalling/wallboard?store_id=${store.id}`, { token: manager });
      if (board.status !== 200) return `wallboard ${board.status}`;
      const meena = board.json.agents.find((a) => a.name === 'Meena Pillai');
      return !meena || !meena.online || 'Meena Pillai is online';
    },
    'Meena Pillai should be offline for the hand-off to go to Rohit',
    20_000,
  );
  return { manager, tele, store };
}

/** A visit without a purchase by a new customer, logged through the API; returns the visit. */
async function conVisit(token, storeId, name, mobile) {
  const r = await api('/visits', {
    method: 'POST',
    token,
    body: {
      store_id: storeId,
      reason: 'engagement',
      lead_source: 'walk_in',
      customer: { name, phones: [`+91${mobile}`], city: 'Bengaluru' },
      interests: [{ category: 'rings', metal: 'gold', outcome: 'checking_other_jewellers' }],
    },
  });
  check(r.status === 201 && r.json.lead_id, `POST /visits returned ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Calls and qualifies a lead through the API (as its telecaller). */
async function conQualify(tele, leadId) {
  const call = await api(`/leads/${leadId}/calls`, { method: 'POST', token: tele });
  check(call.status === 201, `starting a call returned ${call.status}: ${JSON.stringify(call.json)}`);
  const done = await api(`/calls/${call.json.call.id}/disposition`, {
    method: 'POST',
    token: tele,
    body: { disposition: 'connected', next_step: 'qualified', sentiment: 'positive' },
  });
  check(done.status === 200 && done.json.lead.state === 'qualified', `qualifying returned ${done.status}: ${JSON.stringify(done.json)}`);
}

/** The date `days` from today in a time zone (YYYY-MM-DD). */
function conDay(days, timeZone = 'Asia/Kolkata') {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + days * 24 * 3600 * 1000),
  );
}

/**
 * Headless Chromium has no dialler: a tel: link it follows leaves the page
 * deaf to clicks. The console's tel: links are recorded in `window.__dialled`
 * instead (a phone hands them to its dialler).
 */
function conStubDialler() {
  window.__dialled = [];
  document.addEventListener(
    'click',
    (e) => {
      const a = e.target instanceof Element ? e.target.closest('a[href^="tel:"]') : null;
      if (a) {
        e.preventDefault();
        window.__dialled.push(a.getAttribute('href'));
      }
    },
    true,
  );
}
const CON_DIALLER = { fn: conStubDialler, arg: null };

/** Opens the console from the navigation and waits until it is loaded and live. */
async function conOpenConsole(t, page) {
  await step(t, 'open the console from the navigation', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Console' }).click();
    await page.getByRole('heading', { name: 'Console', level: 1 }).waitFor();
    await page.getByRole('heading', { name: /^My queue/ }).waitFor();
    await waitLive(page);
    await page.evaluate(() => {
      window.__karatNoReload = true;
    });
  });
}

/** A telecaller's queue row for a customer. */
const conQueueRow = (page, name) => page.getByRole('list', { name: 'My queue' }).getByRole('listitem').filter({ hasText: name });

/** The value of a telecaller's "Calls today" on the wallboard. */
async function conWallboardCalls(page, agent) {
  const tile = page
    .getByRole('list', { name: 'Telecallers' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: agent, exact: true }) });
  await tile.waitFor();
  const text = await tile
    .locator('dt', { hasText: /^Calls today$/ })
    .locator('xpath=following-sibling::dd[1]')
    .textContent();
  return Number((text ?? '').replace(/[^\d]/g, ''));
}

test('console: a visit without a purchase reaches the live console, is called back tomorrow 11:00, and the wallboard counts the call live', async (t) => {
  const { store } = await step(t, 'prepare MG Road (any-hour calling, high caps) and Rohit', () => conPrepare());
  const mobile = uniqueMobile();
  const name = `E2E Walk-in ${RUN}`;

  const tele = await open(t, { init: CON_DIALLER });
  await login(t, tele, DEMO.telecaller);
  await conOpenConsole(t, tele);
  await step(t, 'accessibility of the console (desktop)', () => axe(t, tele, 'console (telecaller, desktop)'));

  const manager = await open(t);
  await login(t, manager, DEMO.manager);
  const callsBefore = await step(t, 'the manager’s wallboard is open and live', async () => {
    await manager.goto(`/wallboard?store=${store.id}`);
    await manager.getByRole('heading', { name: 'Wallboard', level: 1 }).waitFor();
    await waitLive(manager);
    await manager.evaluate(() => {
      window.__karatNoReload = true;
    });
    return conWallboardCalls(manager, 'Rohit Sharma');
  });

  const sales = await open(t, { viewport: PHONE });
  await login(t, sales, DEMO.sales_rep);
  await step(t, 'the sales rep logs a visit without a purchase for a new customer', async () => {
    await sales.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log a visit' }).click();
    await sales.getByLabel('Mobile number').fill(mobile);
    await sales.getByText(`New customer — ${shownMobile(mobile)} is not on record yet.`).waitFor();
    await sales.getByLabel('Customer name').fill(name);
    await chip(sales, 'Why did they come in?', 'Wedding').check();
    await chip(sales, 'How did they hear of you?', 'Walk-in').check();
    const interest = sales.getByRole('group', { name: 'Interest 1', exact: true });
    await chip(interest, 'Category', 'Necklace sets').check();
    await chip(interest, 'Outcome', 'Wants more discount').check();
    await sales.getByRole('button', { name: 'Save visit' }).click();
    await sales.getByText('Lead opened for telecalling.').waitFor();
  });

  await step(t, 'the new lead appears on Rohit’s console without a reload', async () => {
    await conQueueRow(tele, name).waitFor({ timeout: 15_000 });
    await expectToast(tele, `New lead: ${name}`);
    check(await tele.evaluate(() => window.__karatNoReload === true), 'the console reloaded');
  });
  await shot(tele, 'console-new-lead');

  await step(t, 'open it: the call card shows the phone, the visit and the interests', async () => {
    await conQueueRow(tele, name)
      .getByRole('button', { name: `Open ${name}` })
      .click();
    const card = tele.locator('.lead-card');
    await card.getByRole('heading', { name, level: 2 }).waitFor();
    const dial = card.getByRole('link', { name: `Dial ${shownMobile(mobile)}` });
    check((await dial.getAttribute('href')) === `tel:+91${mobile}`, `the phone link is ${await dial.getAttribute('href')}`);
    await card.getByText('Wedding', { exact: true }).waitFor();
    const interests = card.getByRole('list', { name: 'Interests at the last visit' });
    const text = (await interests.textContent()) ?? '';
    check(/Necklace sets/.test(text) && /Wants more discount/.test(text), `the interests read "${text}"`);
    await card.getByText('No calls yet: this is the first.').waitFor();
  });
  await step(t, 'accessibility of the call card (desktop)', () => axe(t, tele, 'console with a lead (desktop)'));

  await step(t, 'call: the console is on the call and Next lead waits for the disposition', async () => {
    const started = tele.waitForResponse((r) => /\/api\/v1\/leads\/[^/]+\/calls$/.test(r.url()) && r.request().method() === 'POST');
    await tele.getByRole('button', { name: `Call ${name}` }).click();
    const res = await started;
    check(res.status() === 201, `POST calls returned ${res.status()}`);
    const body = await res.json();
    check(body.tel === `tel:+91${mobile}`, `the dial link is ${body.tel}`);
    await tele.getByRole('heading', { name: `On a call with ${name}` }).waitFor();
    const dialled = await tele.evaluate(() => window.__dialled);
    check(dialled.includes(`tel:+91${mobile}`), `the dialler was handed ${JSON.stringify(dialled)}`);
    check(await tele.getByRole('button', { name: 'Next lead' }).isDisabled(), 'Next lead is enabled during a call');
    await tele.getByText('Save the disposition of your current call before the next lead.').waitFor();
    await tele.locator('.hero-title', { hasText: 'On a call' }).waitFor();
  });
  await step(t, 'hang up: wrap-up with a countdown', async () => {
    await tele.getByRole('button', { name: 'Hang up' }).click();
    await tele.getByRole('heading', { name: `Wrap-up: ${name}` }).waitFor();
    await tele
      .getByRole('timer')
      .filter({ hasText: /left to wrap up/ })
      .waitFor();
    await tele.locator('.hero-title', { hasText: 'Wrap-up' }).waitFor();
  });
  await step(t, 'saving without a disposition says what is missing', async () => {
    await tele.getByRole('button', { name: 'Save disposition' }).click();
    await tele.getByText('Choose how the call went.').waitFor();
  });
  const tomorrow = conDay(1);
  await step(t, 'call back tomorrow 11:00 (quick pick), with a note', async () => {
    await chip(tele, 'How did the call go?', 'Call back').check();
    await tele.getByRole('group', { name: 'Quick picks: Call back at' }).getByRole('button', { name: 'Tomorrow 11:00' }).click();
    const value = await tele.getByLabel('Call back at', { exact: true }).inputValue();
    check(value === `${tomorrow}T11:00`, `the call-back time is ${value}, expected ${tomorrow}T11:00`);
    await chip(tele, 'How did they sound? (optional)', 'Positive').check();
    await tele.getByLabel('Notes (optional)').fill('Wants the necklace set in 22K; call after the family sees it.');
  });
  await step(t, 'accessibility of the disposition form (desktop)', () => axe(t, tele, 'console wrap-up (desktop)'));
  await shot(tele, 'console-wrap-up');
  await step(t, 'save: the lead waits for its call back and Next lead works again', async () => {
    await tele.getByRole('button', { name: 'Save disposition' }).click();
    await expectToast(tele, 'Disposition saved');
    await tele.getByRole('heading', { name: `Wrap-up: ${name}` }).waitFor({ state: 'detached' });
    check(!(await tele.getByRole('button', { name: 'Next lead' }).isDisabled()), 'Next lead is still disabled');
    await conQueueRow(tele, name)
      .getByText(/^Call back /)
      .waitFor();
    const calls = tele.locator('.lead-card').getByRole('list', { name: 'Previous calls' });
    await calls.locator('.list-title', { hasText: /^Call back/ }).waitFor();
    await tele.locator('.hero-title', { hasText: 'Available' }).waitFor();
  });

  await step(t, 'the manager’s wallboard counts Rohit’s call without a reload', async () => {
    await waitUntil(
      async () => {
        const n = await conWallboardCalls(manager, 'Rohit Sharma');
        return n === callsBefore + 1 || `calls today: ${n} (was ${callsBefore})`;
      },
      'Rohit’s calls today should go up by one',
      15_000,
    );
    check(await manager.evaluate(() => window.__karatNoReload === true), 'the wallboard reloaded');
  });
  await shot(manager, 'wallboard-after-call');
});

test('console: works from the keyboard and fits a phone', async (t) => {
  // A short wrap-up, so it runs out during the test.
  const { store, manager } = await step(t, 'prepare MG Road (10 s wrap-up) and Rohit', () => conPrepare({ wrapUpSeconds: 10 }));
  const sales = await apiLogin(DEMO.sales_rep);
  const page = await open(t, { viewport: PHONE, init: CON_DIALLER });
  await login(t, page, DEMO.telecaller);
  await conOpenConsole(t, page);
  const called = `E2E Called Before ${RUN}`;
  await step(t, 'a lead Meena called comes to Rohit: the call card says so', async () => {
    const lead = (await conVisit(sales, store.id, called, uniqueMobile())).lead_id;
    const users = await api('/users?role=telecaller&limit=100', { token: manager });
    const meena = users.json.items.find((u) => u.name === 'Meena Pillai');
    const rohit = users.json.items.find((u) => u.name === 'Rohit Sharma');
    check(meena && rohit, 'Meena Pillai and Rohit Sharma should be telecallers of the store');
    const toMeena = await api('/leads/assign', { method: 'POST', token: manager, body: { lead_ids: [lead], user_id: meena.id } });
    check(toMeena.status === 200, `assigning to Meena returned ${toMeena.status}: ${JSON.stringify(toMeena.json)}`);
    const meenaToken = await apiLogin('telecaller2@demo.test');
    const call = await api(`/leads/${lead}/calls`, { method: 'POST', token: meenaToken });
    check(call.status === 201, `Meena's call returned ${call.status}: ${JSON.stringify(call.json)}`);
    const done = await api(`/calls/${call.json.call.id}/disposition`, { method: 'POST', token: meenaToken, body: { disposition: 'busy' } });
    check(done.status === 200, `Meena's disposition returned ${done.status}: ${JSON.stringify(done.json)}`);
    const back = await api('/leads/assign', { method: 'POST', token: manager, body: { lead_ids: [lead], user_id: rohit.id } });
    check(back.status === 200, `assigning back to Rohit returned ${back.status}: ${JSON.stringify(back.json)}`);
    await conQueueRow(page, called)
      .getByRole('button', { name: `Open ${called}` })
      .click();
    const alert = page.locator('.lead-card').getByRole('note');
    await alert.getByText('Called by someone else recently.').waitFor();
    await alert.getByText(/Meena Pillai called on .* \(busy\)\./).waitFor();
  });
  const name = `E2E Keyboard ${RUN}`;
  await step(t, 'a new lead arrives live', async () => {
    await conVisit(sales, store.id, name, uniqueMobile());
    await conQueueRow(page, name).waitFor({ timeout: 15_000 });
  });
  await step(t, 'the phone layout does not scroll sideways', async () => {
    await waitLoaded(page);
    await noSideScroll(page, 'console (phone)');
  });
  await step(t, 'accessibility of the console (phone)', () => axe(t, page, 'console (telecaller, phone)'));
  await shot(page, 'console-phone');

  /** Presses Tab until the focused element's text starts with `text`. */
  const tabTo = async (text, max = 60) => {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const now = await page.evaluate(() => (document.activeElement?.textContent ?? '').trim());
      if (now.startsWith(text)) return;
    }
    fail(`Tab never reached "${text}"`);
  };
  const focusedText = () => page.evaluate(() => (document.activeElement?.textContent ?? '').trim());

  await step(t, 'keyboard: Break and back to Available with the status switch', async () => {
    await page.locator('main h1').focus();
    await tabTo('Break');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    check(outline !== 'none', 'the focused status button shows no focus outline');
    await page.keyboard.press('Space');
    await page.locator('.hero-title', { hasText: 'On a break' }).waitFor();
    await page.getByText('You are on a break: become available to take leads.').waitFor();
    check(await page.getByRole('button', { name: 'Next lead' }).isDisabled(), 'Next lead is enabled on a break');
    await page.keyboard.press('Shift+Tab');
    check((await focusedText()) === 'Available', `Shift+Tab went to "${await focusedText()}"`);
    await page.keyboard.press('Enter');
    await page.locator('.hero-title', { hasText: 'Available' }).waitFor();
  });
  await step(t, 'keyboard: Next lead serves a lead and takes focus to it', async () => {
    await page.locator('main h1').focus();
    await page.keyboard.press('Tab');
    check((await focusedText()) === 'Next lead', `after the heading Tab went to "${await focusedText()}"`);
    await page.keyboard.press('Enter');
    await waitUntil(
      async () => page.evaluate(() => document.activeElement?.closest('.lead-card') !== null && document.activeElement?.tagName === 'H2'),
      'focus did not move to the served lead',
    );
  });
  const served = await page.locator('.lead-card h2').textContent();
  await step(t, 'keyboard: Call, Hang up, a disposition with the arrow keys, Save', async () => {
    await tabTo('Call');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `On a call with ${served}` }).waitFor();
    await waitUntil(async () => (await focusedText()) === 'Hang up', 'focus did not move to Hang up');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Wrap-up: ${served}` }).waitFor();
    // Ten seconds of wrap-up, then it is overdue.
    await page
      .getByRole('timer')
      .filter({ hasText: /^Overdue by 0:0\d/ })
      .waitFor({ timeout: 20_000 });
    await page.locator('.call-panel .badge', { hasText: 'Wrap-up overdue' }).waitFor();
    await waitUntil(
      async () => page.evaluate(() => document.activeElement?.getAttribute('name') === 'disposition'),
      'focus did not move to the disposition',
    );
    await page.keyboard.press('ArrowRight');
    check(await chip(page, 'How did the call go?', 'No answer').isChecked(), 'ArrowRight did not choose “No answer”');
    await noSideScroll(page, 'console wrap-up (phone)');
    await axe(t, page, 'console wrap-up (phone)');
    await shot(page, 'console-wrap-up-phone');
    await tabTo('Save disposition', 20);
    await page.keyboard.press('Enter');
    await expectToast(page, 'Disposition saved');
    await waitUntil(async () => {
      const text = await focusedText();
      return text === 'Next lead' || `focus is on "${text.slice(0, 60)}"`;
    }, 'focus did not go back to Next lead');
  });
});

test('console: a qualified lead passed to sales is accepted with a visit, another is returned, live for the telecaller', async (t) => {
  const { store } = await step(t, 'prepare MG Road and Rohit', () => conPrepare());
  const salesToken = await apiLogin(DEMO.sales_rep);
  const teleToken = await apiLogin(DEMO.telecaller);
  const first = `E2E Bridal ${RUN}`;
  const second = `E2E Gifting ${RUN}`;

  const tele = await open(t, { init: CON_DIALLER });
  await login(t, tele, DEMO.telecaller);
  await conOpenConsole(t, tele);
  const leads = await step(t, 'two new leads reach Rohit', async () => {
    const a = await conVisit(salesToken, store.id, first, uniqueMobile());
    const b = await conVisit(salesToken, store.id, second, uniqueMobile());
    await conQueueRow(tele, first).waitFor({ timeout: 15_000 });
    await conQueueRow(tele, second).waitFor({ timeout: 15_000 });
    return { a: a.lead_id, b: b.lead_id };
  });
  await step(t, 'Rohit qualifies the first on a call and passes it to Kavya', async () => {
    await conQueueRow(tele, first)
      .getByRole('button', { name: `Open ${first}` })
      .click();
    await tele.getByRole('button', { name: `Call ${first}` }).click();
    await tele.getByRole('button', { name: 'Hang up' }).click();
    await chip(tele, 'How did the call go?', 'Connected').check();
    await chip(tele, 'Next step', 'Qualified').check();
    await tele.getByRole('button', { name: 'Save disposition' }).click();
    await expectToast(tele, 'Disposition saved');
    const card = tele.locator('.lead-card');
    await card.locator('.badge', { hasText: 'Qualified' }).waitFor();
    await card.getByRole('button', { name: 'Transfer to sales' }).click();
    const dialog = tele.getByRole('dialog', { name: 'Transfer to sales' });
    await dialog.getByLabel('Sales rep', { exact: true }).selectOption({ label: 'Kavya Iyer' });
    await dialog.getByLabel('Note for the sales rep (optional)').fill(`Bridal set for a February wedding; budget 4 lakh (${RUN}).`);
    await axe(t, tele, 'transfer to sales (desktop)');
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await expectToast(tele, 'Passed to Kavya Iyer');
    await card.getByText('Waiting for Kavya Iyer to answer.').waitFor();
  });
  await step(t, 'the second is qualified and passed on through the API', async () => {
    await conQualify(teleToken, leads.b);
    const rep = await api('/users?role=sales_rep&limit=100', { token: teleToken });
    const kavya = rep.json.items.find((u) => u.name === 'Kavya Iyer');
    check(kavya, 'Kavya Iyer is not a sales rep of the store');
    const tr = await api(`/leads/${leads.b}/transfer`, {
      method: 'POST',
      token: teleToken,
      body: { to_user: kavya.id, note: 'Anniversary gift' },
    });
    check(tr.status === 201, `transfer returned ${tr.status}: ${JSON.stringify(tr.json)}`);
  });
  await step(t, 'Rohit watches his transfers, live', async () => {
    await tele.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Transfers' }).click();
    await tele.getByRole('heading', { name: 'Transfers', level: 1 }).waitFor();
    const list = tele.getByRole('list', { name: 'Transfers: all' });
    await list.getByRole('listitem').filter({ hasText: first }).getByText('Waiting for an answer').waitFor();
    await list.getByRole('listitem').filter({ hasText: second }).getByText('Waiting for an answer').waitFor();
    await tele.evaluate(() => {
      window.__karatNoReload = true;
    });
  });
  await step(t, 'accessibility of transfers (telecaller)', () => axe(t, tele, 'transfers (telecaller)'));

  const sales = await open(t, { viewport: PHONE });
  await login(t, sales, DEMO.sales_rep);
  await step(t, 'Kavya opens Transfers from the bottom bar and sees both', async () => {
    await sales.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Transfers' }).click();
    await sales.getByRole('heading', { name: 'Transfers', level: 1 }).waitFor();
    const list = sales.getByRole('list', { name: 'Transfers: pending' });
    await list.getByRole('listitem').filter({ hasText: first }).waitFor();
    await list.getByRole('listitem').filter({ hasText: second }).waitFor();
    await list.getByText(`“Bridal set for a February wedding; budget 4 lakh (${RUN}).”`).waitFor();
    await waitLoaded(sales);
    await noSideScroll(sales, 'transfers (sales rep, phone)');
  });
  await step(t, 'accessibility of transfers (sales rep, phone)', () => axe(t, sales, 'transfers (sales rep, phone)'));
  await shot(sales, 'transfers-sales');
  const tomorrow = conDay(1);
  await step(t, 'Kavya accepts the first and books a visit tomorrow 17:00', async () => {
    await sales.getByRole('button', { name: `Accept ${first}` }).click();
    const dialog = sales.getByRole('dialog', { name: 'Accept this lead' });
    await dialog.getByRole('button', { name: 'Tomorrow 17:00' }).click();
    check(
      (await dialog.getByLabel('Visit at (optional)', { exact: true }).inputValue()) === `${tomorrow}T17:00`,
      'the quick pick did not fill the visit time',
    );
    await axe(t, sales, 'accept a transfer (phone)');
    await dialog.getByRole('button', { name: 'Accept and book the visit' }).click();
    await expectToast(sales, 'Lead accepted');
  });
  await step(t, 'Rohit sees the acceptance without a reload', async () => {
    const row = tele.getByRole('list', { name: 'Transfers: all' }).getByRole('listitem').filter({ hasText: first });
    await row.getByText('Kavya Iyer accepted and booked a visit.').waitFor({ timeout: 15_000 });
    await row.locator('.badge', { hasText: 'Accepted' }).waitFor();
  });
  await step(t, 'Kavya returns the second with a reason', async () => {
    await sales.getByRole('button', { name: `Return ${second}` }).click();
    const dialog = sales.getByRole('dialog', { name: 'Return this lead' });
    await dialog.getByRole('button', { name: 'Return the lead' }).click();
    await dialog.getByText('Say why you are returning it.').waitFor();
    await dialog.getByLabel('Reason').fill('Budget far below our range');
    await dialog.getByRole('button', { name: 'Return the lead' }).click();
    await expectToast(sales, 'Lead returned');
    await waitUntil(
      async () => (await sales.getByRole('list', { name: 'Transfers: pending' }).getByText(second).count()) === 0 || 'still pending',
      'the returned lead should leave Kavya’s pending list',
    );
  });
  await step(t, 'Rohit sees the return and its reason without a reload', async () => {
    const row = tele.getByRole('list', { name: 'Transfers: all' }).getByRole('listitem').filter({ hasText: second });
    await row.getByText('Kavya Iyer returned it: “Budget far below our range”').waitFor({ timeout: 15_000 });
    await row.locator('.badge', { hasText: 'Returned' }).waitFor();
    check(await tele.evaluate(() => window.__karatNoReload === true), 'the transfers page reloaded');
  });
  await shot(tele, 'transfers-telecaller');
});
// (end of telecalling console tests)

// ── Telecalling: wallboard, leads, settings, reports ──
/** The signed-in user of a token (id, store ids). */
async function boardMe(token) {
  const r = await api('/me', { token });
  check(r.status === 200, `GET /me returned ${r.status}`);
  return r.json.user;
}

/** A new customer with an open lead at `storeId`, entered by API. */
async function boardLead(token, storeId, label) {
  const c = await api('/customers', {
    method: 'POST',
    token,
    body: { name: `E2E ${label} ${RUN}`, phones: [`+91${uniqueMobile()}`], home_store_id: storeId },
  });
  check(c.status === 201, `POST /customers returned ${c.status}: ${JSON.stringify(c.json)}`);
  const l = await api('/leads', { method: 'POST', token, body: { customer_id: c.json.id, store_id: storeId, priority: 2, note: 'E2E' } });
  check(l.status === 201, `POST /leads returned ${l.status}: ${JSON.stringify(l.json)}`);
  return l.json;
}

/** A store's settings as a PUT body (times as HH:MM). */
async function boardSettings(token, storeId) {
  const r = await api(`/telecalling/settings/${storeId}`, { token });
  check(r.status === 200, `GET settings returned ${r.status}`);
  const body = { ...r.json };
  delete body.store_id;
  delete body.updated_at;
  return { ...body, calling_start: body.calling_start.slice(0, 5), calling_end: body.calling_end.slice(0, 5) };
}

async function boardPutSettings(token, storeId, body) {
  const r = await api(`/telecalling/settings/${storeId}`, { method: 'PUT', token, body });
  check(r.status === 200, `PUT settings returned ${r.status}: ${JSON.stringify(r.json)}`);
}

/** The telecaller is back at work: not on leave (their manager) and not on a break (themselves). */
async function boardAvailable(managerToken, teleToken, teleId) {
  const leave = await api(`/telecalling/agents/${teleId}`, { method: 'PUT', token: managerToken, body: { status: 'available' } });
  check(leave.status === 204, `PUT agents/{id} returned ${leave.status}: ${JSON.stringify(leave.json)}`);
  const own = await api('/telecalling/status', { method: 'PUT', token: teleToken, body: { status: 'available' } });
  check(own.status === 200, `PUT /telecalling/status returned ${own.status}: ${JSON.stringify(own.json)}`);
}

function agentTile(page, name) {
  return page
    .getByRole('list', { name: 'Telecallers' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name, level: 3 }) });
}

test('telecalling board: the manager’s wallboard shows a telecaller’s break live, on desktop and phone', async (t) => {
  const mgr = await apiLogin(DEMO.manager);
  const tele = await apiLogin(DEMO.telecaller);
  const teleId = (await boardMe(tele)).id;
  await step(t, 'the telecaller is at work (API)', () => boardAvailable(mgr, tele, teleId));
  // Entered while Rohit is offline, so it waits in the store's backlog.
  const waiting = await step(t, 'a lead waits unassigned (API)', async () => {
    const lead = await boardLead(mgr, (await boardMe(mgr)).store_ids[0], 'Waiting');
    check(!lead.assigned_to, `the lead went to ${lead.assignee_name} at once`);
    return lead;
  });
  const telePage = await open(t);
  await login(t, telePage, DEMO.telecaller);
  await step(t, 'the telecaller’s app is connected (online)', () => waitLive(telePage));
  await step(t, 'coming online hands Rohit the waiting lead (API)', () =>
    waitUntil(async () => {
      const r = await api(`/leads/${waiting.id}`, { token: mgr });
      return r.json.lead.assigned_to === teleId || `the lead is with ${r.json.lead.assignee_name ?? 'nobody'}`;
    }, 'the waiting lead should go to Rohit when he comes online'),
  );
  // A store on manual assignment keeps its new leads waiting for the manager.
  const storeId = (await boardMe(mgr)).store_ids[0];
  const saved = await boardSettings(mgr, storeId);
  await boardPutSettings(mgr, storeId, { ...saved, rule: 'manual' });
  const held = await step(t, 'on manual assignment, a new lead waits (API)', async () => {
    const lead = await boardLead(mgr, storeId, 'Held');
    check(!lead.assigned_to, `the lead went to ${lead.assignee_name} at once`);
    return lead;
  });

  const page = await open(t);
  await login(t, page, DEMO.manager);
  const tile = agentTile(page, 'Rohit Sharma');
  await step(t, 'open the wallboard from the navigation: Rohit is available', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Wallboard' }).click();
    await page.getByRole('heading', { name: 'Wallboard', level: 1 }).waitFor();
    await waitLive(page);
    await tile.locator('.tc-status', { hasText: 'Available' }).waitFor();
    await page.getByRole('list', { name: 'Store queues' }).getByRole('heading', { name: 'MG Road Showroom' }).waitFor();
    await page.getByText('Telecallers on duty').waitFor();
  });
  await step(t, 'assign the waiting lead from the store tile to Rohit', async () => {
    await page.getByRole('button', { name: 'Assign waiting leads at MG Road Showroom' }).click();
    const dialog = page.getByRole('dialog', { name: 'Waiting leads at MG Road Showroom' });
    await dialog.getByLabel(`Select the lead for ${held.customer_name}`).check();
    await dialog.getByRole('radio', { name: /^Rohit Sharma/ }).check();
    await axe(t, page, 'wallboard assign dialog (desktop)');
    await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
    await dialog.getByText('1 lead assigned to Rohit Sharma.').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
  });
  await boardPutSettings(mgr, storeId, saved);
  await step(t, 'give it back to the rule from Rohit’s tile: nobody else is online, so it stays', async () => {
    await tile.getByRole('button', { name: 'Reassign leads of Rohit Sharma' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rohit Sharma’s open leads' });
    await dialog.getByLabel(`Select the lead for ${waiting.customer_name}`).check();
    check(!(await dialog.getByRole('radio', { name: /^Rohit Sharma/ }).count()), 'Rohit is offered his own leads');
    await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
    await dialog.getByText('1 lead was not assigned').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    const r = await api(`/leads/${waiting.id}`, { token: mgr });
    check(r.json.lead.assigned_to === teleId, `the lead is with ${r.json.lead.assignee_name}`);
  });
  await step(t, 'the telecaller takes a break (API): the tile says so without a reload, and the clock ticks', async () => {
    await page.evaluate(() => {
      window.__e2eSamePage = true;
    });
    const r = await api('/telecalling/status', { method: 'PUT', token: tele, body: { status: 'break' } });
    check(r.status === 200, `PUT /telecalling/status returned ${r.status}: ${JSON.stringify(r.json)}`);
    await tile.locator('.tc-status', { hasText: 'On break' }).waitFor({ timeout: 10_000 });
    check(await page.evaluate(() => window.__e2eSamePage === true), 'the page reloaded');
    const clock = tile.locator('.tc-clock');
    const first = await clock.textContent();
    await waitUntil(async () => (await clock.textContent()) !== first || `still ${first}`, 'the time on break should tick', 4000);
    await page.getByRole('status').filter({ hasText: 'Rohit Sharma is now on break' }).waitFor({ state: 'attached' });
  });
  await step(t, 'accessibility of the wallboard (desktop)', () => axe(t, page, 'wallboard (desktop)'));
  await shots(page, 'wallboard');
  await step(t, 'on a phone: no sideways scrolling, accessible', async () => {
    await page.setViewportSize(PHONE);
    await tile.scrollIntoViewIfNeeded();
    await noSideScroll(page, 'wallboard (phone)');
    await axe(t, page, 'wallboard (phone)');
  });
  await step(t, 'put Rohit on leave from his tile, then back', async () => {
    await tile.getByRole('button', { name: 'Put on leave Rohit Sharma' }).click();
    await expectToast(page, 'Rohit Sharma is on leave');
    await tile.locator('.tc-status', { hasText: 'On leave' }).waitFor();
    const mine = await api('/telecalling/status', { method: 'PUT', token: tele, body: { status: 'available' } });
    check(mine.status === 409, `a telecaller on leave set themselves available (${mine.status})`);
    await tile.getByRole('button', { name: 'Back from leave Rohit Sharma' }).click();
    await expectToast(page, 'Rohit Sharma is back');
    await tile.locator('.tc-status', { hasText: 'Available' }).waitFor();
  });
  await step(t, 'set Rohit’s languages', async () => {
    // From the keyboard (a toast may cover the button on a phone).
    await tile.getByRole('button', { name: 'Languages of Rohit Sharma' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Languages of Rohit Sharma' });
    await dialog.getByLabel('Languages').fill('x');
    await dialog.getByRole('button', { name: 'Save languages' }).click();
    await dialog.getByText('is not a language').waitFor();
    await dialog.getByLabel('Languages').fill('kn, en, hi');
    await axe(t, page, 'wallboard languages dialog (phone)');
    await dialog.getByRole('button', { name: 'Save languages' }).click();
    await expectToast(page, 'Languages saved for Rohit Sharma');
  });
});

test('telecalling board: a manager assigns two leads at once from the leads list on a phone', async (t) => {
  const mgr = await apiLogin(DEMO.manager);
  const store = (await boardMe(mgr)).store_ids[0];
  const teleId = (await boardMe(await apiLogin(DEMO.telecaller))).id;
  const a = await step(t, 'two new leads (API)', () => boardLead(mgr, store, 'Bulk A'));
  const b = await boardLead(mgr, store, 'Bulk B');
  const page = await open(t, { viewport: PHONE });
  await login(t, page, DEMO.manager);
  await step(t, 'open Leads: both are listed', async () => {
    await page.goto('/leads');
    await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Leads' }).getByRole('link', { name: a.customer_name }).waitFor();
    await page.getByRole('list', { name: 'Leads' }).getByRole('link', { name: b.customer_name }).waitFor();
    await noSideScroll(page, 'leads (phone)');
  });
  await step(t, 'accessibility of the lead list (phone)', () => axe(t, page, 'leads (phone)'));
  await step(t, 'select both and assign them to Rohit Sharma', async () => {
    await page.getByLabel(`Select the lead for ${a.customer_name}`).check();
    await page.getByLabel(`Select the lead for ${b.customer_name}`).check();
    const bar = page.getByRole('region', { name: 'Selected leads' });
    await bar.getByText('2 leads selected').waitFor();
    await shot(page, 'leads-selected');
    await bar.getByRole('button', { name: 'Assign…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign 2 leads' });
    await dialog.getByRole('radio', { name: /^Rohit Sharma/ }).check();
    await axe(t, page, 'assign dialog (phone)');
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/leads/assign') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Assign 2 leads' }).click();
    const res = await posted;
    check(res.status() === 200, `POST /leads/assign returned ${res.status()}`);
    const sent = res.request().postDataJSON();
    check(sent.user_id === teleId && sent.lead_ids.length === 2, `sent ${JSON.stringify(sent)}`);
    await dialog.getByText('2 leads assigned to Rohit Sharma.').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
  });
  await step(t, 'the list and the API show Rohit holding both', async () => {
    const list = page.getByRole('list', { name: 'Leads' });
    for (const l of [a, b]) {
      await list.getByRole('listitem').filter({ hasText: l.customer_name }).getByText('With Rohit Sharma').waitFor();
      const r = await api(`/leads/${l.id}`, { token: mgr });
      check(r.json.lead.assigned_to === teleId, `${l.customer_name} is with ${r.json.lead.assignee_name}`);
    }
    check(!(await page.getByRole('region', { name: 'Selected leads' }).count()), 'the selection was not cleared');
  });
  await step(t, 'the lead page shows who assigned it, and closing needs a reason', async () => {
    await page.getByRole('list', { name: 'Leads' }).getByRole('link', { name: a.customer_name }).click();
    await page.getByRole('heading', { name: a.customer_name, level: 1 }).waitFor();
    const history = page.getByRole('list', { name: 'History, oldest first' });
    await history.getByText('Assigned to Rohit Sharma').waitFor();
    await history.getByText('Arjun Mehta').first().waitFor();
    await page.getByLabel('New state').selectOption('lost');
    await page.getByRole('button', { name: 'Close lead' }).click();
    await page.getByText('Say why the lead is closed.').waitFor();
    await page.getByLabel('Reason', { exact: true }).fill('Bought elsewhere (E2E)');
    await page.getByRole('button', { name: 'Close lead' }).click();
    await expectToast(page, 'State changed');
    await page.locator('.page-header').getByText('Lost').waitFor();
    await history.getByText('Bought elsewhere (E2E)').waitFor();
    await noSideScroll(page, 'lead (phone)');
    await axe(t, page, 'lead (phone)');
  });
  const newLead = async (customer) => {
    await page.goto('/leads');
    await page.getByRole('button', { name: 'New lead' }).click();
    const dialog = page.getByRole('dialog', { name: 'New lead' });
    await dialog.getByLabel('Customer').fill(customer);
    await dialog.getByRole('button', { name: `Choose ${customer}` }).click();
    await chip(dialog, 'Priority', 'High').check();
    await dialog.getByLabel('Note (optional)').fill('Called about a bridal set (E2E)');
    await dialog.getByRole('button', { name: 'Create lead' }).click();
    return dialog;
  };
  await step(t, 'new lead for a customer who has an open one: a link to it', async () => {
    const dialog = await newLead(b.customer_name);
    await dialog.getByText('This customer already has an open lead.').waitFor();
    await axe(t, page, 'new lead dialog with a duplicate (phone)');
    await dialog.getByRole('link', { name: 'Open the existing lead' }).click();
    await page.getByRole('heading', { name: b.customer_name, level: 1 }).waitFor();
    check(page.url().endsWith(`/leads/${b.id}`), `the link went to ${page.url()}`);
  });
  await step(t, 'new lead for the customer whose lead was closed', async () => {
    await newLead(a.customer_name);
    await expectToast(page, 'Lead created');
    await page.getByRole('heading', { name: a.customer_name, level: 1 }).waitFor();
    check(!page.url().endsWith(`/leads/${a.id}`), 'the new lead opened the closed one');
    await page.getByText('Called about a bridal set (E2E)').waitFor();
  });
});

test('telecalling board: settings save, and thresholds in the wrong order are pointed out', async (t) => {
  const mgr = await apiLogin(DEMO.manager);
  const store = (await boardMe(mgr)).store_ids[0];
  const before = await boardSettings(mgr, store);
  const page = await open(t);
  try {
    await login(t, page, DEMO.manager);
    const sla = before.sla_minutes === 25 ? 26 : 25;
    await step(t, 'open the settings from the wallboard', async () => {
      await page.goto('/wallboard');
      await page.getByRole('navigation', { name: 'Telecalling' }).getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Telecalling settings', level: 1 }).waitFor();
      await page.getByLabel('Call new leads within (minutes)').waitFor();
    });
    await step(t, 'accessibility of the settings', () => axe(t, page, 'telecalling settings (desktop)'));
    await shots(page, 'telecalling-settings');
    await step(t, `change the SLA to ${sla} minutes and save`, async () => {
      await page.getByLabel('Call new leads within (minutes)').fill(String(sla));
      await page.getByRole('button', { name: 'Save settings' }).click();
      await expectToast(page, 'Settings saved');
      const now = await boardSettings(mgr, store);
      check(now.sla_minutes === sla, `the SLA is ${now.sla_minutes}`);
    });
    await step(t, 'queue amber past red: the server’s message shows at the field', async () => {
      const queue = page.getByRole('group', { name: 'Queue depth' });
      await queue.getByLabel('Amber at (leads)').fill(String(before.thresholds.queue_red + 10));
      await page.getByRole('button', { name: 'Save settings' }).click();
      const red = queue.getByLabel('Red at (leads)');
      await queue.getByText('amber must come before red').waitFor();
      check((await red.getAttribute('aria-invalid')) === 'true', 'the red field is not marked invalid');
      await page.getByRole('alert').filter({ hasText: 'Queue depth, red' }).waitFor();
      await axe(t, page, 'telecalling settings with an error (desktop)');
    });
    await step(t, 'a number that is not whole is caught before sending', async () => {
      await page.getByLabel('Open leads per telecaller (leads)').fill('ten');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Enter a whole number.').waitFor();
    });
  } finally {
    await boardPutSettings(mgr, store, before);
  }
});

test('telecalling board: a web form turns a website enquiry into a lead', async (t) => {
  const page = await open(t);
  await login(t, page, DEMO.manager);
  const formName = `E2E Website ${RUN}`;
  const person = `E2E Web Enquiry ${RUN}`;
  const bot = `E2E Web Bot ${RUN}`;
  const url = await step(t, 'create a web form: its address and HTML are shown', async () => {
    await page.goto('/telecalling/settings');
    await page.getByLabel('New form’s name').fill(formName);
    await page.getByRole('button', { name: 'Create web form' }).click();
    await expectToast(page, 'Web form created');
    const item = page.getByRole('list', { name: 'Web forms' }).getByRole('listitem').filter({ hasText: formName });
    const address = (await item.locator('code').textContent()).trim();
    check(address.startsWith(`${BASE}/api/v1/public/lead-forms/`), `the address is ${address}`);
    await item.getByText('Show the HTML for your website').click();
    const html = await item.getByLabel(`HTML form for ${formName}`).inputValue();
    for (const field of ['name="name"', 'name="phone"', 'name="email"', 'name="message"', 'name="website"', address]) {
      check(html.includes(field), `the HTML lacks ${field}`);
    }
    await axe(t, page, 'telecalling settings with a web form (desktop)');
    return address;
  });
  await step(t, 'a website posts an enquiry with fetch (and a bot fills the honeypot)', async () => {
    const post = (body) =>
      page.evaluate(
        async ({ url, body }) => {
          const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
          return r.status;
        },
        { url, body },
      );
    const ok = await post({ name: person, phone: uniqueMobile(), email: null, message: 'Bridal set enquiry', website: '' });
    check(ok === 202, `the enquiry returned ${ok}`);
    const trap = await post({ name: bot, phone: uniqueMobile(), message: 'spam', website: 'http://spam.example' });
    check(trap === 202, `the bot's enquiry returned ${trap}`);
  });
  await step(t, 'the enquiry is a lead from the web form (the bot’s is not)', async () => {
    await page.goto('/leads');
    const row = page.getByRole('list', { name: 'Leads' }).getByRole('listitem').filter({ hasText: person });
    await row.waitFor();
    await row.getByText('Web form').waitFor();
    check(!(await page.getByText(bot).count()), 'the honeypot enquiry became a lead');
  });
  await step(t, 'switch the form off: its address refuses enquiries', async () => {
    await page.goto('/telecalling/settings');
    const item = page.getByRole('list', { name: 'Web forms' }).getByRole('listitem').filter({ hasText: formName });
    await item.getByRole('button', { name: `Switch off ${formName}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Switch off' }).click();
    await expectToast(page, 'Web form switched off');
    await item.getByText('Switched off').waitFor();
    const status = await page.evaluate(async (url) => {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Late', phone: '9000000000' }),
      });
      return r.status;
    }, url);
    check(status === 404, `a switched-off form returned ${status}`);
  });
});

test('telecalling board: reports show calls per telecaller and per store, and download as CSV', async (t) => {
  const mgr = await apiLogin(DEMO.manager);
  const tele = await apiLogin(DEMO.telecaller);
  const teleId = (await boardMe(tele)).id;
  const store = (await boardMe(mgr)).store_ids[0];
  const before = await boardSettings(mgr, store);
  try {
    await step(t, 'Rohit makes a connected call with a positive sentiment (API, calling hours opened for the test)', async () => {
      await boardPutSettings(mgr, store, { ...before, calling_start: '00:00', calling_end: '23:59' });
      // A call left open by an earlier test would block this one: save it first.
      const cons = await api('/telecalling/console', { token: tele });
      if (cons.json?.open_call) {
        await api(`/calls/${cons.json.open_call.id}/disposition`, { method: 'POST', token: tele, body: { disposition: 'no_answer' } });
      }
      await boardAvailable(mgr, tele, teleId);
      const lead = await boardLead(mgr, store, 'Report Call');
      const given = await api('/leads/assign', { method: 'POST', token: mgr, body: { lead_ids: [lead.id], user_id: teleId } });
      check(given.status === 200, `assign returned ${given.status}: ${JSON.stringify(given.json)}`);
      const started = await api(`/leads/${lead.id}/calls`, { method: 'POST', token: tele });
      check(started.status === 201, `start call returned ${started.status}: ${JSON.stringify(started.json)}`);
      const call = started.json.call.id;
      const ended = await api(`/calls/${call}/end`, { method: 'POST', token: tele });
      check(ended.status === 200, `end call returned ${ended.status}`);
      const saved = await api(`/calls/${call}/disposition`, {
        method: 'POST',
        token: tele,
        body: { disposition: 'connected', duration_seconds: 95, sentiment: 'positive', next_step: 'none', notes: 'E2E report call' },
      });
      check(saved.status === 200, `disposition returned ${saved.status}: ${JSON.stringify(saved.json)}`);
    });
  } finally {
    await boardPutSettings(mgr, store, before);
  }
  const page = await open(t);
  await login(t, page, DEMO.manager);
  await step(t, 'open the reports: Rohit’s row counts the call', async () => {
    await page.goto('/telecalling/reports');
    await page.getByRole('heading', { name: 'Telecalling reports', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: /Calls by telecaller/ });
    const row = table.getByRole('row', { name: /Rohit Sharma/ });
    await row.waitFor();
    const calls = Number((await row.getByRole('cell').first().textContent()).replace(/,/g, ''));
    check(calls >= 1, `Rohit's calls: ${calls}`);
    await row.getByText(/\d+ positive/).waitFor();
    await row.locator('.sentiment-bar').waitFor();
  });
  await step(t, 'accessibility of the report (desktop)', () => axe(t, page, 'telecalling reports (desktop)'));
  await shots(page, 'telecalling-reports');
  await step(t, 'by store', async () => {
    await chip(page, 'Rows', 'By store').check();
    await page.getByRole('button', { name: 'Show' }).click();
    await page
      .getByRole('table', { name: /Calls by store/ })
      .getByRole('row', { name: /MG Road Showroom/ })
      .waitFor();
  });
  await step(t, 'download the CSV with the sign-in token', async () => {
    const fetched = page.waitForResponse((r) => r.url().includes('/api/v1/telecalling/reports?') && r.url().includes('format=csv'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const res = await fetched;
    check(res.status() === 200, `the download returned ${res.status()}`);
    check(/^Bearer /.test(res.request().headers().authorization ?? ''), 'the download was not sent with the token');
    check(download.suggestedFilename().endsWith('.csv'), `the file is called ${download.suggestedFilename()}`);
    const text = await readFile(await download.path(), 'utf8');
    check(text.startsWith('id,name,calls,connects,talk_seconds'), `the CSV starts "${text.slice(0, 50)}"`);
    check(text.includes('MG Road Showroom'), 'the store is not in the CSV');
    await expectToast(page, 'Report downloaded');
  });
  await step(t, 'on a phone the report scrolls inside its box, not the page', async () => {
    await page.setViewportSize(PHONE);
    await noSideScroll(page, 'telecalling reports (phone)');
    await axe(t, page, 'telecalling reports (phone)');
  });
});

// (end of telecalling board tests)

// ── Support tickets: a business raises a ticket, Karat support answers ──
// Helpers are prefixed `tix`.

/** A 1×1 PNG (a real image: the server checks the bytes against the type). */
const TIX_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** The ticket's status badge in the page header. */
async function tixStatus(page, label, timeout = 15_000) {
  await page.locator('.page-header .badge', { hasText: new RegExp(`^${label}$`) }).waitFor({ timeout });
}

/** Moves the ticket with one of the header's status buttons (and an optional note). */
async function tixMove(page, button, note) {
  await page.locator('.page-actions').getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: new RegExp(`^${button}: ST-`) });
  if (note) await dialog.getByLabel('Note (optional)').fill(note);
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('tickets: a business admin raises a ticket with files, support answers with a template and an internal note, live', async (t) => {
  const subject = `Import stops at row 120 ${RUN}`;
  const body = `The customer import stops at row 120 with no message (${RUN}).`;
  const note = `Internal: the import worker ran out of memory ${RUN}`;
  const templateTitle = `Import fixed ${RUN}`;
  const templateBody = `Thank you for the report. The import runs again; please try once more (${RUN}).`;
  const reopenNote = `Still stops at row 120 ${RUN}`;
  const resolveNote = `Worker memory raised ${RUN}`;

  // Context 1: the business admin.
  const owner = await open(t);
  await login(t, owner, DEMO.business_admin);
  await step(t, 'the business admin opens Support from the navigation', async () => {
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support' }).click();
    await owner.getByRole('heading', { name: 'Support', level: 1 }).waitFor();
    await waitLoaded(owner);
  });
  await step(t, 'accessibility of the ticket list (desktop)', () => axe(t, owner, 'tickets list (desktop)'));
  await step(t, 'the list on a phone: no sideways scroll, and Support is in the account menu', async () => {
    await owner.setViewportSize(PHONE);
    await noSideScroll(owner, 'tickets list (phone)');
    await axe(t, owner, 'tickets list (phone)');
    await openAccountMenu(owner);
    await owner.getByRole('link', { name: 'Help and support' }).waitFor();
    await owner.keyboard.press('Escape');
    await owner.setViewportSize(DESKTOP);
  });
  await step(t, 'the new-ticket form points out what is missing', async () => {
    await owner.getByRole('link', { name: 'New ticket' }).click();
    await owner.getByRole('heading', { name: 'New support ticket', level: 1 }).waitFor();
    await owner.getByRole('button', { name: 'Send to Karat support' }).click();
    const subjectField = owner.getByLabel('Subject');
    check((await subjectField.getAttribute('aria-invalid')) === 'true', 'the empty subject is not marked invalid');
    await owner.getByText('Say in a few words what it is about.').waitFor();
    await owner.getByText('Choose what it is about.').waitFor();
    await owner.getByText('Describe what happened, and what you expected.').waitFor();
    check(
      await owner.evaluate(() => document.activeElement?.getAttribute('name') === 'subject'),
      'focus did not move to the first field that needs attention',
    );
  });
  await step(t, 'accessibility of the new-ticket form with errors (desktop and phone)', async () => {
    await axe(t, owner, 'new ticket with errors (desktop)');
    await owner.setViewportSize(PHONE);
    await noSideScroll(owner, 'new ticket (phone)');
    await axe(t, owner, 'new ticket with errors (phone)');
    await shot(owner, 'ticket-new');
    await owner.setViewportSize(DESKTOP);
  });
  await step(t, 'fill it in, attach a text file and a screenshot (each uploads at once)', async () => {
    await owner.getByLabel('Subject').fill(subject);
    await owner.getByLabel('What is it about?').selectOption({ label: 'Data (customers, imports)' });
    await chip(owner, 'How urgent is it?', 'High').check();
    await owner.getByText('Staff are held up; within 8 hours.').waitFor();
    await owner.getByLabel('What happened?').fill(body);
    await owner.locator('input[type="file"]').setInputFiles([
      { name: 'import-error.txt', mimeType: 'text/plain', buffer: Buffer.from(`row 120: stopped ${RUN}\n`) },
      { name: 'screen.png', mimeType: 'image/png', buffer: TIX_PNG },
    ]);
    const files = owner.getByRole('list', { name: 'Attached files' });
    await files.getByText('import-error.txt').waitFor();
    await files.getByText('screen.png').waitFor();
    await waitUntil(async () => (await files.getByText('Uploading…').count()) === 0, 'the files did not finish uploading');
    await shots(owner, 'ticket-new-filled');
  });
  const ticketUrl = await step(t, 'send it: the ticket opens with its number, the message and the files', async () => {
    await owner.getByRole('button', { name: 'Send to Karat support' }).click();
    await owner.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    await expectToast(owner, 'raised');
    await owner.getByRole('heading', { name: subject, level: 1 }).waitFor();
    await tixStatus(owner, 'Open');
    await owner.locator('.page-header .badge', { hasText: 'High priority' }).waitFor();
    await owner
      .locator('.page-header')
      .getByText(/Due \d/)
      .first()
      .waitFor();
    await owner.locator('.page-header').getByText('Not assigned yet').waitFor();
    const log = owner.getByRole('log', { name: 'Messages, oldest first' });
    await log.getByText(body).waitFor();
    await log.getByRole('button', { name: 'Download import-error.txt' }).waitFor();
    await log.getByRole('button', { name: /View screen\.png/ }).waitFor();
    return owner.url();
  });
  const number = await step(t, 'read the ticket number', async () => {
    const n = (await owner.locator('.page-header .code').first().textContent())?.trim() ?? '';
    check(/^ST-\d{8}-\d{4,}$/.test(n), `the number is "${n}"`);
    return n;
  });
  await step(t, 'the text file downloads with the sign-in token', async () => {
    const [download] = await Promise.all([
      owner.waitForEvent('download'),
      owner.getByRole('button', { name: 'Download import-error.txt' }).click(),
    ]);
    const text = await readFile(await download.path(), 'utf8');
    check(text.includes(`row 120: stopped ${RUN}`), `the downloaded file says "${text}"`);
  });
  await step(t, 'accessibility of the ticket (desktop and phone)', async () => {
    await axe(t, owner, 'ticket detail (desktop)');
    await owner.setViewportSize(PHONE);
    await noSideScroll(owner, 'ticket detail (phone)');
    await axe(t, owner, 'ticket detail (phone)');
    await shot(owner, 'ticket-business');
    await owner.setViewportSize(DESKTOP);
  });
  await step(t, 'the business admin keeps the ticket open, live', async () => {
    await waitLive(owner);
    await owner.evaluate(() => {
      window.__karatNoReload = true;
    });
  });

  // Context 2: Karat support.
  const support = await open(t);
  await login(t, support, DEMO.platform_admin);
  await step(t, 'support adds a response template', async () => {
    await support.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
    await support.getByRole('heading', { name: 'Support tickets', level: 1 }).waitFor();
    await support.getByRole('link', { name: 'Response templates' }).click();
    await support.getByRole('heading', { name: 'Response templates', level: 1 }).waitFor();
    await support.getByLabel('Title').fill(templateTitle);
    await support.getByLabel('Answer').fill(templateBody);
    await support.getByRole('button', { name: 'Add template' }).click();
    await expectToast(support, 'Template added');
    await support
      .getByRole('list', { name: 'Response templates' })
      .getByRole('button', { name: `Delete ${templateTitle}` })
      .waitFor();
    await axe(t, support, 'response templates (desktop)');
  });
  await step(t, 'support finds the ticket by its number', async () => {
    await support.goto('/tickets');
    await waitLoaded(support);
    const filters = support.getByRole('search', { name: 'Filter tickets' });
    await filters.getByLabel('Search').fill(number);
    await filters.getByLabel('Business').selectOption({ label: 'Lakshmi Jewellers' });
    await filters.getByRole('button', { name: 'Apply' }).click();
    const row = support.getByRole('list', { name: 'Tickets' }).getByRole('listitem').filter({ hasText: number });
    await row.waitFor();
    await row.getByText('Lakshmi Jewellers').waitFor();
    await row.getByText('not assigned').waitFor();
    check(
      (await support.getByRole('list', { name: 'Tickets' }).getByRole('listitem').count()) === 1,
      'the search found more than one ticket',
    );
  });
  await step(t, 'accessibility of support’s ticket list (desktop and phone)', async () => {
    await axe(t, support, 'support tickets list (desktop)');
    await support.setViewportSize(PHONE);
    await noSideScroll(support, 'support tickets list (phone)');
    await axe(t, support, 'support tickets list (phone)');
    await shot(support, 'tickets-support');
    await support.setViewportSize(DESKTOP);
  });
  await step(t, 'support opens the ticket and sees the business’s files', async () => {
    await support.getByRole('link', { name: new RegExp(number) }).click();
    await support.waitForURL(ticketUrl);
    await support.getByRole('heading', { name: subject, level: 1 }).waitFor();
    const log = support.getByRole('log', { name: 'Messages, oldest first' });
    await log.getByText(body).waitFor();
    await log.getByRole('button', { name: 'Download import-error.txt' }).waitFor();
  });
  await step(t, 'support assigns the ticket to themselves', async () => {
    await support.getByRole('button', { name: 'Assign to me' }).click();
    await expectToast(support, 'Assigned to Karat Support');
    await support.locator('.page-header').getByText('Karat Support').waitFor();
  });
  await step(t, 'support adds an internal note, clearly marked', async () => {
    await support.getByRole('checkbox', { name: 'Write an internal note' }).check();
    await support.getByLabel('Internal note', { exact: true }).fill(note);
    await support.getByRole('button', { name: 'Add internal note' }).click();
    const item = support.getByRole('log', { name: 'Messages, oldest first' }).getByRole('listitem').filter({ hasText: note });
    await item.waitFor();
    await item.getByText('Internal note — not visible to the customer').waitFor();
    await support.getByRole('checkbox', { name: 'Write an internal note' }).uncheck();
  });
  await step(t, 'support replies with the template', async () => {
    await support.getByLabel('Insert template').selectOption({ label: templateTitle });
    await support.getByRole('button', { name: 'Insert', exact: true }).click();
    const box = support.getByLabel('Reply to Lakshmi Jewellers');
    check((await box.inputValue()) === templateBody, `the reply box holds "${await box.inputValue()}"`);
    check(await box.evaluate((el) => el === document.activeElement), 'focus did not return to the reply box');
    await box.fill(`Hello Priya,\n\n${templateBody}`);
    await support.getByRole('button', { name: 'Send reply' }).click();
    await support.getByRole('log', { name: 'Messages, oldest first' }).getByText(templateBody).waitFor();
    // The reply can arrive over the socket before the send's own answer empties the box.
    await waitUntil(async () => (await box.inputValue()) === '' || 'still holds the reply', 'the reply box was not emptied');
  });
  await step(t, 'support starts work: In progress', async () => {
    await tixMove(support, 'Start work');
    await tixStatus(support, 'In progress');
    await support
      .getByRole('log', { name: 'Messages, oldest first' })
      .getByText(/changed the status from open to in progress/)
      .waitFor();
  });
  await step(t, 'accessibility of support’s view of the ticket (desktop and phone)', async () => {
    await axe(t, support, 'support ticket detail (desktop)');
    await support.setViewportSize(PHONE);
    await noSideScroll(support, 'support ticket detail (phone)');
    await axe(t, support, 'support ticket detail (phone)');
    await shots(support, 'ticket-support');
    await support.setViewportSize(DESKTOP);
  });

  await step(t, 'the reply, the assignee and In progress appear on the business admin’s open ticket without a reload', async () => {
    const log = owner.getByRole('log', { name: 'Messages, oldest first' });
    await log.getByText(templateBody).waitFor({ timeout: 8_000 });
    await tixStatus(owner, 'In progress', 8_000);
    await owner.locator('.page-header').getByText('Karat Support').waitFor({ timeout: 8_000 });
    check(await owner.evaluate(() => window.__karatNoReload === true), 'the page was reloaded');
  });
  await step(t, 'the internal note never reaches the business', async () => {
    check((await owner.getByText(note).count()) === 0, 'the internal note is on the business admin’s page');
    check((await owner.getByText(/Internal note/).count()) === 0, 'an internal-note label is on the business admin’s page');
    const api_ = await apiLogin(DEMO.business_admin);
    const id = ticketUrl.split('/').pop();
    const d = await api(`/tickets/${id}`, { token: api_ });
    check(d.status === 200 && !JSON.stringify(d.json).includes(note), 'the API gave the business the internal note');
    // While support works on it, the business has no status buttons.
    check((await owner.locator('.page-actions').getByRole('button').count()) === 0, 'the business is offered a status change');
  });
  await step(t, 'support resolves it with a note', async () => {
    await tixMove(support, 'Resolve', resolveNote);
    await tixStatus(support, 'Resolved');
  });
  await step(t, 'the business sees Resolved live, with Close and Reopen; it reopens', async () => {
    await tixStatus(owner, 'Resolved', 8_000);
    await owner.getByRole('log', { name: 'Messages, oldest first' }).getByText(new RegExp(resolveNote)).waitFor();
    await owner.locator('.page-actions').getByRole('button', { name: 'Close ticket' }).waitFor();
    await tixMove(owner, 'Reopen', reopenNote);
    await tixStatus(owner, 'Open');
    await owner.getByRole('log', { name: 'Messages, oldest first' }).getByText(new RegExp(reopenNote)).waitFor();
    check(await owner.evaluate(() => window.__karatNoReload === true), 'the page was reloaded');
  });
  await step(t, 'support’s open ticket hears of it live (a platform notice, well before any 10-second refresh): Open again', async () => {
    await tixStatus(support, 'Open', 5_000);
    await support.getByRole('log', { name: 'Messages, oldest first' }).getByText(new RegExp(reopenNote)).waitFor();
  });
  await step(t, 'support resolves again; the business closes it and can no longer reply', async () => {
    await tixMove(support, 'Resolve');
    await tixStatus(support, 'Resolved');
    await tixStatus(owner, 'Resolved', 8_000);
    await tixMove(owner, 'Close ticket');
    await tixStatus(owner, 'Closed');
    await owner.getByText(/This ticket is closed\. To write again, reopen it/).waitFor();
    check((await owner.getByRole('button', { name: 'Send reply' }).count()) === 0, 'a closed ticket still offers a reply');
    await owner.locator('.page-actions').getByRole('button', { name: 'Reopen' }).waitFor();
    await axe(t, owner, 'closed ticket (desktop)');
  });
  await step(t, 'the business’s list shows it closed; the breached filter leaves it out', async () => {
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support' }).click();
    const row = owner.getByRole('list', { name: 'Tickets' }).getByRole('listitem').filter({ hasText: number });
    await row.getByText('Closed', { exact: true }).waitFor();
    const filters = owner.getByRole('search', { name: 'Filter tickets' });
    await filters.getByLabel('Past SLA only').check();
    await filters.getByRole('button', { name: 'Apply' }).click();
    await owner.waitForURL(/breached=1/);
    await waitUntil(
      async () => (await owner.getByRole('listitem').filter({ hasText: number }).count()) === 0,
      'the ticket is listed as past its SLA',
    );
  });
  await step(t, 'support deletes the template', async () => {
    await support.goto('/tickets/templates');
    await support.getByRole('button', { name: `Delete ${templateTitle}` }).click();
    await support.getByRole('dialog').getByRole('button', { name: 'Delete template' }).click();
    await expectToast(support, 'Template deleted');
    await support.getByRole('button', { name: `Delete ${templateTitle}` }).waitFor({ state: 'detached' });
  });
});

// (end of support ticket tests)

// ── Team chat: colleagues talk live in channels, threads and direct messages ──
// Helpers are prefixed `chat`.

/** Opens Chat from the main navigation and waits for the channel list. */
async function chatOpen(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Chat/ }).click();
  await page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor();
  await page.getByRole('navigation', { name: 'Channels' }).waitFor();
}

/** The open conversation's pane. */
const chatPane = (page) => page.locator('.chat-conversation');
/** A message in a pane, by its text. */
const chatMsg = (scope, text) => scope.locator('.chat-msg', { hasText: text });
/** The composer's text box of the open conversation. */
const chatBox = (page) => chatPane(page).locator('textarea.chat-input');

/** A channel's link in the list (its name is the channel's name, then what it is and the unread count). */
const chatLink = (page, name) =>
  page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: new RegExp(`^${name}( |$)`) });

/** Waits until the channel's link in the list says `n` unread (0: says none). */
async function chatUnread(page, name, n) {
  const expected = n === 0 ? new RegExp(`^${name}$`) : new RegExp(`^${name} \\(${n} unread\\)$`);
  try {
    await page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: expected }).waitFor({ timeout: 15_000 });
  } catch {
    const names = await page
      .getByRole('navigation', { name: 'Channels' })
      .getByRole('link')
      .evaluateAll((ls) => ls.map((l) => l.textContent));
    fail(`${name} should show ${n} unread; the list has ${JSON.stringify(names)}`);
  }
}

test('chat: two colleagues talk live in a new channel — typing, a mention, a thread, a picture, unread counts and search, on desktop and phone', async (t) => {
  const channel = `floor-${RUN.toLowerCase()}`;
  const hello = `Hello floor team ${RUN}`;
  const answer = `Stock count is done ${RUN}`;
  const reply = `Thanks, checking the vault ${RUN}`;
  const photoNote = `New bangle design ${RUN}`;
  const later = `One more thing ${RUN}`;

  const owner = await open(t);
  await login(t, owner, DEMO.business_admin);
  const manager = await open(t);
  await login(t, manager, DEMO.manager);
  await step(t, 'both are live', async () => {
    await waitLive(owner);
    await waitLive(manager);
  });

  await step(t, 'both open Chat from the navigation; the store channel is there', async () => {
    for (const page of [owner, manager]) {
      await chatOpen(page);
      await page.getByRole('link', { name: /^MG Road Showroom \(store channel\)/ }).waitFor();
    }
    await axe(t, owner, 'chat list (desktop)');
  });

  await step(t, 'the owner creates a public channel with the manager in it', async () => {
    await owner.getByRole('button', { name: 'New channel', exact: true }).first().click();
    const dialog = owner.getByRole('dialog', { name: 'New channel' });
    await dialog.getByLabel('Name', { exact: true }).fill(channel);
    await dialog.getByLabel('What it is for (optional)').fill('The shop floor, day to day');
    await dialog.getByRole('checkbox', { name: /Arjun Mehta/ }).check();
    await axe(t, owner, 'new channel dialog');
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await chatPane(owner)
      .getByRole('heading', { name: `#${channel}` })
      .waitFor();
  });

  await step(t, 'the channel appears in the manager’s list without reloading, and opens', async () => {
    const link = chatLink(manager, channel);
    await link.waitFor({ timeout: 15_000 });
    await link.click();
    await chatPane(manager)
      .getByRole('heading', { name: `#${channel}` })
      .waitFor();
    await chatPane(manager).getByText('No messages yet').waitFor();
  });

  await step(t, 'the manager sees “Priya is typing…” while the owner writes', async () => {
    await chatBox(owner).click();
    await chatBox(owner).pressSequentially('Hello', { delay: 60 });
    await chatPane(manager).locator('.chat-typing', { hasText: 'Priya is typing…' }).waitFor({ timeout: 10_000 });
  });

  await step(t, 'Enter sends; the message appears live for the manager and the typing line clears', async () => {
    await chatBox(owner).fill(hello);
    await chatBox(owner).press('Enter');
    await chatMsg(chatPane(owner), hello).waitFor();
    // The message can arrive over the socket before the send's own answer,
    // which is what clears the composer.
    await waitUntil(
      async () => (await chatBox(owner).inputValue()) === '' || 'still holds the message',
      'the composer was not cleared after sending',
    );
    await chatMsg(chatPane(manager), hello).waitFor({ timeout: 10_000 });
    await waitUntil(
      async () => ((await chatPane(manager).locator('.chat-typing').textContent()) ?? '').trim() === '' || 'still typing',
      'the typing line should clear once the message arrives',
    );
  });

  await step(t, 'Shift+Enter adds a line; "@Pri" offers Priya, Enter picks her; the mention reaches the owner live', async () => {
    const box = chatBox(manager);
    await box.click();
    await box.pressSequentially('@Pri', { delay: 30 });
    const option = manager.getByRole('listbox', { name: 'Colleagues to mention' }).getByRole('option', { name: /Priya Raghavan/ });
    await option.waitFor();
    check(
      (await box.getAttribute('aria-activedescendant')) === (await option.getAttribute('id')),
      'the text box does not point at the offered colleague',
    );
    await axe(t, manager, 'chat mention picker');
    await box.press('Enter');
    check((await box.inputValue()) === '@Priya Raghavan ', `the mention was not inserted (box has "${await box.inputValue()}")`);
    await box.pressSequentially(answer.slice(0, 10));
    await box.press('Shift+Enter');
    await box.pressSequentially(answer.slice(10));
    check((await box.inputValue()).includes('\n'), 'Shift+Enter did not add a line');
    await box.press('Enter');
    const got = chatMsg(chatPane(owner), answer.slice(10));
    await got.waitFor({ timeout: 10_000 });
    await got.locator('.chat-mention', { hasText: '@Priya Raghavan' }).waitFor();
  });

  await step(t, 'the owner replies in a thread; the manager sees “1 reply” live and reads it', async () => {
    await chatMsg(chatPane(owner), answer.slice(10)).hover();
    await chatMsg(chatPane(owner), answer.slice(10)).getByRole('button', { name: 'Reply in thread to Arjun Mehta' }).click();
    const thread = owner.locator('.chat-thread');
    await thread.getByRole('heading', { name: 'Thread' }).waitFor();
    const box = thread.getByRole('textbox', { name: /^Reply to Arjun Mehta/ });
    await box.fill(reply);
    await box.press('Enter');
    await chatMsg(thread, reply).waitFor();
    await thread.getByText('1 reply').waitFor();
    await axe(t, owner, 'chat conversation with a thread (desktop)');
    await shots(owner, 'chat-thread');
    const replies = chatMsg(chatPane(manager), answer.slice(10)).getByRole('button', { name: /^1 reply/ });
    await replies.waitFor({ timeout: 10_000 });
    await replies.click();
    await chatMsg(manager.locator('.chat-thread'), reply).waitFor();
    await manager.keyboard.press('Escape');
    await manager.locator('.chat-thread').waitFor({ state: 'detached' });
  });

  await step(t, 'the manager attaches a PNG; the owner sees the picture live', async () => {
    await chatPane(manager).locator('input[type="file"]').setInputFiles({ name: 'bangle.png', mimeType: 'image/png', buffer: TINY_PNG });
    await chatPane(manager).locator('.chat-pending-file.is-ready', { hasText: 'bangle.png' }).waitFor();
    await chatBox(manager).fill(photoNote);
    await chatPane(manager).getByRole('button', { name: 'Send' }).click();
    const msg = chatMsg(chatPane(owner), photoNote);
    await msg.waitFor({ timeout: 10_000 });
    await msg.getByRole('img', { name: 'bangle.png' }).waitFor();
    await waitUntil(
      async () => (await msg.locator('img.chat-thumb').evaluate((img) => img.complete && img.naturalWidth > 0)) || 'not loaded',
      'the picture did not load',
    );
  });

  await step(t, 'a file of the wrong type is refused before uploading', async () => {
    await chatPane(manager)
      .locator('input[type="file"]')
      .setInputFiles({ name: 'notes.docx', mimeType: 'application/msword', buffer: Buffer.from('x') });
    await chatPane(manager)
      .getByRole('alert')
      .getByText(/cannot be attached/)
      .waitFor();
  });

  await step(t, 'away from the channel, the owner sees its unread count (and on the nav), which clears on opening it', async () => {
    await owner.getByRole('link', { name: /^MG Road Showroom \(store channel\)/ }).click();
    await chatPane(owner).getByRole('heading', { name: 'MG Road Showroom' }).waitFor();
    await chatBox(manager).fill(later);
    await chatBox(manager).press('Enter');
    await chatUnread(owner, channel, 1);
    await owner
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Chat \(\d+ unread\)$/ })
      .waitFor();
    await chatLink(owner, channel).click();
    await chatMsg(chatPane(owner), later).waitFor();
    await chatUnread(owner, channel, 0);
  });

  await step(t, 'the owner edits and deletes their message; the manager sees both live', async () => {
    const mine = chatMsg(chatPane(owner), hello);
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit your message' }).click();
    const edit = mine.getByRole('textbox', { name: 'Edit your message' });
    await edit.fill(`${hello} (edited here)`);
    await edit.press('Enter');
    const theirs = chatMsg(chatPane(manager), `${hello} (edited here)`);
    await theirs.waitFor({ timeout: 10_000 });
    await theirs.getByText('(edited)').waitFor();
    await mine.hover();
    await chatMsg(chatPane(owner), `${hello} (edited here)`).getByRole('button', { name: 'Delete your message' }).click();
    const confirm = owner.getByRole('dialog', { name: 'Delete this message?' });
    await confirm.getByRole('button', { name: 'Delete message' }).click();
    await confirm.waitFor({ state: 'detached' });
    await chatPane(manager).getByText('This message was deleted.').waitFor({ timeout: 10_000 });
    check((await chatMsg(chatPane(manager), hello).count()) === 0, 'the deleted text is still shown');
  });

  await step(t, 'search finds the reply and opens its thread', async () => {
    await owner.getByRole('searchbox', { name: 'Search messages' }).fill(`vault ${RUN}`);
    await owner.getByRole('searchbox', { name: 'Search messages' }).press('Enter');
    const result = owner.getByRole('list', { name: 'Search results' }).getByRole('button', { name: new RegExp(reply) });
    await result.waitFor();
    await result.click();
    await chatMsg(owner.locator('.chat-thread'), reply).waitFor();
    await owner.getByRole('button', { name: 'Clear search' }).click();
    await owner.getByRole('navigation', { name: 'Channels' }).waitFor();
  });

  await step(t, 'a direct message: the owner writes to the manager, whose list shows it live and unread', async () => {
    await owner.getByRole('button', { name: 'New message', exact: true }).click();
    const dialog = owner.getByRole('dialog', { name: 'New message' });
    await dialog.getByLabel('Find a colleague').fill('Arjun');
    await axe(t, owner, 'new direct message dialog');
    await dialog.getByRole('button', { name: /^Arjun Mehta/ }).click();
    await chatPane(owner).getByRole('heading', { name: 'Arjun Mehta' }).waitFor();
    await chatBox(owner).fill(`Direct hello ${RUN}`);
    await chatBox(owner).press('Enter');
    await chatMsg(chatPane(owner), `Direct hello ${RUN}`).waitFor();
    await chatLink(manager, 'Priya Raghavan').waitFor({ timeout: 15_000 });
    await chatLink(manager, 'Priya Raghavan').click();
    await chatMsg(chatPane(manager), `Direct hello ${RUN}`).waitFor();
  });

  await step(t, 'on a phone: the conversation alone with a way back, the thread as its own view, no sideways scroll', async () => {
    await owner.setViewportSize(PHONE);
    await owner.goto(`/chat`);
    await chatLink(owner, channel).click();
    await chatPane(owner)
      .getByRole('heading', { name: `#${channel}` })
      .waitFor();
    check(
      !(await owner.getByRole('navigation', { name: 'Channels' }).isVisible()),
      'the channel list is still shown beside the conversation',
    );
    await noSideScroll(owner, 'chat conversation (phone)');
    await axe(t, owner, 'chat conversation (phone)');
    await shots(owner, 'chat-conversation');
    await owner.setViewportSize(PHONE);
    await chatMsg(chatPane(owner), answer.slice(10))
      .getByRole('button', { name: /^1 reply/ })
      .click();
    const thread = owner.locator('.chat-thread');
    await chatMsg(thread, reply).waitFor();
    check(!(await chatPane(owner).isVisible()), 'the conversation is still shown beside the thread on a phone');
    const box = await thread.boundingBox();
    check(box && box.width >= PHONE.width - 2, `the thread does not fill the phone's width (${JSON.stringify(box)})`);
    await axe(t, owner, 'chat thread (phone)');
    await thread.getByRole('button', { name: 'Back to the conversation' }).click();
    await chatPane(owner).getByRole('link', { name: 'Back to channels' }).click();
    await owner.getByRole('navigation', { name: 'Channels' }).waitFor();
    await axe(t, owner, 'chat list (phone)');
    await noSideScroll(owner, 'chat list (phone)');
  });
});

// (end of team chat tests)

// ---------------------------------------------------------------- announcements, escalations and feedback

/** The app shell's banner for one announcement (an alert when urgent, a status otherwise). */
function annBanner(page, title) {
  return page.getByRole('region', { name: 'Announcements' }).locator('.ann-banner').filter({ hasText: title });
}

/** A customer the signed-in user of `token` can see (the first of the list). */
async function someCustomer(token) {
  const r = await api('/customers?limit=5', { token });
  check(r.status === 200 && r.json.items.length > 0, `no customer to use (${r.status})`);
  return r.json.items[0];
}

/** Raises and resolves an escalation through the API; returns the survey link the resolution asked for. */
async function resolvedSurveyLink(token, subject) {
  const customer = await someCustomer(token);
  const created = await api('/escalations', {
    method: 'POST',
    token,
    body: { customer_id: customer.id, subject, category: 'service', priority: 'normal' },
  });
  check(created.status === 201, `raising an escalation returned ${created.status}: ${JSON.stringify(created.json)}`);
  const id = created.json.escalation.id;
  const resolved = await api(`/escalations/${id}/status`, {
    method: 'POST',
    token,
    body: { status: 'resolved', resolution: `Done ${RUN}` },
  });
  check(resolved.status === 200, `resolving returned ${resolved.status}: ${JSON.stringify(resolved.json)}`);
  const list = await api('/feedback?kind=escalation&answered=false&limit=100', { token });
  const item = (list.json?.items ?? []).find((f) => f.subject_id === id);
  check(item?.link?.startsWith('/survey/'), `no survey link for the resolved escalation: ${JSON.stringify(item)}`);
  return { customer, link: item.link, feedbackId: item.id };
}

test('announcements: the owner publishes an urgent pinned one asking for acknowledgement; the sales rep sees the banner live and acknowledges', async (t) => {
  const title = `Gold rate revised ${RUN}`;
  const body = `From tomorrow 22K is ₹6,950 a gram. Update the showroom boards before opening (${RUN}).`;

  // Context 1: the sales rep, on the home page, live.
  const rep = await open(t);
  await login(t, rep, DEMO.sales_rep);
  await step(t, 'the sales rep waits on the home page, live', async () => {
    await waitLive(rep);
    await rep.evaluate(() => {
      window.__karatNoReload = true;
    });
  });

  // Context 2: the business admin publishes.
  const owner = await open(t);
  await login(t, owner, DEMO.business_admin);
  await step(t, 'the owner opens Announcements from the navigation', async () => {
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Announcements' }).click();
    await owner.getByRole('heading', { name: 'Announcements', level: 1 }).waitFor();
    await waitLoaded(owner);
    await axe(t, owner, 'announcements for you (desktop)');
    await owner.getByRole('button', { name: 'Manage', exact: true }).click();
    await waitLoaded(owner);
    await axe(t, owner, 'announcements to manage (desktop)');
    await owner.setViewportSize(PHONE);
    await noSideScroll(owner, 'announcements (phone)');
    await axe(t, owner, 'announcements to manage (phone)');
    await owner.setViewportSize(DESKTOP);
  });
  await step(t, 'the publish form points out what is missing', async () => {
    await owner.getByRole('link', { name: 'New announcement' }).click();
    await owner.getByRole('heading', { name: 'New announcement', level: 1 }).waitFor();
    await owner.getByRole('button', { name: 'Publish' }).click();
    await owner.getByText('Give the announcement a title.').waitFor();
    await owner.getByText('Write the announcement.').waitFor();
    check(await owner.evaluate(() => document.activeElement?.getAttribute('name') === 'title'), 'focus did not move to the title');
    await axe(t, owner, 'new announcement with errors (desktop)');
  });
  await step(t, 'scheduling asks for a time, in the user’s time zone', async () => {
    await chip(owner, 'Publish', 'Later').check();
    await owner.getByLabel('Publish at').waitFor();
    await owner
      .getByText(/Your time \(Asia\/Kolkata\)/)
      .first()
      .waitFor();
    await owner.setViewportSize(PHONE);
    await noSideScroll(owner, 'new announcement (phone)');
    await axe(t, owner, 'new announcement (phone)');
    await shot(owner, 'announcement-new');
    await owner.setViewportSize(DESKTOP);
    await chip(owner, 'Publish', 'Now').check();
  });
  const url = await step(t, 'publish: urgent, pinned, for sales representatives, acknowledgement asked', async () => {
    await owner.getByLabel('Title').fill(title);
    await owner.getByLabel('Message').fill(body);
    await chip(owner, 'Priority', 'Urgent').check();
    await owner.getByLabel('Pin it').check();
    await owner.getByLabel('Ask everyone to acknowledge it').check();
    await chip(owner, 'Roles (optional)', 'Sales representative', 'checkbox').check();
    await owner.getByText('Who sees it: Sales representatives').waitFor();
    await owner.getByRole('button', { name: 'Publish' }).click();
    await owner.waitForURL(/\/announcements\/[0-9a-f-]{36}$/);
    await expectToast(owner, 'Announcement published');
    await owner.getByRole('heading', { name: title, level: 1 }).waitFor();
    return owner.url();
  });
  await step(t, 'the owner’s page shows it live, with the sales rep not yet acknowledged', async () => {
    await owner.locator('.page-header .badge', { hasText: 'Live' }).waitFor({ timeout: 15_000 });
    const card = owner.locator('section.card', { has: owner.getByRole('heading', { name: 'Acknowledgements' }) });
    await card.getByText(/^0 of \d+$/).waitFor();
    await card
      .getByRole('list', { name: /Not yet/ })
      .getByText('Kavya Iyer')
      .waitFor();
    await waitLive(owner);
    await owner.evaluate(() => {
      window.__karatNoReload = true;
    });
    await axe(t, owner, 'announcement with acknowledgements (desktop)');
  });

  await step(t, 'the sales rep sees the urgent banner appear without a reload', async () => {
    const banner = annBanner(rep, title);
    await banner.waitFor({ timeout: 15_000 });
    check((await banner.getAttribute('role')) === 'alert', 'an urgent banner is not an alert');
    await banner.getByText('Urgent').waitFor();
    check(await rep.evaluate(() => window.__karatNoReload === true), 'the page was reloaded');
    // Navigation stays free: the banner sits above the page.
    await rep.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await rep.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await annBanner(rep, title).waitFor();
    await axe(t, rep, 'banner on the customer list (desktop)');
    await rep.setViewportSize(PHONE);
    await noSideScroll(rep, 'banner (phone)');
    await axe(t, rep, 'banner (phone)');
    await shot(rep, 'announcement-banner');
  });
  await step(t, 'the sales rep acknowledges from the banner on a phone; it goes', async () => {
    await annBanner(rep, title)
      .getByRole('button', { name: /^Acknowledge/ })
      .click();
    await expectToast(rep, 'Acknowledged');
    await annBanner(rep, title).waitFor({ state: 'detached' });
    await rep.setViewportSize(DESKTOP);
  });
  await step(t, 'the owner’s page counts the acknowledgement live', async () => {
    const card = owner.locator('section.card', { has: owner.getByRole('heading', { name: 'Acknowledgements' }) });
    await card
      .getByRole('list', { name: /^Acknowledged/ })
      .getByText('Kavya Iyer')
      .waitFor({ timeout: 15_000 });
    await card.getByText(/^1 of \d+$/).waitFor();
    check(await owner.evaluate(() => window.__karatNoReload === true), 'the owner’s page was reloaded');
  });
  await step(t, 'the sales rep’s list says it was acknowledged', async () => {
    await rep.goto('/announcements');
    const list = rep.getByRole('list', { name: 'Announcements for you' });
    const item = list.getByRole('listitem').filter({ hasText: title });
    await item.getByText(/You acknowledged it/).waitFor();
    check((await item.getByRole('button', { name: /^Acknowledge/ }).count()) === 0, 'Acknowledge is still offered');
    await axe(t, rep, 'announcements for a sales rep (desktop)');
  });
  await step(t, 'the owner withdraws it; it leaves the sales rep’s list live', async () => {
    await owner.goto(url);
    await owner.getByRole('button', { name: 'Withdraw' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Withdraw this announcement?' });
    await axe(t, owner, 'withdraw dialog');
    await dialog.getByRole('button', { name: 'Withdraw' }).click();
    await expectToast(owner, 'Announcement withdrawn');
    await owner.locator('.page-header .badge', { hasText: 'Withdrawn' }).waitFor();
    await rep
      .getByRole('list', { name: 'Announcements for you' })
      .getByText(title)
      .waitFor({ state: 'detached', timeout: 15_000 })
      .catch(async () => {
        // The list may have been the only item: then the empty state replaces it.
        const left = await rep.getByText(title).count();
        check(left === 0, 'the withdrawn announcement is still listed');
      });
  });
  await step(t, 'platform admins publish platform-wide: no store choice', async () => {
    const platform = await open(t);
    await login(t, platform, DEMO.platform_admin);
    await platform.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Announcements' }).click();
    await platform.getByRole('heading', { name: 'Announcements', level: 1 }).waitFor();
    await waitLoaded(platform);
    check((await platform.getByRole('button', { name: 'For you' }).count()) === 0, 'platform staff get a "For you" view');
    await axe(t, platform, 'announcements for platform staff');
    await platform.getByRole('link', { name: 'New announcement' }).click();
    await platform.getByText('A platform-wide announcement reaches every business on Karat').waitFor();
    check((await platform.getByRole('group', { name: /^Stores/ }).count()) === 0, 'platform staff are offered stores');
    await platform.getByText('Who sees it: Everyone in every business on Karat.').waitFor();
  });
});

test('escalations: a sales rep raises one from the customer page; the manager sees it live, adds an internal note and resolves it', async (t) => {
  const subject = `Clasp broke a week after purchase ${RUN}`;
  const note = `Internal: supplier batch 14 had weak clasps ${RUN}`;
  const resolution = `Clasp replaced free of charge; customer collected the chain ${RUN}`;
  const customer = await step(t, 'find a customer of the sales rep’s store', async () => someCustomer(await apiLogin(DEMO.sales_rep)));

  // Context 1: the manager, on the board, live.
  const manager = await open(t);
  await login(t, manager, DEMO.manager);
  await step(t, 'the manager opens the escalation board', async () => {
    await manager.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Escalations' }).click();
    await manager.getByRole('heading', { name: 'Escalations', level: 1 }).waitFor();
    await waitLoaded(manager);
    await manager.getByRole('heading', { name: /^Open/, level: 2 }).waitFor();
    await manager.getByRole('heading', { name: /^In progress/, level: 2 }).waitFor();
    await manager.getByRole('heading', { name: /^Resolved/, level: 2 }).waitFor();
    await axe(t, manager, 'escalation board (desktop)');
    await waitLive(manager);
    await manager.evaluate(() => {
      window.__karatNoReload = true;
    });
  });

  // Context 2: the sales rep raises it from the customer's profile.
  const rep = await open(t);
  await login(t, rep, DEMO.sales_rep);
  await step(t, 'the sales rep opens “Raise escalation” on the customer page', async () => {
    await rep.goto(`/customers/${customer.id}`);
    await rep.getByRole('heading', { name: customer.name, level: 1 }).waitFor();
    await rep.getByRole('link', { name: 'Raise escalation' }).click();
    await rep.getByRole('heading', { name: 'Raise an escalation', level: 1 }).waitFor();
    await rep.getByRole('group', { name: 'Customer' }).getByText(customer.name).waitFor();
  });
  await step(t, 'the form points out what is missing', async () => {
    await rep.getByRole('button', { name: 'Raise escalation' }).click();
    await rep.getByText('Say in a few words what went wrong.').waitFor();
    await rep.getByText('Choose what it is about.').waitFor();
    check(await rep.evaluate(() => document.activeElement?.getAttribute('name') === 'subject'), 'focus did not move to the subject');
    await axe(t, rep, 'raise escalation with errors (desktop)');
    await rep.setViewportSize(PHONE);
    await noSideScroll(rep, 'raise escalation (phone)');
    await axe(t, rep, 'raise escalation (phone)');
    await shot(rep, 'escalation-new');
    await rep.setViewportSize(DESKTOP);
  });
  const url = await step(t, 'the sales rep raises it: high priority, product quality', async () => {
    await rep.getByLabel('Subject').fill(subject);
    await rep.getByLabel('What is it about?').selectOption({ label: 'Product quality' });
    await chip(rep, 'How urgent is it?', 'High').check();
    await rep.getByText('Within a day.').waitFor();
    await rep.getByLabel('What happened? (optional)').fill(`The clasp of the gold chain broke (${RUN}).`);
    await rep.getByRole('button', { name: 'Raise escalation' }).click();
    await rep.waitForURL(/\/escalations\/[0-9a-f-]{36}$/);
    await expectToast(rep, 'Escalation raised');
    await rep.getByRole('heading', { name: subject, level: 1 }).waitFor();
    await rep.locator('.page-header .badge', { hasText: 'Open' }).waitFor();
    await rep.locator('.page-header').getByText('With Kavya Iyer').waitFor();
    await waitLive(rep);
    await rep.evaluate(() => {
      window.__karatNoReload = true;
    });
    return rep.url();
  });

  await step(t, 'the manager sees it appear in the Open column without a reload', async () => {
    const open = manager.getByRole('region', { name: /^Open/ });
    const card = open.locator('.esc-card').filter({ hasText: subject });
    await card.waitFor({ timeout: 15_000 });
    await card.getByText(customer.name).waitFor();
    await card.getByText('High priority').waitFor();
    await card.getByText(/Due /).waitFor();
    await card.getByText('With Kavya Iyer').waitFor();
    check(await manager.evaluate(() => window.__karatNoReload === true), 'the board was reloaded');
  });
  await step(t, 'the board on a phone: columns one after another, no sideways scroll', async () => {
    await manager.setViewportSize(PHONE);
    const open = await manager.getByRole('region', { name: /^Open/ }).boundingBox();
    const resolved = await manager.getByRole('region', { name: /^Resolved/ }).boundingBox();
    check(open && resolved && resolved.y > open.y + open.height - 1, 'the columns are not stacked on a phone');
    await noSideScroll(manager, 'escalation board (phone)');
    await axe(t, manager, 'escalation board (phone)');
    await shot(manager, 'escalation-board');
    await manager.setViewportSize(DESKTOP);
  });
  await step(t, 'the manager opens it and adds an internal note', async () => {
    await manager.getByRole('link', { name: subject }).click();
    await manager.getByRole('heading', { name: subject, level: 1 }).waitFor();
    check((await manager.getByRole('button', { name: 'Close', exact: true }).count()) === 0, 'Close is offered on an open escalation');
    await manager.getByLabel('Internal note').first().check();
    await manager.getByRole('textbox', { name: 'Internal note' }).fill(note);
    await manager.getByRole('button', { name: 'Add internal note' }).click();
    const log = manager.getByRole('log', { name: 'Notes, oldest first' });
    const item = log.getByRole('listitem').filter({ hasText: note });
    await item.waitFor();
    await item.getByText(/Internal note/).waitFor();
    await axe(t, manager, 'escalation with an internal note (desktop)');
  });
  await step(t, 'resolving asks what was done', async () => {
    await manager.getByRole('button', { name: 'Resolve', exact: true }).click();
    const dialog = manager.getByRole('dialog', { name: /^Resolve:/ });
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await dialog.locator('.field-error', { hasText: 'Say what was done for the customer.' }).waitFor();
    await axe(t, manager, 'resolve dialog');
    await dialog.getByLabel('Resolution').fill(resolution);
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await expectToast(manager, 'Resolved');
    await manager.locator('.page-header .badge', { hasText: 'Resolved' }).waitFor();
    await manager.getByText(resolution).waitFor();
    // Only the moves the machine allows from "resolved".
    await manager.getByRole('button', { name: 'Close', exact: true }).waitFor();
    await manager.getByRole('button', { name: 'Reopen' }).waitFor();
    check((await manager.getByRole('button', { name: 'Resolve', exact: true }).count()) === 0, 'Resolve is still offered');
    await manager.setViewportSize(PHONE);
    await noSideScroll(manager, 'escalation (phone)');
    await axe(t, manager, 'escalation (phone)');
    await shot(manager, 'escalation-resolved');
    await manager.setViewportSize(DESKTOP);
  });
  await step(t, 'the sales rep’s page follows live: resolved, with the manager’s note', async () => {
    check(rep.url() === url, 'the sales rep left the escalation');
    await rep.locator('.page-header .badge', { hasText: 'Resolved' }).waitFor({ timeout: 15_000 });
    await rep.getByRole('log', { name: 'Notes, oldest first' }).getByText(note).waitFor();
    check(await rep.evaluate(() => window.__karatNoReload === true), 'the sales rep’s page was reloaded');
  });
  await step(t, 'the customer’s survey link appears on the manager’s feedback page', async () => {
    await manager.goto('/feedback?kind=escalation&answered=no');
    await manager.getByRole('heading', { name: 'Feedback', level: 1 }).waitFor();
    const item = manager
      .getByRole('list', { name: 'Surveys and team feedback' })
      .getByRole('listitem')
      .filter({ hasText: customer.name })
      .first();
    const open = item.getByRole('link', { name: /^Open survey/ });
    await open.waitFor({ timeout: 15_000 });
    const href = (await open.getAttribute('href')) ?? '';
    check(href.startsWith(`${new URL(BASE).origin}/survey/`), `the survey link is "${href}"`);
    await item.getByRole('button', { name: /^Copy survey link/ }).click();
    await expectToast(manager, 'Survey link copied');
  });
});

test('feedback: a customer answers the survey without signing in; the owner’s report shows it', async (t) => {
  const comment = `Lovely service, the clasp is perfect now (${RUN})`;
  const managerToken = await apiLogin(DEMO.manager);
  const survey = await step(t, 'a resolved escalation asks its customer for a rating', () =>
    resolvedSurveyLink(managerToken, `Survey check ${RUN}`),
  );

  // A fresh browser: nobody is signed in.
  const customer = await open(t, { viewport: SMALL_PHONE });
  await step(t, 'the survey opens without signing in, outside the app', async () => {
    await customer.goto(survey.link);
    await customer.getByRole('heading', { name: 'Your feedback', level: 1 }).waitFor();
    check(new URL(customer.url()).pathname === survey.link, `the survey moved to ${customer.url()}`);
    check((await customer.getByRole('navigation', { name: 'Main' }).count()) === 0, 'the app shell is shown');
    await customer.getByRole('group', { name: /resolve your concern/ }).waitFor();
    await noSideScroll(customer, 'survey (phone)');
    await axe(t, customer, 'survey (phone)');
    await shot(customer, 'survey');
  });
  await step(t, 'sending without a rating asks for one', async () => {
    await customer.getByRole('button', { name: 'Send my answer' }).click();
    await customer.getByText('Choose from 1 to 5 stars.').waitFor();
  });
  await step(t, 'the stars are a radio group that works from the keyboard', async () => {
    const three = customer.getByRole('radio', { name: /^3 out of 5/ });
    await three.check();
    await customer.keyboard.press('ArrowRight');
    check(await customer.getByRole('radio', { name: /^4 out of 5/ }).isChecked(), 'the arrow key did not move to 4');
    await customer.getByRole('radio', { name: /^5 out of 5/ }).check();
    await customer.getByLabel('Anything you would like to tell us? (optional)').fill(comment);
    await customer.setViewportSize(DESKTOP);
    await axe(t, customer, 'survey filled (desktop)');
    await customer.setViewportSize(SMALL_PHONE);
  });
  await step(t, 'the customer sends 5 stars and is thanked', async () => {
    await customer.getByRole('button', { name: 'Send my answer' }).click();
    await customer.getByRole('heading', { name: 'Thank you!', level: 1 }).waitFor();
    await customer.getByText(/5 out of 5, Delighted/).waitFor();
    await axe(t, customer, 'survey thank-you (phone)');
  });
  await step(t, 'opening the link again says it was answered', async () => {
    await customer.reload();
    await customer.getByText('This survey has already been answered.').waitFor();
  });

  const owner = await open(t);
  await login(t, owner, DEMO.business_admin);
  await step(t, 'the owner’s report shows the answer and the comment', async () => {
    await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feedback' }).click();
    await owner.getByRole('heading', { name: 'Feedback', level: 1 }).waitFor();
    await waitLoaded(owner);
    await owner.getByRole('list', { name: 'Recent comments' }).getByText(comment).waitFor();
    const five = owner.getByRole('table', { name: 'Ratings, 5 to 1' }).getByRole('row').filter({ hasText: '5/5' });
    const count = Number((await five.locator('td').first().textContent())?.replace(/\D/g, '') ?? '0');
    check(count >= 1, `the 5-star row counts ${count}`);
    const csat = (await owner.locator('.fb-stats dd').first().textContent())?.trim() ?? '';
    check(/^\d+%$/.test(csat), `CSAT reads "${csat}"`);
    await owner.getByRole('table', { name: 'By survey kind' }).getByText('Escalation').waitFor();
    await axe(t, owner, 'feedback report (desktop)');
    await owner.setViewportSize(PHONE);
    await noSideScroll(owner, 'feedback report (phone)');
    await axe(t, owner, 'feedback report (phone)');
    await shot(owner, 'feedback-report');
    await owner.setViewportSize(DESKTOP);
  });
  await step(t, 'staff record another customer’s answer given in person', async () => {
    const other = await resolvedSurveyLink(managerToken, `In-person answer ${RUN}`);
    await owner.goto('/feedback?kind=escalation&answered=no');
    const item = owner
      .getByRole('list', { name: 'Surveys and team feedback' })
      .getByRole('listitem')
      .filter({ has: owner.locator(`a[href$="${other.link}"]`) });
    await item.getByRole('button', { name: /^Record answer/ }).click();
    const dialog = owner.getByRole('dialog', { name: /^Record / });
    await dialog.getByRole('button', { name: 'Record answer' }).click();
    await dialog.getByText('Choose the customer’s rating.').waitFor();
    await axe(t, owner, 'record answer dialog');
    await dialog.getByRole('radio', { name: /^4 out of 5/ }).check();
    await dialog.getByLabel('What they said (optional)').fill(`Happy with the fix (${RUN})`);
    await dialog.getByRole('button', { name: 'Record answer' }).click();
    await expectToast(owner, 'Answer recorded');
    await owner.locator(`a[href$="${other.link}"]`).waitFor({ state: 'detached', timeout: 15_000 });
  });
  await step(t, 'a sales rep gives team feedback from the account menu, on a phone', async () => {
    const rep = await open(t, { viewport: PHONE });
    await login(t, rep, DEMO.sales_rep);
    await openAccountMenu(rep);
    await rep.getByRole('link', { name: 'Give team feedback' }).click();
    await rep.getByRole('heading', { name: 'Team feedback', level: 1 }).waitFor();
    await noSideScroll(rep, 'team feedback (phone)');
    await axe(t, rep, 'team feedback (phone)');
    await rep.getByRole('radio', { name: /^4 out of 5/ }).check();
    await rep.getByLabel('What would make it better? (optional)').fill(`More hands on Saturdays (${RUN})`);
    await rep.getByRole('button', { name: 'Send feedback' }).click();
    await expectToast(rep, 'Thank you for your feedback');
  });
  await step(t, 'the owner reads it among the team feedback', async () => {
    await owner.goto('/feedback?kind=team');
    await owner
      .getByRole('list', { name: 'Surveys and team feedback' })
      .getByRole('listitem')
      .filter({ hasText: `More hands on Saturdays (${RUN})` })
      .getByText('Kavya Iyer')
      .waitFor({ timeout: 15_000 });
  });
});

// (end of announcements, escalations and feedback tests)

let passed = 0;
let failed = 0;
const started = Date.now();
console.log(`Karat web e2e against ${BASE} (run ${RUN})`);
for (const { name, fn } of tests) {
  if (ONLY.length && !ONLY.some((o) => name.includes(o))) continue;
  const t = { name, errors: [], contexts: [], current: '' };
  const t0 = Date.now();
  let error = null;
  try {
    await fn(t);
    if (t.errors.length) error = `page errors:\n  ${[...new Set(t.errors)].join('\n  ')}`;
  } catch (err) {
    error = err instanceof StepError ? err.message : `${t.current ? `${t.current}: ` : ''}${err?.stack ?? err}`;
    const page = t.contexts.at(-1)?.pages().at(-1);
    if (page)
      await page.screenshot({ path: join(SHOTS, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`) }).catch(() => undefined);
  }
  for (const c of t.contexts) await c.close().catch(() => undefined);
  const ms = Date.now() - t0;
  if (error) {
    failed++;
    console.log(`✗ ${name} (${ms} ms)\n    ${error.replace(/\n/g, '\n    ')}`);
  } else {
    passed++;
    console.log(`✓ ${name} (${ms} ms)`);
  }
}
await browser.close();

const pages = a11yReport.length;
const minor = a11yReport.reduce((n, r) => n + r.other, 0);
console.log(`\naxe: ${pages} page checks, ${a11yReport.reduce((n, r) => n + r.serious, 0)} serious/critical, ${minor} minor/moderate`);
for (const r of a11yReport.filter((x) => x.other > 0)) console.log(`  ${r.label}: ${r.otherIds.join(', ')}`);
console.log(`screenshots: ${SHOTS}`);
console.log(`time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
