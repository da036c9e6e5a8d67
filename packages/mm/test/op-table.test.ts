/**
 * The `.mmo` vocabulary is one table (src/script/ops): the parser takes
 * every op's arity from it, and the ops whose kernel code has stop points
 * stop there when the explorer drives the machine.
 */
import { x86_64_618 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { MmoSyntaxError, parseMmo } from '../src/index.js';
import { OP_SPECS } from '../src/script/ops/index.js';
import { Runner } from '../src/script/run.js';

describe('the op table', () => {
  test('the parser takes each op with its arity and refuses one word fewer or more', () => {
    for (const spec of OP_SPECS) {
      const [min, max] = spec.arity;
      expect(parseMmo(`${spec.name}${' w'.repeat(min)}`).ops[0]?.op, spec.name).toBe(spec.name);
      if (min > 0) expect(() => parseMmo(`${spec.name}${' w'.repeat(min - 1)}`), spec.name).toThrow(MmoSyntaxError);
      if (max !== Infinity) expect(() => parseMmo(`${spec.name}${' w'.repeat(max + 1)}`), spec.name).toThrow(`'${spec.name}' takes`);
    }
  });

  test('every op has one kernel path or call, and a name of its own', () => {
    expect(new Set(OP_SPECS.map((s) => s.name)).size).toBe(OP_SPECS.length);
    for (const spec of OP_SPECS) expect(Number(spec.path !== undefined) + Number(spec.run !== undefined), spec.name).toBe(1);
  });
});

/** The stops an op's path takes with the explorer driving the machine (sched.on), its step's result. */
function stops(runner: Runner, text: string): number {
  let n = 0;
  for (const op of parseMmo(text).ops) {
    runner.m.sched.on = true;
    try {
      const path = runner.stepPath(op);
      for (let r = path.next(); !r.done; r = path.next()) n++;
    } finally {
      runner.m.sched.on = false;
    }
  }
  return n;
}

describe('ops stop where the kernel can be interrupted', () => {
  test('write_all stops between its pages (the writer back in user space)', () => {
    const runner = new Runner({ spec: x86_64_618, frames: 256 }, 't.mmo');
    stops(runner, 'mmap R 3 rw- private,anon slot=0');
    expect(stops(runner, 'write_all R W')).toBeGreaterThanOrEqual(2);
    expect(stops(runner, 'expect R 2 W2')).toBe(0); // present: no fault, no stop
  });

  test('expect reads as a read does: a file fault there stops at its locks', () => {
    const runner = new Runner({ spec: x86_64_618, frames: 256 }, 't.mmo');
    stops(runner, 'file F ext4 2 D\nmmap R 2 r-- shared slot=0 file=F');
    expect(stops(runner, 'expect R 1 D1')).toBeGreaterThan(0);
    expect(stops(runner, 'expect R 1 D1')).toBe(0); // mapped now
  });
});
