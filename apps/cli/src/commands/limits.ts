/**
 * `mmsim limits`: the numbers that bound what each variant can address,
 * one table per era: page size and levels, pfn bits and the physical
 * memory they reach, swap types and offsets and the largest swap device,
 * PTE_FILE_MAX_BITS and how far into a file a nonlinear pte can point.
 */
import type { Variant } from '@mmsim/core';
import type { CommandSpec, RunContext } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { variantLabel } from '../render/describe.js';
import { count, jsonDocument } from '../render/json.js';
import { table } from '../render/table.js';
import { bytes, pageSize, shortHex } from '../render/units.js';

export interface LimitsRow {
  readonly variant: string;
  readonly id: string;
  readonly era: string;
  readonly pageSize: number;
  readonly levels: readonly string[];
  readonly vaBits: number;
  readonly pfnBits: number;
  /** 2^(pfnBits + PAGE_SHIFT): physical bytes a pte's pfn can reach */
  readonly physReachBytes: bigint;
  readonly MAX_PHYSMEM_BITS: number;
  readonly MAX_SWAPFILES: number;
  readonly swapOffsetBits: number;
  readonly maxSwapOffset: bigint;
  readonly swapLimitName: string;
  /** the largest swap device, in pages and bytes */
  readonly maxSwapPages: bigint;
  readonly maxSwapBytes: bigint;
  /** null: no nonlinear file ptes in this era */
  readonly PTE_FILE_MAX_BITS: number | null;
  /** the pgoff bits that really survive pgoff_to_pte → pte_to_pgoff */
  readonly fileRoundtripBits: number | null;
  readonly maxPgoff: bigint | null;
  /** the last byte of a file a nonlinear pte can map */
  readonly maxFileOffsetBytes: bigint | null;
}

export function limitsRow(v: Variant): LimitsRow {
  const c = v.constants;
  const page = BigInt(c.PAGE_SIZE);
  const fileBits = c.fileRoundtripBits;
  const maxPgoff = fileBits === null || c.PTE_FILE_MAX_BITS === 0 ? null : (1n << BigInt(fileBits)) - 1n;
  return {
    variant: v.key,
    id: v.id,
    era: v.era,
    pageSize: c.PAGE_SIZE,
    levels: v.spec.levels.map((l) => l.name),
    vaBits: c.vaBits,
    pfnBits: c.pfnBits,
    physReachBytes: 1n << BigInt(c.pfnBits + c.PAGE_SHIFT),
    MAX_PHYSMEM_BITS: c.physBits,
    MAX_SWAPFILES: c.MAX_SWAPFILES,
    swapOffsetBits: c.maxSwapOffsetBits,
    maxSwapOffset: c.maxSwapOffset,
    swapLimitName: c.swapSizeLimit.name,
    maxSwapPages: c.swapSizeLimit.pages,
    maxSwapBytes: c.swapSizeLimit.pages * page,
    PTE_FILE_MAX_BITS: c.PTE_FILE_MAX_BITS,
    fileRoundtripBits: c.fileRoundtripBits,
    maxPgoff,
    maxFileOffsetBytes: maxPgoff === null ? null : (maxPgoff + 1n) * page - 1n,
  };
}

function fileBitsText(r: LimitsRow): string {
  if (r.PTE_FILE_MAX_BITS === null) return '—';
  if (r.PTE_FILE_MAX_BITS === 0) return '0 (NONLINEAR=n)';
  return r.fileRoundtripBits === r.PTE_FILE_MAX_BITS ? String(r.PTE_FILE_MAX_BITS) : `${r.PTE_FILE_MAX_BITS} (${r.fileRoundtripBits} survive)`;
}

export function limitsJson(rows: readonly LimitsRow[]) {
  return {
    command: 'limits',
    variants: rows.map((r) => ({
      ...r,
      physReachBytes: count(r.physReachBytes),
      maxSwapOffset: shortHex(r.maxSwapOffset),
      maxSwapPages: count(r.maxSwapPages),
      maxSwapBytes: count(r.maxSwapBytes),
      maxPgoff: r.maxPgoff === null ? null : shortHex(r.maxPgoff),
      maxFileOffsetBytes: r.maxFileOffsetBytes === null ? null : count(r.maxFileOffsetBytes),
    })),
  };
}

export function limitsText(variants: readonly Variant[], ctx: RunContext): string[] {
  const { c } = ctx;
  const lines: string[] = [];
  const ids = [...new Set(variants.map((v) => v.id))];
  // Two tables per era, memory then swap and files, so each fits a terminal.
  for (const era of [...new Set(variants.map((v) => v.era))]) {
    const rows = variants.filter((v) => v.era === era).map((v) => ({ v, r: limitsRow(v) }));
    // a variant its backend models in other eras only (an arch that did not exist then)
    const absent = ids.filter((id) => !rows.some(({ v }) => v.id === id));
    lines.push(c.bold(`Linux ${era}: memory`), '');
    if (absent.length) lines.push(c.dim(`not in Linux ${era}: ${absent.join(', ')} (modelled in other eras only)`), '');
    lines.push(
      ...table(
        [
          { header: 'variant' },
          { header: 'page', align: 'right' },
          { header: 'levels' },
          { header: 'VA bits', align: 'right' },
          { header: 'pfn bits', align: 'right' },
          { header: 'phys reach', align: 'right' },
          { header: 'MAX_PHYSMEM_BITS', align: 'right' },
        ],
        rows.map(({ v, r }) => [
          variantLabel(v),
          pageSize(r.pageSize),
          `${r.levels.length} ${r.levels.join('/')}`,
          String(r.vaBits),
          String(r.pfnBits),
          bytes(r.physReachBytes),
          String(r.MAX_PHYSMEM_BITS),
        ]),
      ),
      '',
      c.bold(`Linux ${era}: swap and nonlinear files`),
      '',
      ...table(
        [
          { header: 'variant' },
          { header: 'MAX_SWAPFILES', align: 'right' },
          { header: 'offset bits', align: 'right' },
          { header: 'largest swap (pages)', align: 'right' },
          { header: 'bytes', align: 'right' },
          { header: 'PTE_FILE_MAX_BITS', align: 'right' },
          { header: 'file reach', align: 'right' },
        ],
        rows.map(({ v, r }) => [
          variantLabel(v),
          String(r.MAX_SWAPFILES),
          String(r.swapOffsetBits),
          shortHex(r.maxSwapPages),
          bytes(r.maxSwapBytes),
          fileBitsText(r),
          r.maxFileOffsetBytes === null ? '—' : bytes(r.maxFileOffsetBytes + 1n),
        ]),
      ),
      '',
    );
  }
  lines.push(
    c.dim('phys reach: 2^(pfn bits + PAGE_SHIFT), what the pte can name (the kernel supports up to 2^MAX_PHYSMEM_BITS bytes).'),
    c.dim('largest swap: kernel_swapon_maxpages (2.6.21) or generic_max_swapfile_size (6.18), times the page size.'),
    c.dim('file reach: how far into a file a nonlinear pte can point, from the pgoff bits that survive pte_to_pgoff.'),
  );
  return lines;
}

export const limitsCommand: CommandSpec = {
  name: 'limits',
  usage: 'limits',
  summary: 'page size, levels, pfn and physical reach, swap and nonlinear-file limits of each variant',
  options: {},
  maxPositionals: 0,
  run(ctx) {
    const variants = ctx.variants();
    ctx.print(ctx.json ? [jsonDocument(limitsJson(variants.map(limitsRow)))] : limitsText(variants, ctx));
    return EXIT_OK;
  },
};
