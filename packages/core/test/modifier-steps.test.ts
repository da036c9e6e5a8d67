/**
 * What core derives from the newer spec data: modifiers as conditional steps
 * (arm64's pte_mkwrite, pte_mkdirty, pte_wrprotect), pmd_mkhuge clearing a
 * bit (arm64's table bit), and the protection_map every variant declares.
 */
import { describe, expect, test } from 'vitest';
import { VARIANTS as ARM64, arm64_618 } from '../../arch-arm64/src/index.js';
import { VARIANTS as POWERPC } from '../../arch-powerpc/src/index.js';
import { VARIANTS as RISCV } from '../../arch-riscv/src/index.js';
import { compileVariant } from '../src/compile/variant.js';
import type { ModifierWords } from '../src/compile/variant.js';
import { resolveBackend, UnsupportedBackendVersionError } from '../src/spec/backend.js';
import { MODIFIER_NAMES, type ModifierName, type VariantSpec } from '../src/spec/variant-spec.js';
import { hi32, lo32 } from '../src/u64/pair.js';
import { fc, newReg, prop, u64, VARIANTS as X86 } from './helpers.js';

const ALL: readonly VariantSpec[] = [...X86, ...POWERPC, ...RISCV, ...ARM64];
const bit = (n: number) => 1n << BigInt(n);
// arm64 pgtable-hwdef.h / pgtable-prot.h: PTE_RDONLY 7, PTE_WRITE (DBM) 51, PTE_DIRTY 55, PTE_UFFD_WP 58, table bit 1
const RDONLY = bit(7);
const WRITE = bit(51);
const DIRTY = bit(55);
const UFFD_WP = bit(58);

/** the words' meaning, applied as mm's modify path applies them */
function applyWords(w: ModifierWords, pte: bigint): bigint {
  let hi = hi32(pte);
  let lo = lo32(pte);
  for (const st of w.steps ?? [{ whenHi: 0, whenLo: 0, valueHi: 0, valueLo: 0, setHi: w.setHi, setLo: w.setLo, keepHi: w.keepHi, keepLo: w.keepLo }]) {
    if (((hi & st.whenHi) >>> 0) !== st.valueHi || ((lo & st.whenLo) >>> 0) !== st.valueLo) continue;
    hi = ((hi | st.setHi) & st.keepHi) >>> 0;
    lo = ((lo | st.setLo) & st.keepLo) >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

describe('arm64 modifiers: conditional steps (pgtable.h 293–331)', () => {
  const v = compileVariant(arm64_618);
  const k = v.kernel;
  test('pte_mkdirty clears PTE_RDONLY only in a writable pte', () => {
    expect(k.modify('pte_mkdirty', WRITE | RDONLY)).toBe(WRITE | DIRTY);
    expect(k.modify('pte_mkdirty', RDONLY)).toBe(RDONLY | DIRTY);
  });
  test('pte_mkwrite clears PTE_RDONLY only in a software-dirty pte', () => {
    expect(k.modify('pte_mkwrite', RDONLY)).toBe(WRITE | RDONLY);
    expect(k.modify('pte_mkwrite', RDONLY | DIRTY)).toBe(WRITE | DIRTY);
  });
  test('pte_wrprotect keeps hardware dirtiness as PTE_DIRTY', () => {
    expect(k.modify('pte_wrprotect', WRITE)).toBe(RDONLY | DIRTY);
    expect(k.modify('pte_wrprotect', WRITE | RDONLY)).toBe(RDONLY);
  });
  test('pte_mkuffd_wp is pte_wrprotect with the bit (pgtable.h 386–389)', () => {
    expect(k.pte_mkuffd_wp(WRITE)).toBe(UFFD_WP | RDONLY | DIRTY);
  });
  test('the modifier words carry the steps and fold to nothing', () => {
    const w = v.modifierWords.pte_mkdirty!;
    expect(w.steps?.length).toBe(2);
    expect([w.setHi, w.setLo]).toEqual([0, 0]);
  });
});

describe('fast modifiers, modifier words and the kernel layer agree, every variant and modifier', () => {
  for (const spec of ALL) {
    const v = compileVariant(spec);
    const names = MODIFIER_NAMES.filter((n): n is ModifierName => spec.modifiers[n] !== undefined);
    prop([u64, fc.constantFrom(...names)], { numRuns: 200 })(`${v.key}`, (raw, name) => {
      const pte = raw & ((1n << BigInt(spec.pteBits)) - 1n);
      const want = v.kernel.modify(name, pte);
      const out = newReg();
      v.fastModifiers[name]!(hi32(pte), lo32(pte), out);
      expect((BigInt(out.hi) << 32n) | BigInt(out.lo)).toBe(want);
      expect(applyWords(v.modifierWords[name]!, pte)).toBe(want);
    });
  }
});

describe('pmd_mkhuge that clears a bit (arm64: the table bit, pgtable.h 643–654)', () => {
  const v = compileVariant(arm64_618);
  test('a table-typed pmd becomes a block, PTE_VALID kept', () => {
    expect(v.kernel.pmd_mkhuge(0b11n)).toBe(0b01n);
    expect(v.kernel.pmd_mkhuge(0n)).toBe(0n);
  });
  prop([fc.bigInt({ min: 0n, max: (1n << 26n) - 1n }), u64], { numRuns: 200 })('mk_huge_pmd: fast == kernel, and the result is trans-huge when present', (pfn, rawProt) => {
    const prot = rawProt & ~(3n << 62n);
    const want = v.kernel.mk_huge_pmd(pfn << 9n, prot);
    const f = v.fast;
    const hi = f.mk_huge_pmd_hi!(hi32(pfn << 9n), lo32(pfn << 9n), hi32(prot), lo32(prot));
    const lo = f.mk_huge_pmd_lo!(hi32(pfn << 9n), lo32(pfn << 9n), hi32(prot), lo32(prot));
    expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(want);
    expect(want & 0b10n).toBe(0n);
    if (v.kernel.pmd_present(want)) expect(v.kernel.pmd_trans_huge(want)).toBe(true);
  });
});

describe('protection_map', () => {
  test('every variant names 16 of its own prots', () => {
    for (const spec of ALL) {
      expect(spec.protectionMap.names, `${spec.id}@${spec.era}`).toHaveLength(16);
      for (const n of spec.protectionMap.names) expect(Object.hasOwn(spec.prots, n), `${spec.id}@${spec.era} ${n}`).toBe(true);
    }
  });
  const backend = (protectionMap: unknown) => ({ specificationVersion: 'v1', name: 't', variants: [{ ...arm64_618, protectionMap }] });
  test('resolveBackend refuses a map of the wrong length, or naming a prot the variant lacks', () => {
    const names = arm64_618.protectionMap.names;
    expect(() => resolveBackend(backend({ ...arm64_618.protectionMap, names: names.slice(1) }))).toThrow(/has 15 entries, not 16/);
    expect(() => resolveBackend(backend({ ...arm64_618.protectionMap, names: ['PAGE_COPY', ...names.slice(1)] }))).toThrow(UnsupportedBackendVersionError);
    expect(() => resolveBackend(backend({ ...arm64_618.protectionMap, names: ['PAGE_COPY', ...names.slice(1)] }))).toThrow(/entry 0 names 'PAGE_COPY'/);
    expect(() => resolveBackend(backend(undefined))).toThrow(/declares no protectionMap/);
  });
});
