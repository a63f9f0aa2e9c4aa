#!/usr/bin/env node
// Lighthouse on the login page and the business admin's home page.
//
//   KARAT_URL=http://127.0.0.1:18080 npm run lighthouse
//
// Lighthouse is not a dependency (it is large); this runs it with
// `npx --yes lighthouse@12` (or $LIGHTHOUSE, a path to its CLI). Chromium is
// started once with a debugging port and a profile in which the business admin
// is signed in (refresh token in localStorage), so Lighthouse measures the real
// signed-in home page, both on a first visit (no service worker) and on a
// repeat visit (shell served by the service worker). Reports go to
// e2e/lighthouse/ (git-ignored).
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, 'lighthouse');
const BASE = (process.env.KARAT_URL ?? '').replace(/\/+$/, '');
if (!BASE) {
  console.error('KARAT_URL is not set');
  process.exit(2);
}
const CHROME = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PORT = Number(process.env.LH_PORT ?? 9333);
const PASSWORD = process.env.KARAT_DEMO_PASSWORD ?? 'karat-demo-2026';

await mkdir(OUT, { recursive: true });
const profile = await mkdtemp(join(tmpdir(), 'karat-lh-'));
// Chromium is started directly (not by Playwright, which would also manage the
// tabs Lighthouse opens); Playwright only connects briefly to sign in.
const chrome = spawn(
  CHROME,
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    `--remote-debugging-port=${PORT}`,
    'about:blank',
  ],
  { stdio: 'ignore' },
);

async function waitForChrome() {
  for (let i = 0; i < 50; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/json/version`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('Chromium did not open its debugging port');
}

function lighthouse(url, name, preset) {
  const args = [
    url,
    `--port=${PORT}`,
    '--disable-storage-reset',
    '--only-categories=performance,accessibility,best-practices',
    '--output=json',
    '--output=html',
    `--output-path=${join(OUT, `${name}-${preset}`)}`,
    '--quiet',
  ];
  if (preset === 'desktop') args.push('--preset=desktop');
  const cli = process.env.LIGHTHOUSE;
  const r = cli
    ? spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' })
    : spawnSync('npx', ['--yes', 'lighthouse@12', ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`lighthouse failed for ${url} (${preset})`);
}

/** Connects briefly with Playwright; signs in and/or forgets the service worker. */
async function prepare({ signIn = false, dropServiceWorker = false }) {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${PORT}`);
  const page = await browser.contexts()[0].newPage();
  await page.goto(`${BASE}/login`);
  if (signIn) {
    await page.getByLabel('Email').fill('owner@demo.test');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  }
  if (dropServiceWorker) {
    await page.evaluate(async () => {
      for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
      for (const k of await caches.keys()) await caches.delete(k);
    });
  }
  await page.close();
  await browser.close(); // disconnects; Chromium and the profile stay
}

async function summary(name, preset, label = name) {
  const report = JSON.parse(await readFile(join(OUT, `${name}-${preset}.report.json`), 'utf8'));
  const c = report.categories;
  const a = report.audits;
  return {
    page: label,
    preset,
    performance: Math.round(c.performance.score * 100),
    accessibility: Math.round(c.accessibility.score * 100),
    'best-practices': Math.round(c['best-practices'].score * 100),
    FCP: a['first-contentful-paint'].displayValue,
    LCP: a['largest-contentful-paint'].displayValue,
    TBT: a['total-blocking-time'].displayValue,
    CLS: a['cumulative-layout-shift'].displayValue,
    finalUrl: report.finalDisplayedUrl ?? report.finalUrl,
  };
}

const rows = [];
try {
  await waitForChrome();
  for (const preset of ['mobile', 'desktop']) {
    lighthouse(`${BASE}/login`, 'login', preset);
    rows.push(await summary('login', preset, 'login'));
  }
  await prepare({ signIn: true });
  for (const preset of ['mobile', 'desktop']) {
    // First visit: no service worker yet, everything from the network.
    await prepare({ dropServiceWorker: true });
    lighthouse(`${BASE}/`, 'home-business-admin-first', preset);
    rows.push(await summary('home-business-admin-first', preset, 'home (business admin), first visit'));
    // Repeat visit: the service worker installed by the first one serves the shell.
    lighthouse(`${BASE}/`, 'home-business-admin-repeat', preset);
    rows.push(await summary('home-business-admin-repeat', preset, 'home (business admin), repeat visit'));
  }
} finally {
  chrome.kill();
  await new Promise((r) => chrome.once('exit', r));
  await rm(profile, { recursive: true, force: true });
}
console.table(rows);
