/**
 * A swapped-out page shared by fork, written by one side after swap-in:
 * the writer must get its own copy while the other side's swap entry
 * still names the page — 2.6.21 can_share_swap_page() counts those
 * entries (mm/swapfile.c), both at do_swap_page's write fault and in
 * do_wp_page; 6.18 decides by PageAnonExclusive. Found by a property test:
 * the model once counted only the mapcount, and the child's write landed
 * in the parent's page.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { parseMmo, runScript } from '../src/index.js';

const script = (writer: 'parent' | 'child', readFirst: boolean): string =>
  [
    'swapon file',
    'mmap M 1 rw- private,anon slot=0',
    'write M 0 P0',
    'fork',
    'reclaim', // both ptes are swap entries now, naming one slot
    ...(readFirst ? [`${writer === 'child' ? '@child ' : ''}read M 0`] : []), // swap-in by a read first: do_wp_page decides
    `${writer === 'child' ? '@child ' : ''}write M 0 W`,
    'read M 0',
    '@child read M 0',
  ].join('\n');

describe('a swapped page shared by fork, then written', () => {
  for (const spec of [...X86, ...PPC]) {
    for (const writer of ['parent', 'child'] as const) {
      for (const readFirst of [false, true]) {
        test(`${spec.id}@${spec.era}: the ${writer} writes${readFirst ? ' after reading it back' : ''}`, () => {
          const trace = runScript(parseMmo(script(writer, readFirst)), { spec }, 'swap-share.mmo', { check: true });
          const reads = trace.steps.filter((s) => s.op === 'read').slice(-2);
          expect(reads.map((s) => [s.proc, s.ret['data']])).toEqual([
            ['parent', writer === 'parent' ? 'W' : 'P0'],
            ['child', writer === 'child' ? 'W' : 'P0'],
          ]);
        });
      }
    }
  }
});
