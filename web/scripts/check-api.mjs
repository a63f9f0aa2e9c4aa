// Fails when src/api/schema.d.ts is not what openapi.json generates
// (run `npm run gen:api` after updating openapi.json).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'karat-api-'));
const out = join(dir, 'schema.d.ts');
try {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), join(root, 'openapi.json'), '-o', out],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const fresh = readFileSync(out, 'utf8');
  const committed = readFileSync(join(root, 'src', 'api', 'schema.d.ts'), 'utf8');
  if (fresh !== committed) {
    const a = committed.split('\n');
    const b = fresh.split('\n');
    const i = a.findIndex((line, n) => line !== b[n]);
    console.error('src/api/schema.d.ts is out of date with openapi.json; run `npm run gen:api`.');
    console.error(`first difference at line ${i + 1}:\n  committed: ${a[i] ?? '<end>'}\n  generated: ${b[i] ?? '<end>'}`);
    process.exit(1);
  }
  console.log('src/api/schema.d.ts matches openapi.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
