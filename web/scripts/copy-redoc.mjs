// Copies the Redoc standalone bundle into public/vendor so the build ships it at
// /vendor/redoc.standalone.js (the server's /api/docs page loads it from there,
// with no CDN). public/vendor is git-ignored; this runs before every build.
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(dirname(require.resolve('redoc/package.json')), 'bundles', 'redoc.standalone.js');
const target = join(root, 'public', 'vendor', 'redoc.standalone.js');

await mkdir(dirname(target), { recursive: true });
await copyFile(source, target);
console.log(`copied ${source} -> ${target}`);
