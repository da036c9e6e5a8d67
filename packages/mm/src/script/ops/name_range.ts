/**
 * name_range NEWR R PAGE NPAGES (simulator only, no syscall): pages PAGE …
 * PAGE+NPAGES−1 of region R get a name of their own, NEWR — what a C
 * program writes as `mem + PAGE * page_size` (the kernel's selftests pass
 * such addresses to mremap(), e.g. mremap_dontunmap.c's partial moves). R
 * keeps its name; the op only adds one, so `mremap NEWR …` starts there.
 */
import { ok, type OpSpec } from './spec.js';
import { tag } from '../values.js';

export const name_rangeOp: OpSpec = {
  name: 'name_range',
  arity: [4, 4],
  doc: {
    family: 'space',
    usage: 'NEWR R PAGE NPAGES',
    text: 'No syscall: pages PAGE … PAGE+NPAGES−1 of region R get a region name of their own, NEWR — what a C program writes as `mem + PAGE * page_size` (the selftests pass such addresses to mremap()). R keeps its name.',
    example: 'name_range A2 A 2 2',
    simulatorOnly: true,
  },
  quiet: true,
  run(ctx, op) {
    const name = ctx.val(op, 0, (t) => tag(t, 'region name'));
    const r = ctx.region(op, 1);
    const page = ctx.page(op, 2);
    const pages = ctx.regionPages(op, 3, ctx.count(op, 3));
    const args = ctx.note({ new_r: name, r: r.name, page, pages });
    ctx.regions.set(name, { name, start: r.start + page, pages });
    return { args, ret: ok() };
  },
};
