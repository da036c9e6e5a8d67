/**
 * The race scenarios' expectations: what the process reads, what a pin's device reads, and
 * whether the process maps the page a pin holds. A miss throws ExpectationFailed.
 */
import { ok, type OpSpec } from './spec.js';
import { access, access_path } from '../../kernel/memory.js';
import { device_read } from '../../kernel/gup.js';
import { present_frame } from '../../kernel/pagewalk.js';
import { tag } from '../values.js';
import { ExpectationFailed } from '../errors.js';

/** R PAGE TAG [why…]: the process reads TAG there */
export const expectOp: OpSpec = {
  name: 'expect',
  arity: [3, Infinity],
  doc: {
    family: 'expect',
    usage: 'R PAGE TAG [why…]',
    text: 'The process reads TAG at page PAGE of R (a read as `read` makes it; a signal reads as its name, `SIGBUS`). Anything else ends the run with the reason (the rest of the line) and what was read: exit 1 from `mmsim run`, a failure for the explorer.',
    example: 'expect A 0 A0 the parent keeps its data',
    simulatorOnly: true,
  },
  freeTextFrom: 3,
  // a read as the `read` op makes it: a file fault there stops where the kernel's does
  *path(ctx, op, p) {
    const m = ctx.m;
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const want = ctx.val(op, 2, (t) => tag(t));
    const args = ctx.note({ r: r.name, page, tag: want });
    const res = yield* access_path(m, p.mm, r.start + page, false);
    const got = res.ok ? res.tag : res.signal;
    if (got !== want) throw new ExpectationFailed(op, `${op.proc} reads ${got} at ${r.name} page ${page}, not ${want}`);
    return { args, ret: ok() };
  },
};

/** PIN TAG [why…]: the device reads TAG through the pin */
export const expect_devOp: OpSpec = {
  name: 'expect_dev',
  arity: [2, Infinity],
  doc: {
    family: 'expect',
    usage: 'NAME TAG [why…]',
    text: 'The device reads TAG through pin NAME; else the run fails as for `expect`.',
    example: 'expect_dev P A0 the pin still sees the old data',
    simulatorOnly: true,
  },
  freeTextFrom: 2,
  run(ctx, op) {
    const m = ctx.m;
    const id = ctx.pin(op, 0);
    const want = ctx.val(op, 1, (t) => tag(t));
    const args = ctx.note({ pin: op.words[0], tag: want });
    const got = m.tags.name(device_read(m, id));
    if (got !== want) throw new ExpectationFailed(op, `pin ${op.words[0]} reads ${got}, not ${want}`);
    return { args, ret: ok() };
  },
};

/** R PAGE PIN [why…]: the process maps the very page the pin holds */
export const expect_pinnedOp: OpSpec = {
  name: 'expect_pinned',
  arity: [3, Infinity],
  doc: {
    family: 'expect',
    usage: 'R PAGE NAME [why…]',
    text: 'The process maps, at page PAGE of R, the very page pin NAME holds; else the run fails, naming both pfns.',
    example: 'expect_pinned A 0 P the pin is the mapped page',
    simulatorOnly: true,
  },
  freeTextFrom: 3,
  run(ctx, op, p) {
    const m = ctx.m;
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const pinned = m.pins[ctx.pin(op, 2)]!.frame;
    const args = ctx.note({ r: r.name, page, pin: op.words[2] });
    const mapped = present_frame(m, p.mm, r.start + page);
    if (mapped !== pinned) {
      const pfn = (f: number): string => (f < 0 ? 'nothing' : `pfn 0x${m.frames.pfn(f).toString(16)}`);
      const seen = access(m, p.mm, r.start + page, false);
      throw new ExpectationFailed(op, `pin ${op.words[2]} holds ${pfn(pinned)}, but ${op.proc} maps ${pfn(mapped)} at ${r.name} page ${page} and reads ${seen.ok ? seen.tag : seen.signal}`);
    }
    return { args, ret: ok() };
  },
};
