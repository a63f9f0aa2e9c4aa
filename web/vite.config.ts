import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { build as rolldown } from 'rolldown';

const root = fileURLToPath(new URL('.', import.meta.url));

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/**
 * Builds src/sw/sw.ts into dist/sw.js after the app is written, with the list of
 * files to precache (the app shell and its assets — never /api/, never the large
 * vendor/ Redoc bundle) and a version derived from their contents.
 */
function serviceWorker(): Plugin {
  let outDir = 'dist';
  return {
    name: 'karat-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const dist = join(root, outDir);
      const files = (await walk(dist))
        .map((f) => `/${relative(dist, f).split(sep).join('/')}`)
        .filter((f) => !f.endsWith('.map') && f !== '/sw.js' && !f.startsWith('/vendor/') && !f.startsWith('/.'))
        .sort();
      const hash = createHash('sha256');
      for (const f of files) {
        hash.update(f);
        hash.update(await readFile(join(dist, f)));
      }
      const version = hash.digest('hex').slice(0, 12);
      const result = await rolldown({
        input: join(root, 'src/sw/sw.ts'),
        write: false,
        output: { format: 'iife', minify: true },
      });
      const chunk = result.output.find((o) => o.type === 'chunk');
      if (!chunk || chunk.type !== 'chunk') throw new Error('service worker build produced no chunk');
      const code = chunk.code
        .replaceAll('__KARAT_PRECACHE__', JSON.stringify(files))
        .replaceAll('__KARAT_VERSION__', JSON.stringify(version));
      if (code.includes('__KARAT_')) throw new Error('service worker placeholders were not replaced');
      await writeFile(join(dist, 'sw.js'), code);
    },
  };
}

export default defineConfig({
  plugins: [react(), serviceWorker()],
  build: {
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 300,
  },
  server: {
    port: 5173,
    proxy: {
      // `npm run dev` against a local server: KARAT_URL=http://127.0.0.1:18080 npm run dev
      // ws: the real-time socket lives under /api too.
      '/api': { target: process.env.KARAT_URL ?? 'http://127.0.0.1:18080', changeOrigin: false, ws: true },
    },
  },
});
