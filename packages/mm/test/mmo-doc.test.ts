/**
 * docs/mmo.md against the parser: every op the parser accepts has its
 * section (generated from the op table by tooling/scripts/gen-docs.mjs,
 * kept fresh by `pnpm docs:check`) and every op the doc names is one the
 * parser accepts; the same for the directives of scripts and of race files;
 * every op's example runs; every error the doc shows is the error the
 * parser gives for that line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { x86_64_618 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { MmoSyntaxError, parseMmo, runScript } from '../src/index.js';
import { EXAMPLE_ERRNO, EXAMPLE_SETUP, OP_SPECS, OPS, SCRIPT_DIRECTIVES } from '../src/script/index.js';
import { parseRaceFile, RACE_DIRECTIVES } from '../src/races/index.js';

const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'mmo.md'), 'utf8');

/** The text of a `## TITLE` section, up to the next `## `. */
function section(title: string): string {
  const at = doc.indexOf(`\n## ${title}\n`);
  if (at < 0) throw new Error(`docs/mmo.md has no '## ${title}' section`);
  const end = doc.indexOf('\n## ', at + 1);
  return doc.slice(at, end < 0 ? doc.length : end);
}

/** The first cells of a section's table rows that are one code span: `| \`word\` | …`. */
function tableWords(text: string): string[] {
  return [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

/** Every `#### \`op\`` heading of the doc. */
const documentedOps = [...doc.matchAll(/^#### `([^`]+)`$/gm)].map((m) => m[1]!);

describe('docs/mmo.md documents the language the parser reads', () => {
  test('every op the parser accepts has its section, and every section is an op the parser accepts', () => {
    expect(new Set(documentedOps).size).toBe(documentedOps.length);
    expect([...documentedOps].sort()).toEqual([...OPS.keys()].sort());
    for (const name of documentedOps) expect(() => parseMmo(`${name} ${'w '.repeat(OPS.get(name)!.arity[0])}`), name).not.toThrow();
    expect(() => parseMmo('nosuchop A')).toThrow(MmoSyntaxError);
  });

  test('each op section shows the op table\'s usage and example', () => {
    for (const spec of OP_SPECS) {
      const at = doc.indexOf(`#### \`${spec.name}\`\n`);
      const body = doc.slice(at, doc.indexOf('\n#### ', at + 1));
      expect(body, spec.name).toContain(`${spec.name}${spec.doc.usage ? ` ${spec.doc.usage}` : ''}\n`);
      expect(body, spec.name).toContain(`Example: \`${spec.doc.example}\``);
      expect(spec.doc.example.split(/\s+/).includes(spec.name), `${spec.name}'s example uses it`).toBe(true);
    }
  });

  test('the directives of a script and of a race file are the parsers\'', () => {
    expect(tableWords(section('Directives'))).toEqual([...SCRIPT_DIRECTIVES]);
    expect(tableWords(section('Race files'))).toEqual([...RACE_DIRECTIVES]);
  });

  test('the examples assume what the doc says they assume', () => {
    const block = doc.slice(doc.indexOf('### What the examples assume'));
    const fenced = block.slice(block.indexOf('```\n') + 4, block.indexOf('\n```', block.indexOf('```\n') + 4));
    expect(fenced.split('\n')).toEqual([...EXAMPLE_SETUP]);
  });
});

describe('every example of docs/mmo.md runs', () => {
  const setup = EXAMPLE_SETUP.join('\n');
  test.each(OP_SPECS.map((s) => [s.name, s.doc.example, s.step ?? s.name] as const))('%s: %s', (name, example, stepName) => {
    const before = runScript(parseMmo(setup), { spec: x86_64_618, frames: 1024 }).steps.length;
    const trace = runScript(parseMmo(`${setup}\n${example}`), { spec: x86_64_618, frames: 1024 });
    if (name === 'sample') {
      expect(trace.steps.length).toBe(before); // not a step
      return;
    }
    expect(trace.steps.length).toBe(before + 1);
    const step = trace.steps[before]!;
    expect(step.op).toBe(stepName);
    // it succeeds, or fails with the errno the doc says it fails with
    const errno = Object.hasOwn(EXAMPLE_ERRNO, name) ? EXAMPLE_ERRNO[name]!.split(':')[0] : undefined;
    expect(step.ret, JSON.stringify(step.ret)).toEqual(errno ? expect.objectContaining({ ok: false, errno }) : expect.objectContaining({ ok: true }));
  });
});

describe('the scripts docs/mmo.md shows run', () => {
  /** the fenced blocks (no language) of a section that hold a script */
  function blocks(text: string): string[] {
    const found: string[] = [];
    let open: { plain: boolean; lines: string[] } | undefined;
    for (const line of text.split('\n')) {
      if (line.startsWith('```')) {
        if (open) {
          if (open.plain && /^(scenario|mmap|file|#)/m.test(open.lines.join('\n'))) found.push(open.lines.join('\n'));
          open = undefined;
        } else open = { plain: line === '```', lines: [] };
      } else open?.lines.push(line);
    }
    return found;
  }

  test('the introduction\'s script', () => {
    const [intro] = blocks(doc.slice(0, doc.indexOf('\n## Lines and words')));
    const trace = runScript(parseMmo(intro!), { spec: x86_64_618, frames: 1024 });
    expect(trace.scenario).toBe('cow_demo');
    expect(trace.steps.map((s) => s.ret['data']).filter(Boolean)).toEqual(['A0', 'C0']);
  });

  test('the race file', () => {
    const [race] = blocks(section('Race files'));
    const file = parseRaceFile(race!, 'doc.mmo');
    expect(file.threads.map((t) => t.name)).toEqual(['fault', 'invalidate']);
    expect(file.failsUnder).toEqual(['truncate_count']);
  });
});

describe('the errors docs/mmo.md shows are the parser\'s', () => {
  // rows of the script-error table whose example is one line of code: | what | `LINE` | `MESSAGE` |
  const rows = [...section('Errors').matchAll(/^\| [^|`]+ \| `([^`]+)` \| `((?:[^`\\]|\\.)+)` \|$/gm)].map((m) => [m[1]!, m[2]!.replace(/\\\|/g, '|')] as const);

  test('the table has the rows this test reads', () => {
    expect(rows.length).toBeGreaterThanOrEqual(12);
  });

  test.each(rows)('%s', (line, message) => {
    const setup = EXAMPLE_SETUP.join('\n');
    let error: unknown;
    try {
      runScript(parseMmo(`${setup}\n${line.replace(/\\\|/g, '|')}`, 'doc.mmo'), { spec: x86_64_618, frames: 1024 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MmoSyntaxError);
    // the doc shortens a long message with …: what it shows must be the message's own words
    for (const part of message.split('…').map((p) => p.trim()).filter(Boolean)) expect((error as Error).message).toContain(part);
  });
});

describe('nothing the package ships sends a reader outside the repository for the language', () => {
  const root = join(__dirname, '..');
  /** every file under a directory (the package's own sources, scenarios and docs) */
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
  const shipped = [...files(join(root, 'src')), ...files(join(root, 'scenarios')), join(root, 'README.md'), join(root, 'mmo.md'), join(root, '..', '..', 'docs', 'mmo.md')];

  test('no file names the recording harness\'s files', () => {
    const pointing = shipped.filter((f) => /shared\/host-oracle|host-oracle\//.test(readFileSync(f, 'utf8')));
    expect(pointing.map((f) => f.slice(root.length + 1))).toEqual([]);
  });

  test('the package\'s README sends the reader to its mmo.md, which is the doc', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('[mmo.md](mmo.md)');
    expect(readFileSync(join(root, 'mmo.md'), 'utf8')).toContain(doc);
  });
});
