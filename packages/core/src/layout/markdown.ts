/**
 * Markdown for a variant, rendered from its layout data: geometry, limits,
 * provenance and the bit layout of each pte format.
 */
import type { Variant } from '../compile/variant.js';
import { noThpReason, sizeText } from '../spec/thp.js';
import { hex } from '../u64/pair.js';
import { bitSpan, hugePmdFormat, pteFormats } from './describe.js';

function thpCell(v: Variant): string {
  const c = v.constants;
  if (!c.hasThp) return `— (${noThpReason(v.era)})`;
  return `HPAGE_PMD_SHIFT ${c.HPAGE_PMD_SHIFT} (${sizeText(c.HPAGE_PMD_SHIFT!)}), HPAGE_PMD_ORDER ${c.HPAGE_PMD_ORDER}; huge pmds hold ${c.hugePfnBits} pfn bits`;
}

/** A byte count in the largest binary unit that divides it evenly enough to read (3 GiB, 128 TiB − 4 KiB). */
function bytesText(bytes: bigint): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  for (let u = units.length - 1; u > 0; u--) {
    const unit = 1n << BigInt(10 * u);
    if (bytes >= unit && bytes % unit === 0n) return `${bytes / unit} ${units[u]}`;
    // a limit one page short of a power of two (x86_64's guard page)
    const up = (bytes / unit + 1n) * unit;
    if (bytes >= unit && up - bytes <= 65536n) return `${up / unit} ${units[u]} − ${bytesText(up - bytes)}`;
  }
  return `${bytes} bytes`;
}

function taskSizeCell(v: Variant): string {
  const c = v.constants;
  const t = v.spec.TASK_SIZE;
  const value = `${hex(c.TASK_SIZE, c.wordBits)} (${bytesText(c.TASK_SIZE)})`;
  if (!t) return `${value}: not declared — the page tables' reach`;
  const where = `\`${t.source.file}\`${t.source.lines ? ` ${t.source.lines}` : ''}`;
  return `${value}${t.config ? `, ${t.config}` : ''}; ${where}`;
}

export function variantMarkdown(v: Variant): string {
  const c = v.constants;
  const lines: string[] = [];
  lines.push(`## ${v.spec.title} — \`${v.id}\`, ${v.era}`, '');
  lines.push(`| | |`, `| --- | --- |`);
  lines.push(`| word / pte bits | ${c.wordBits} / ${c.pteBits}${v.spec.byteOrder === 'big' ? ' (big-endian in memory)' : ''} |`);
  lines.push(`| PAGE_SHIFT | ${c.PAGE_SHIFT} (${c.PAGE_SIZE / 1024} KiB pages) |`);
  lines.push(`| levels | ${v.spec.levels.map((l) => `${l.name} ${l.bits} bits @${l.shift}`).join(', ')} (${c.vaBits}-bit VA) |`);
  lines.push(`| TASK_SIZE | ${taskSizeCell(v)} |`);
  lines.push(`| pfn bits in a pte | ${c.pfnBits} (MAX_PHYSMEM_BITS ${c.physBits}) |`);
  lines.push(`| MAX_SWAPFILES | ${c.MAX_SWAPFILES} |`);
  lines.push(`| swap offset | ${c.maxSwapOffsetBits} bits, max ${hex(c.maxSwapOffset, c.wordBits)}; ${c.swapSizeLimit.name} ${hex(c.swapSizeLimit.pages, c.wordBits)} pages |`);
  lines.push(`| PTE_FILE_MAX_BITS | ${c.PTE_FILE_MAX_BITS === null ? '— (no nonlinear mappings)' : `${c.PTE_FILE_MAX_BITS}${c.fileRoundtripBits !== c.PTE_FILE_MAX_BITS ? ` (only ${c.fileRoundtripBits} survive pte_to_pgoff)` : ''}`} |`);
  lines.push(`| PMD-mapped THP | ${thpCell(v)} |`);
  lines.push('');
  const huge = hugePmdFormat(v);
  for (const format of huge ? [...pteFormats(v), huge] : pteFormats(v)) {
    lines.push(`### ${format.title}`, '');
    if (format.source) lines.push(`From \`${format.source}\`.`, '');
    lines.push('| bits | name | detail |', '| --- | --- | --- |');
    for (const r of format.ranges) lines.push(`| ${bitSpan(r)} | ${r.name} | ${r.detail ?? ''} |`);
    lines.push('');
  }
  if (v.spec.quirks?.length) {
    lines.push('### Quirks', '');
    for (const q of v.spec.quirks) lines.push(`- ${q}`);
    lines.push('');
  }
  lines.push('### Sources', '');
  for (const s of v.spec.sources) lines.push(`- \`${s.file}\`${s.lines ? ` ${s.lines}` : ''} (${s.version})${s.what ? `: ${s.what}` : ''}`);
  lines.push('');
  return lines.join('\n');
}
