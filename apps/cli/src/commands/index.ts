/** Every command, in the order help lists them. */
import type { CommandSpec } from '../command.js';
import { decodeCommand } from './decode.js';
import { diffCommand } from './diff.js';
import { ENCODE_KINDS } from './encode.js';
import { layoutCommand } from './layout.js';
import { limitsCommand } from './limits.js';
import { overviewCommand } from './overview.js';
import { runCommand } from './run.js';
import { exploreCommand } from './explore-command.js';
import { replayCommand } from './replay.js';
import { recordCommand } from './record.js';
import { checkCommand } from './check.js';

export { overviewCommand, ENCODE_KINDS };

/** The top-level words: `encode` stands for its kinds. */
export const TOP_LEVEL = ['decode', 'encode', 'layout', 'limits', 'diff', 'run', 'explore', 'replay', 'record', 'check', 'overview', 'help'] as const;

export const COMMANDS: readonly CommandSpec[] = [overviewCommand, decodeCommand, ...ENCODE_KINDS, layoutCommand, limitsCommand, diffCommand, runCommand, exploreCommand, replayCommand, recordCommand, checkCommand];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
