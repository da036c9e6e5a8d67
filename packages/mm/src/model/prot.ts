/**
 * vm_get_page_prot(): the pte protection for a VMA's flags, from the arch's
 * named protections (protection_map, mm/mmap.c: __P000..__S111). Private
 * writable mappings get PAGE_COPY (read-only: the first write faults and
 * COWs); archs without a separate PAGE_COPY use PAGE_READONLY.
 */
import { hi32, lo32, type Variant } from '@mmsim/core';
import { VM_EXEC, VM_READ, VM_SHARED, VM_WRITE } from '../kernel/vma.js';

function pick(v: Variant, names: readonly string[]): bigint {
  for (const n of names) {
    const p = v.spec.prots[n];
    if (p !== undefined) return p;
  }
  throw new Error(`${v.key} has none of the protections ${names.join(', ')}`);
}

/** The protection names vm_get_page_prot tries for these VMA flags, first found wins. */
export function protNames(flags: number): string[] {
  const exec = (flags & VM_EXEC) !== 0;
  const x = (base: string) => (exec ? [`${base}_EXEC`, `${base}_X`, base] : [base]);
  if ((flags & (VM_READ | VM_WRITE | VM_EXEC)) === 0) return ['PAGE_NONE'];
  if (flags & VM_WRITE) {
    if (flags & VM_SHARED) return x('PAGE_SHARED');
    return [...x('PAGE_COPY'), ...x('PAGE_READONLY')];
  }
  return x('PAGE_READONLY');
}

export function vmGetPageProt(v: Variant, flags: number): bigint {
  return pick(v, protNames(flags));
}

/** The prot as (hi, lo) words for each of the 16 READ/WRITE/EXEC/SHARED combinations: no allocation per pte. */
export class ProtCache {
  private readonly his = new Uint32Array(16);
  private readonly los = new Uint32Array(16);
  constructor(v: Variant) {
    for (let key = 0; key < 16; key++) {
      const p = vmGetPageProt(v, key);
      this.his[key] = hi32(p);
      this.los[key] = lo32(p);
    }
  }

  hi(flags: number): number {
    return this.his[flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED)]!;
  }

  lo(flags: number): number {
    return this.los[flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED)]!;
  }
}
