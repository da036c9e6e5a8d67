/**
 * The model's plumbing (src/model/) loads without the kernel paths: no chain
 * of load-time imports (an `import` of a value, not `import type`) leads
 * from a file under src/model/ back to itself. A cycle through machine.ts
 * (machine → vmscan.reclaim → huge_memory → machine, for the default
 * reclaimer and a watermark) made what a file saw at load time depend on
 * which file was imported first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** the files a source imports values from, at load time */
function loadTimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+([^;]*?)\s*from\s*'(\.[^']+)'/gms)) {
    const clause = m[1]!;
    if (/^type\b/.test(clause)) continue;
    const braces = /^\{([^}]*)\}$/.exec(clause.trim());
    if (braces && braces[1]!.split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '))) continue;
    out.push(resolve(dirname(file), m[2]!).replace(/\.js$/, '.ts'));
  }
  return out;
}

test('no file under src/model/ is on a load-time import cycle', () => {
  const graph = new Map(sources(src).map((f) => [f, loadTimeImports(f)]));
  const cycles: string[] = [];
  for (const start of graph.keys()) {
    if (!relative(src, start).startsWith('model')) continue;
    // depth-first from start: a path back to start is a cycle
    const seen = new Set<string>();
    const stack: { file: string; path: string[] }[] = [{ file: start, path: [start] }];
    while (stack.length) {
      const { file, path } = stack.pop()!;
      for (const next of graph.get(file) ?? []) {
        if (next === start) cycles.push(path.concat(next).map((f) => relative(src, f)).join(' → '));
        else if (graph.has(next) && !seen.has(next)) {
          seen.add(next);
          stack.push({ file: next, path: path.concat(next) });
        }
      }
    }
  }
  expect(cycles).toEqual([]);
});
