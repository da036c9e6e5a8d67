/**
 * Structural sanity of the layout data itself: fields inside their
 * containers, no two fields of one layout sharing a bit, a consistent
 * level geometry. These catch a typo before any vector does.
 */
import { fieldMask, maskBig, type Field } from '@mmsim/core';
import { expectEqual, expectTrue } from '../assert.js';
import type { ConformanceCheck } from '../types.js';

function disjoint(fields: readonly Field[]): string | undefined {
  let seen = 0n;
  for (const f of fields) {
    const mask = fieldMask(f);
    if (mask & seen) return f.name;
    seen |= mask;
  }
  return undefined;
}

export const LAYOUT_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'layout.fields',
    group: 'layout',
    title: 'swap, file and pfn fields lie inside the pte and do not overlap each other or the swap flag bits',
    run(v) {
      const P = maskBig(v.constants.pteBits);
      const d = v.derivedSwap;
      for (const f of [d.pteType, d.pteOffset, v.spec.pfn.field, ...(v.spec.file ? [v.spec.file.pgoff] : [])]) {
        expectEqual(v, `field ${f.name} lies inside the ${v.constants.pteBits}-bit pte`, 0n, fieldMask(f) & ~P);
      }
      const clash = disjoint([d.pteType, d.pteOffset, { name: 'swap flags', spans: [] }]);
      expectTrue(v, `swap field ${clash} overlaps another`, clash === undefined);
      expectEqual(v, 'swap fields and swap flag bits overlap', 0n, (fieldMask(d.pteType) | fieldMask(d.pteOffset)) & d.flagMask);
      expectEqual(v, 'swap fields and the constant swap bits overlap', 0n, (fieldMask(d.pteType) | fieldMask(d.pteOffset)) & d.set);
      if (v.spec.file) expectEqual(v, 'pgoff field overlaps _PAGE_FILE', 0n, fieldMask(v.spec.file.pgoff) & v.spec.file.set);
      for (const f of [v.spec.swap.arch.type, v.spec.swap.arch.offset]) {
        expectEqual(v, `arch swap field ${f.name} lies inside the ${v.constants.wordBits}-bit swp_entry_t`, 0n, fieldMask(f) & ~maskBig(v.constants.wordBits));
      }
    },
  },
  {
    id: 'layout.levels',
    group: 'layout',
    title: 'each level indexes the bits just above the next one, down to PAGE_SHIFT',
    run(v) {
      const levels = v.spec.levels;
      expectEqual(v, 'the last level is the pte level', 'pte', levels[levels.length - 1]!.name);
      expectEqual(v, 'pte level shift', v.constants.PAGE_SHIFT, levels[levels.length - 1]!.shift);
      for (let i = 0; i + 1 < levels.length; i++) {
        const upper = levels[i]!;
        const lower = levels[i + 1]!;
        expectEqual(v, `${upper.name} shift`, lower.shift + lower.bits, upper.shift);
      }
    },
  },
];
