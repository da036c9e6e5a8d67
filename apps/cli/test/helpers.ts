/**
 * Run `mmsim` as a user does and see its exit status, stdout and stderr:
 * in-process through main() (what dist/run.cjs calls with process.argv, its
 * status the process's exit status), stdout not a terminal, colour off
 * unless a test asks for it. `spawnBin` runs the built launcher as a child
 * process, for what only a real process shows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { main } from '../src/cli.js';
import { WORKSPACE_KEYS } from './workspace.js';

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
export const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function requireBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the package first (npx tsup)`);
}

/** The environment a test's run sees: this process's, without what would change colour or debugging, plus `env`. */
function runEnv(env: Record<string, string>): Record<string, string | undefined> {
  const base: Record<string, string | undefined> = { ...process.env };
  delete base['NO_COLOR'];
  delete base['FORCE_COLOR'];
  delete base['MMSIM_DEBUG'];
  return { ...base, ...env };
}

/** `mmsim ARGS` in-process, from `cwd`. */
export async function run(args: readonly string[], env: Record<string, string> = { NO_COLOR: '1' }, cwd = CLI_DIR, stdin?: string): Promise<Run> {
  const out = { status: -1 as number | null, stdout: '', stderr: '' };
  const io = { out: (text: string) => void (out.stdout += text), err: (text: string) => void (out.stderr += text) };
  out.status = await main(args, { io, env: runEnv(env), isTTY: false, cwd, ...(stdin !== undefined ? { stdin: async () => stdin } : {}) });
  return out;
}

/** The built launcher (dist/bin.js) as a child process. */
export function spawnBin(args: readonly string[], env: Record<string, string> = { NO_COLOR: '1' }, cwd = CLI_DIR): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: runEnv(env), cwd });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Run with --json: exit status as expected, nothing on stderr, exactly one JSON document on stdout. */
export async function runJson(args: readonly string[], status = 0): Promise<Json> {
  const result = await run([...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(status);
  return JSON.parse(result.stdout) as Json;
}

/** A usage error: exit 2, nothing on stdout, exactly this one line on stderr, no stack trace. */
export function expectUsageError(result: Run, line: string): void {
  expect(result.stderr).toBe(`${line}\n`);
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[/;

/** The result for one variant key (`x86_64@6.18`) in a --json document's list. */
export function byVariant(list: readonly Json[], key: string): Json {
  const found = list.find((r) => r.variant === key);
  if (!found) throw new Error(`no ${key} in ${list.map((r) => r.variant).join(', ')}`);
  return found;
}

/** Every variant key of every backend in the workspace (workspace.ts): what `--arch all` must cover. */
export const ALL_KEYS: string[] = [...WORKSPACE_KEYS];
