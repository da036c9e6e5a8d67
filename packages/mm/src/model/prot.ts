/**
 * vm_get_page_prot(): the pte protection for a VMA's flags — the arch's own
 * protection_map[16] (the spec's `protectionMap`, 2.6.21 mm/mmap.c from the
 * arch's __P000..__S111, 6.18 the arch's table), indexed by the flags'
 * VM_READ | VM_WRITE | VM_EXEC | VM_SHARED. Private writable mappings get a
 * read-only prot (PAGE_COPY, or PAGE_READONLY where the arch has no
 * PAGE_COPY): the first write faults and COWs.
 */
import { hi32, lo32, type Variant } from '@mmsim/core';
import { VM_EXEC, VM_READ, VM_SHARED, VM_WRITE } from '../kernel/vma.js';

const INDEX = VM_READ | VM_WRITE | VM_EXEC | VM_SHARED;

/** The protection name protection_map gives these VMA flags. */
export function protName(v: Pick<Variant, 'spec'>, flags: number): string {
  return v.spec.protectionMap.names[flags & INDEX]!;
}

export function vmGetPageProt(v: Variant, flags: number): bigint {
  const name = protName(v, flags);
  const p = v.spec.prots[name];
  // resolveBackend refuses a map naming a prot the variant lacks; a hand-built spec can still get here
  if (p === undefined) throw new Error(`${v.key}: protection_map names ${name}, which is not one of its prots`);
  return p;
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
    return this.his[flags & INDEX]!;
  }

  lo(flags: number): number {
    return this.los[flags & INDEX]!;
  }
}
