/**
 * A failing step says what it was asked: the arguments its op noted before
 * the syscall failed, or — for an op that failed before noting any — the
 * words of its line (`argv`), never an empty `{}`.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { afterEach, describe, expect, test } from 'vitest';
import { parseMmo, runScript, SyscallError } from '../src/index.js';
import { OPS } from '../src/script/ops/index.js';
import type { OpSpec } from '../src/script/ops/spec.js';

const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
const ops = OPS as Map<string, OpSpec>;
const madvise = ops.get('madvise')!;
afterEach(() => void ops.set('madvise', madvise));

describe('a failing step keeps its arguments', () => {
  test('noted before the syscall: shown as noted', () => {
    const trace = runScript(parseMmo('scenario t a\nmmap A 2 rw- private,anon slot=0\nmadvise A 0 2 REMOVE\n', 't.mmo'), { spec });
    expect(trace.steps[1]).toMatchObject({ op: 'madvise', args: { r: 'A', page: 0, npages: 2, advice: 'REMOVE' }, ret: { ok: false, errno: 'EINVAL' } });
  });

  test('failed before noting any: the words of its line', () => {
    // an op whose kernel refuses before the op has read its arguments
    ops.set('madvise', {
      ...madvise,
      path: undefined,
      run: () => {
        throw new SyscallError('EINVAL', 'refused up front');
      },
    });
    const trace = runScript(parseMmo('scenario t a\nmmap A 2 rw- private,anon slot=0\nmadvise A 0 2 REMOVE\n', 't.mmo'), { spec });
    expect(trace.steps[1]).toMatchObject({ op: 'madvise', args: { argv: 'A 0 2 REMOVE' }, ret: { ok: false, errno: 'EINVAL' } });
  });
});
