/**
 * `mmsim-test overview`: every installed variant in both eras, with its
 * geometry, swap limits and one sample swap pte and file pte.
 */
import { compileVariant, hex, type BackendV1, type Era } from '@mmsim/core';
import { shortHex, table } from '../format.js';

/** Sample inputs of the overview's two pte columns. */
export const SAMPLE_SWAP = { type: 3, offset: 0x1234n } as const;
export const SAMPLE_PGOFF = 0x1234n;

export interface OverviewRow {
  readonly backend: string;
  readonly variant: string;
  readonly era: Era;
  readonly title: string;
  readonly pageSize: number;
  readonly levels: string[];
  readonly vaBits: number;
  readonly pteBits: number;
  readonly MAX_SWAPFILES: number;
  readonly swapOffsetBits: number;
  readonly maxSwapOffset: bigint;
  /** null in 6.18 */
  readonly PTE_FILE_MAX_BITS: number | null;
  /** swp_entry_to_pte(swp_entry(3, 0x1234)) */
  readonly swapPte: bigint;
  /** pgoff_to_pte(0x1234); null where there are no file ptes */
  readonly filePte: bigint | null;
}

export function overviewRows(backends: readonly BackendV1[]): OverviewRow[] {
  const rows: OverviewRow[] = [];
  for (const backend of backends) {
    for (const spec of backend.variants) {
      const v = compileVariant(spec);
      const k = v.kernel;
      const c = v.constants;
      let filePte: bigint | null = null;
      if (c.PTE_FILE_MAX_BITS !== null && v.fast.pgoff_to_pte) {
        try {
          filePte = k.pgoff_to_pte(SAMPLE_PGOFF);
        } catch {
          filePte = null;
        }
      }
      rows.push({
        backend: backend.name,
        variant: v.id,
        era: v.era,
        title: spec.title,
        pageSize: c.PAGE_SIZE,
        levels: spec.levels.map((l) => l.name),
        vaBits: c.vaBits,
        pteBits: c.pteBits,
        MAX_SWAPFILES: c.MAX_SWAPFILES,
        swapOffsetBits: c.maxSwapOffsetBits,
        maxSwapOffset: c.maxSwapOffset,
        PTE_FILE_MAX_BITS: c.PTE_FILE_MAX_BITS,
        swapPte: k.swp_entry_to_pte(k.swp_entry(SAMPLE_SWAP.type, SAMPLE_SWAP.offset)),
        filePte,
      });
    }
  }
  return rows;
}

function pageSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)}M` : `${bytes / 1024}K`;
}

export function overviewText(backends: readonly BackendV1[]): string[] {
  const rows = overviewRows(backends);
  const names = backends.map((b) => b.name).join(', ');
  const lines = [`mmsim: ${rows.length} variants from ${backends.length} installed backend${backends.length === 1 ? '' : 's'} (${names}), default kernel config`, ''];
  lines.push(
    ...table(
      [
        { header: 'variant' },
        { header: 'era' },
        { header: 'page', align: 'right' },
        { header: 'levels' },
        { header: 'VA', align: 'right' },
        { header: 'MAX_SWAPFILES', align: 'right' },
        { header: 'offset bits', align: 'right' },
        { header: 'max offset', align: 'right' },
        { header: 'PTE_FILE_MAX_BITS', align: 'right' },
        { header: 'swap pte (3, 0x1234)', align: 'right' },
        { header: 'file pte (0x1234)', align: 'right' },
      ],
      rows.map((r) => [
        r.variant,
        r.era,
        pageSize(r.pageSize),
        `${r.levels.length} ${r.levels.join('/')}`,
        String(r.vaBits),
        String(r.MAX_SWAPFILES),
        String(r.swapOffsetBits),
        shortHex(r.maxSwapOffset),
        r.PTE_FILE_MAX_BITS === null ? '—' : String(r.PTE_FILE_MAX_BITS),
        hex(r.swapPte, r.pteBits),
        r.filePte === null ? '—' : hex(r.filePte, r.pteBits),
      ]),
    ),
  );
  lines.push(
    '',
    'Check them: `mmsim-test` (everything, as a matrix), `mmsim-test vectors [FILE...]` (reference vectors from the kernel macros), `mmsim-test conformance [--arch ID] [--kernel ERA]` (the conformance suite).',
  );
  return lines;
}
