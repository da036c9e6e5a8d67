/**
 * The one overview both CLIs print (`mmsim`, `mmsim overview`,
 * `mmsim-test overview`): every variant the installed backends offer, side
 * by side per era — geometry, limits, and the same sample swap entry and
 * file pte encoded on each through core's checked layer — then where to go
 * next, in the words of the program that prints it.
 */
import { MmsimError, describeConfig, hex, type BackendV1, type Variant } from '@mmsim/core';
import type { Colors } from './color.js';
import { table } from './table.js';

/** The overview's sample inputs: swp_entry(3, 0x1234) and pgoff 0x1234. */
export const SAMPLE_SWAP = { type: 3, offset: 0x1234n } as const;
export const SAMPLE_PGOFF = 0x1234n;

const shortHex = (value: bigint) => `0x${value.toString(16)}`;
const pageSize = (size: number) => (size >= 1 << 20 ? `${size / (1 << 20)}M` : `${size / 1024}K`);

/** The variant id plus any non-default config (`i386+CONFIG_NONLINEAR=n`); the era goes in its own column. */
export function variantLabel(v: Variant): string {
  const plus = v.key.indexOf('+');
  return plus < 0 ? v.id : `${v.id}${v.key.slice(plus)}`;
}

function sample<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch (error) {
    if (error instanceof MmsimError) return undefined;
    throw error;
  }
}

export interface OverviewRow {
  readonly variant: string;
  readonly id: string;
  readonly era: string;
  /** the backend that offers it */
  readonly backend: string;
  readonly title: string;
  readonly pageSize: number;
  readonly levels: string[];
  readonly vaBits: number;
  readonly pteBits: number;
  readonly pfnBits: number;
  readonly MAX_SWAPFILES: number;
  readonly swapOffsetBits: number;
  /** hex */
  readonly maxSwapOffset: string;
  /** null in 6.18 */
  readonly PTE_FILE_MAX_BITS: number | null;
  /** swp_entry_to_pte(swp_entry(3, 0x1234)) in the pte's width; null where the checked layer refuses it */
  readonly swapPte: string | null;
  /** pgoff_to_pte(0x1234); null where there are no file ptes */
  readonly filePte: string | null;
}

export function overviewRow(v: Variant, backends: readonly BackendV1[] = []): OverviewRow {
  const c = v.constants;
  const swap = sample(() => v.checked.swp_entry_to_pte(SAMPLE_SWAP.type, SAMPLE_SWAP.offset));
  const file = c.PTE_FILE_MAX_BITS ? sample(() => v.checked.pgoff_to_pte(SAMPLE_PGOFF)) : undefined;
  return {
    variant: v.key,
    id: v.id,
    era: v.era,
    backend: backends.find((b) => b.variants.includes(v.spec))?.name ?? v.arch,
    title: v.spec.title,
    pageSize: c.PAGE_SIZE,
    levels: v.spec.levels.map((l) => l.name),
    vaBits: c.vaBits,
    pteBits: c.pteBits,
    pfnBits: c.pfnBits,
    MAX_SWAPFILES: c.MAX_SWAPFILES,
    swapOffsetBits: c.maxSwapOffsetBits,
    maxSwapOffset: shortHex(c.maxSwapOffset),
    PTE_FILE_MAX_BITS: c.PTE_FILE_MAX_BITS,
    swapPte: swap === undefined ? null : hex(swap, c.pteBits),
    filePte: file === undefined ? null : hex(file, c.pteBits),
  };
}

export interface OverviewInput {
  /** `mmsim`, `mmsim-test`: the first word of the heading */
  readonly program: string;
  readonly backends: readonly BackendV1[];
  readonly variants: readonly Variant[];
  readonly c: Colors;
  /** [command, what it does] pairs for "Next:" */
  readonly next: readonly (readonly [string, string])[];
  /** a dim line after them */
  readonly nextNote?: string;
}

export function overviewText(o: OverviewInput): string[] {
  const { c, variants, backends } = o;
  const names = backends.map((b) => b.name).join(', ');
  const config = [...new Set(variants.map((v) => describeConfig(v.era, v.config)))].filter(Boolean).join('; ');
  const lines = [
    `${c.bold(o.program)}: ${variants.length} variants from ${backends.length} backend${backends.length === 1 ? '' : 's'} (${names}), ${config ? `config ${config}` : 'default kernel config'}`,
    c.dim(`sample swap entry: swp_entry(${SAMPLE_SWAP.type}, ${shortHex(SAMPLE_SWAP.offset)}); sample file pte: pgoff_to_pte(${shortHex(SAMPLE_PGOFF)}), 2.6.21 only`),
    '',
  ];
  const ids = [...new Set(variants.map((v) => v.id))];
  for (const era of [...new Set(variants.map((v) => v.era))]) {
    const rows = variants.filter((v) => v.era === era);
    lines.push(c.bold(`Linux ${era}`), '');
    // a variant its backend models in other eras only (an arch that did not exist then)
    const absent = ids.filter((id) => !rows.some((v) => v.id === id));
    if (absent.length) lines.push(c.dim(`not in Linux ${era}: ${absent.join(', ')} (modelled in other eras only)`), '');
    lines.push(
      ...table(
        [
          { header: 'variant' },
          { header: 'page', align: 'right' },
          { header: 'levels' },
          { header: 'VA', align: 'right' },
          { header: 'pfn bits', align: 'right' },
          { header: 'MAX_SWAPFILES', align: 'right' },
          { header: 'offset bits', align: 'right' },
          { header: 'max offset', align: 'right' },
          { header: 'PTE_FILE_MAX_BITS', align: 'right' },
          { header: 'swap pte (3, 0x1234)', align: 'right' },
          { header: 'file pte (0x1234)', align: 'right' },
        ],
        rows.map((v) => {
          const r = overviewRow(v, backends);
          return [
            variantLabel(v),
            pageSize(r.pageSize),
            `${r.levels.length} ${r.levels.join('/')}`,
            String(r.vaBits),
            String(r.pfnBits),
            String(r.MAX_SWAPFILES),
            String(r.swapOffsetBits),
            r.maxSwapOffset,
            r.PTE_FILE_MAX_BITS === null ? '—' : String(r.PTE_FILE_MAX_BITS),
            r.swapPte ?? c.red('refused'),
            r.filePte ?? '—',
          ];
        }),
      ),
      '',
    );
  }
  lines.push(c.bold('Next:'));
  const width = Math.max(...o.next.map(([cmd]) => cmd.length));
  for (const [cmd, what] of o.next) lines.push(`  ${c.cyan(cmd.padEnd(width))}  ${what}`);
  if (o.nextNote) lines.push(`  ${c.dim(o.nextNote)}`);
  return lines;
}

/** The same as one JSON value. */
export function overviewJson(o: Omit<OverviewInput, 'c'>) {
  return {
    command: 'overview',
    backends: o.backends.map((b) => ({ name: b.name, ...(b.packageName ? { packageName: b.packageName } : {}), variants: b.variants.map((s) => `${s.id}@${s.era}`) })),
    samples: { swap: { type: SAMPLE_SWAP.type, offset: shortHex(SAMPLE_SWAP.offset) }, pgoff: shortHex(SAMPLE_PGOFF) },
    variants: o.variants.map((v) => overviewRow(v, o.backends)),
    next: o.next.map(([command, what]) => ({ command, what })),
  };
}
