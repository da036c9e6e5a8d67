/**
 * get_user_pages / pin_user_pages of one page and the device that reads and writes through
 * the pin (mmsim extensions for the race scenarios, kernel/gup.ts).
 */
import { ok, type OpSpec } from './spec.js';
import { device_read, device_write, FOLL_LONGTERM, FOLL_PIN, FOLL_WRITE, get_user_pages, unpin_user_page } from '../../kernel/gup.js';
import { flagSet, tag, type FlagNames } from '../values.js';

const GUP_FLAGS: FlagNames = new Map([
  ['write', FOLL_WRITE],
  ['pin', FOLL_PIN],
  ['longterm', FOLL_LONGTERM],
]);

export const gupOp: OpSpec = {
  name: 'gup',
  arity: [4, 4],
  doc: {
    family: 'gup',
    usage: 'R PAGE FLAGS NAME',
    text: 'get_user_pages / pin_user_pages of page PAGE of R, the reference named NAME for the ops after it. FLAGS: a comma list of `write` (FOLL_WRITE), `pin` (FOLL_PIN: GUP_PIN_COUNTING_BIAS) and `longterm` (FOLL_LONGTERM), or `none`; a write or unshare fault is taken first where the kernel takes one.',
    example: 'gup A 1 write,pin Q',
    simulatorOnly: true,
  },
  run(ctx, op, p) {
    const m = ctx.m;
    // mmsim extension: get_user_pages / pin_user_pages of one page, the pin named for later ops
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const gupFlags = ctx.val(op, 2, (t) => flagSet(t, GUP_FLAGS, 'gup flag')).bits;
    const pin = ctx.val(op, 3, (t) => tag(t, 'pin name'));
    const args = ctx.note({ r: r.name, page, flags: op.words[2], pin });
    const id = get_user_pages(m, p.mm, r.start + page, gupFlags);
    ctx.pins.set(pin, id);
    return { args, ret: ok() };
  },
};

export const unpinOp: OpSpec = {
  name: 'unpin',
  arity: [1, 1],
  doc: {
    family: 'gup',
    usage: 'NAME',
    text: 'unpin_user_page (or put_page for a plain get) of pin NAME; the name is free again.',
    example: 'unpin P',
    simulatorOnly: true,
  },
  run(ctx, op) {
    const m = ctx.m;
    const id = ctx.pin(op, 0);
    const args = ctx.note({ pin: op.words[0] });
    unpin_user_page(m, id);
    ctx.pins.delete(op.words[0]!);
    return { args, ret: ok() };
  },
};

export const dev_writeOp: OpSpec = {
  name: 'dev_write',
  arity: [2, 2],
  doc: {
    family: 'gup',
    usage: 'NAME TAG',
    text: 'A device writes TAG into the page pin NAME holds (DMA: not through any pte). The pin must have been taken with `write` (else EINVAL: the device may only read).',
    example: 'dev_write P D0',
    simulatorOnly: true,
  },
  run(ctx, op) {
    const m = ctx.m;
    const id = ctx.pin(op, 0);
    const t = ctx.val(op, 1, (w) => tag(w));
    const args = ctx.note({ pin: op.words[0], tag: t });
    device_write(m, id, m.tags.intern(t));
    return { args, ret: ok() };
  },
};

export const dev_readOp: OpSpec = {
  name: 'dev_read',
  arity: [1, 1],
  doc: {
    family: 'gup',
    usage: 'NAME',
    text: 'A device reads the page pin NAME holds; `ret.data` is its tag.',
    example: 'dev_read P',
    simulatorOnly: true,
  },
  run(ctx, op) {
    const m = ctx.m;
    const id = ctx.pin(op, 0);
    const args = ctx.note({ pin: op.words[0] });
    return { args, ret: { ok: true, data: m.tags.name(device_read(m, id)) } };
  },
};
