import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { createParser, reportError, UsageError, wantsJson, type CommandBase } from '../src/index.js';

const common = { json: { type: 'boolean', help: 'json' }, help: { type: 'boolean', short: 'h', help: 'help' }, kernel: { type: 'string', multiple: true, value: 'ERA', help: 'era' } } as const;
const commands: CommandBase[] = [
  { name: 'show', summary: 'show', usage: 'show', options: {}, maxPositionals: 0 },
  { name: 'get', summary: 'get', usage: 'get X', options: { out: { type: 'string', value: 'FILE', help: 'out' } }, maxPositionals: 1 },
  { name: 'make a', summary: 'a', usage: 'make a', options: {}, maxPositionals: 0 },
];
const parser = createParser({ program: 'tool', commands, common, defaultCommand: commands[0]!, mainHelp: () => ['main'], commandHelp: (c) => [`help ${c.name}`], groupHelp: () => ['group'] });

function usage(args: string[]): string {
  try {
    parser.parse(args);
  } catch (error) {
    if (error instanceof UsageError) return `${error.prefix ?? ''}: ${error.message}`;
    throw error;
  }
  throw new Error('accepted');
}

describe('createParser', () => {
  test('a repeatable option keeps every value, in order; a single one given twice is refused', () => {
    const p = parser.parse(['get', '--kernel', '6.18', 'x', '--kernel', '2.6.21']);
    expect(p).toMatchObject({ kind: 'run', values: { kernel: ['6.18', '2.6.21'] }, positionals: ['x'] });
    expect(usage(['get', 'x', '--out', 'a', '--out', 'b'])).toBe("tool get: option '--out' given twice ('a', then 'b'); it takes one value");
  });

  test('the command is found wherever it sits; group words; the default', () => {
    expect(parser.parse(['--json', 'get', 'x'])).toMatchObject({ kind: 'run', located: { command: { name: 'get' }, words: 1 } });
    expect(parser.parse(['make', 'a'])).toMatchObject({ kind: 'run', located: { command: { name: 'make a' }, words: 2 } });
    expect(parser.parse([])).toMatchObject({ kind: 'run', located: { command: { name: 'show' }, words: 0 } });
    expect(parser.parse(['make', '--help'])).toEqual({ kind: 'help', lines: ['group'] });
    expect(parser.parse(['help', 'get'])).toEqual({ kind: 'help', lines: ['help get'] });
    expect(parser.parse(['--version'])).toEqual({ kind: 'version' });
  });

  test('every bad command line is one UsageError naming the value', () => {
    expect(usage(['frob'])).toBe("tool: unknown command 'frob' (valid: show, get, make, help; no command: show)");
    expect(usage(['get', '--frob'])).toBe("tool get: unknown option '--frob' (valid: --json, --help, --kernel, --out)");
    expect(usage(['get', 'x', 'y'])).toBe("tool get: unexpected argument 'y' (usage: tool get X)");
    expect(usage(['get', '--out'])).toBe("tool get: option '--out' needs a value FILE (out)");
    expect(usage(['make', 'b'])).toBe("tool make: unknown kind 'b' (valid: a)");
    // a negative number is a value, not an option
    expect(parser.parse(['get', '-5'])).toMatchObject({ kind: 'run', positionals: ['-5'] });
  });

  test('hostile argument vectors: parsed or one UsageError, never anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('get', 'show', 'make', 'help', '--out', '--kernel', '--json', '-h', '--', '-', '-5', '--out=x'), fc.string()), { maxLength: 8 }), (args) => {
        try {
          parser.parse(args);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('errors', () => {
  test('one line, or one JSON object under --json; a bug is exit 3', () => {
    const opts = { prefix: 'tool get', program: 'tool', json: false, debug: false };
    expect(reportError(new UsageError('bad\nvalue'), opts)).toEqual({ status: 2, text: 'tool get: bad value\n' });
    expect(reportError(new UsageError('bad'), { ...opts, json: true })).toEqual({ status: 2, text: '{"error":{"message":"tool get: bad","status":2}}\n' });
    expect(reportError(new TypeError('oops'), opts)).toEqual({ status: 3, text: 'tool: internal error: oops (set MMSIM_DEBUG=1 for the stack trace)\n' });
    expect(wantsJson(['x', '--json'])).toBe(true);
    expect(wantsJson(['--reporter', 'json'])).toBe(true);
    expect(wantsJson(['--', '--json'])).toBe(false);
  });
});
