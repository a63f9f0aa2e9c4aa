// Renders the app icons (PNG) from an inline SVG with the system Chromium.
// The PNGs are committed; run this only when the mark changes:
//   CHROMIUM=/usr/bin/chromium npm run gen:icons
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');

// The gem, drawn in a 64-unit box. `maskable` keeps it inside the 80% safe zone.
// `badge`: the notification badge, a white silhouette on transparent (Android
// uses only its alpha channel).
function svg({ size, maskable, badge }) {
  if (badge) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64">
  <defs><mask id="m"><rect width="64" height="64" fill="#fff"/>
  <path d="M8 29h48M25 14l7 40M39 14l-7 40" stroke="#000" stroke-width="3" stroke-linejoin="round" fill="none"/></mask></defs>
  <path d="M17 14h30l11 15-26 27L6 29z" fill="#fff" mask="url(#m)"/></svg>`;
  }
  const scale = maskable ? 0.62 : 1;
  const offset = (64 - 64 * scale) / 2;
  const radius = maskable ? 0 : 14;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#8a2533"/><stop offset="1" stop-color="#4f111b"/></linearGradient></defs>
  <rect width="64" height="64" rx="${radius}" fill="url(#g)"/>
  <g transform="translate(${offset} ${offset}) scale(${scale})">
    <path d="M20 18h24l8 11-20 20-20-20z" fill="#d9b15c"/>
    <path d="M12 29h40M26 18l6 31M38 18l-6 31M20 18l6 11M44 18l-6 11" stroke="#5e1620" stroke-width="2.2" stroke-linejoin="round" fill="none"/>
  </g></svg>`;
}

const targets = [
  { file: 'icon-32.png', size: 32 },
  { file: 'apple-touch-icon.png', size: 180, maskable: true },
  { file: 'icon-192.png', size: 192 },
  { file: 'icon-512.png', size: 512 },
  { file: 'maskable-512.png', size: 512, maskable: true },
  { file: 'badge-96.png', size: 96, badge: true },
];
// `npm run gen:icons -- badge-96.png` renders only the files named.
const only = process.argv.slice(2);

await mkdir(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  for (const t of targets.filter((x) => only.length === 0 || only.includes(x.file))) {
    await page.setViewportSize({ width: t.size, height: t.size });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg(t)}</body></html>`);
    await page.locator('svg').screenshot({ path: join(out, t.file), omitBackground: true });
    console.log(`wrote ${t.file}`);
  }
} finally {
  await browser.close();
}
