/**
 * One-line commands that reproduce a single failing case: what a failure
 * report prints under `repro`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Quote one argument for a POSIX shell, only when it needs it. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[\w./:=@,+%^-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Split a command line as a POSIX shell would for what shellQuote produces (plain words, '…' and "…"). */
export function shellSplit(line: string): string[] {
  const out: string[] = [];
  let current: string | undefined;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (current !== undefined) out.push(current);
      current = undefined;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      current = (current ?? '') + line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end + 1;
    } else if (c === '"') {
      const end = line.indexOf('"', i + 1);
      current = (current ?? '') + line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end + 1;
    } else if (c === '\\' && i + 1 < line.length) {
      current = (current ?? '') + line[i + 1];
      i += 2;
    } else {
      current = (current ?? '') + c;
      i++;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}

export function commandLine(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

/**
 * `--backend` values as a repro command should carry them: a path that
 * exists becomes absolute (the command may be run from elsewhere), a package
 * name stays as it is.
 */
export function backendArgs(values: readonly string[], cwd = process.cwd()): string[] {
  return values.flatMap((value) => {
    const path = resolve(cwd, value);
    return ['--backend', existsSync(path) ? path : value];
  });
}

/** An integer option value; a negative one is written `--seed=-5`, which no parser takes for an option name. */
export function numberOption(name: string, value: number): string[] {
  return value < 0 ? [`${name}=${value}`] : [name, String(value)];
}
