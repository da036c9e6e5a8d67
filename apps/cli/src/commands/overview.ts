/**
 * `mmsim` with no command: every variant the installed backends offer, side
 * by side per era — geometry, limits, and the same sample swap entry and
 * file pte encoded on each — then where to go next.
 */
import { MmsimError, describeConfig, type Variant } from '@mmsim/core';
import type { CommandSpec, RunContext } from '../command.js';
import { encodeFile, encodeSwap } from '../encoders.js';
import { EXIT_OK } from '../errors.js';
import { ptehex, variantLabel } from '../render/describe.js';
import { jsonDocument } from '../render/json.js';
import { table } from '../render/table.js';
import { pageSize, shortHex } from '../render/units.js';

/** The overview's sample inputs: swp_entry(3, 0x1234) and pgoff 0x1234. */
export const SAMPLE_SWAP = { type: 3, offset: 0x1234n } as const;
export const SAMPLE_PGOFF = 0x1234n;

/** Each command, one line, for the end of the overview and its JSON. */
export const NEXT_STEPS: readonly (readonly [string, string])[] = [
  ['mmsim decode PTE [--arch ID]', 'classify a raw pte and name every field, with a bit diagram'],
  ['mmsim encode swap --type T --offset O', 'also: encode file --pgoff P, encode pfn --pfn N --prot NAME, encode migration --pfn N [--write]'],
  ['mmsim layout ID [--svg FILE] [--html FILE]', 'the present / swap / file / migration layouts of a variant as diagrams'],
  ['mmsim limits', 'physical reach, largest swap device, nonlinear file reach'],
  ['mmsim diff ID[@ERA] ID[@ERA]', 'where two variants (or two eras of one) differ'],
  ['mmsim run SCRIPT [--arch all]', 'run a .mmo scenario on the simulator, variants side by side'],
  ['mmsim explore RACE', 'search a race\'s interleavings per policy; mmsim replay RACE SCHEDULE re-runs one'],
];

function sample<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch (error) {
    if (error instanceof MmsimError) return undefined;
    throw error;
  }
}

function row(v: Variant) {
  const c = v.constants;
  const swap = sample(() => encodeSwap(v, SAMPLE_SWAP.type, SAMPLE_SWAP.offset).pte);
  const file = c.PTE_FILE_MAX_BITS ? sample(() => encodeFile(v, SAMPLE_PGOFF).pte) : undefined;
  return {
    variant: v.key,
    id: v.id,
    era: v.era,
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
    swapPte: swap === undefined ? null : ptehex(v, swap),
    filePte: file === undefined ? null : ptehex(v, file),
  };
}

function text(ctx: RunContext, variants: readonly Variant[]): string[] {
  const { c } = ctx;
  const names = ctx.backends.map((b) => b.name).join(', ');
  const config = [...new Set(variants.map((v) => describeConfig(v.era, v.config)))].filter(Boolean).join('; ');
  const lines = [
    `${c.bold('mmsim')}: ${variants.length} variants from ${ctx.backends.length} backend${ctx.backends.length === 1 ? '' : 's'} (${names}), ${config ? `config ${config}` : 'default kernel config'}`,
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
          { header: 'PTE_FILE_MAX_BITS', align: 'right' },
          { header: 'swap pte (3, 0x1234)', align: 'right' },
          { header: 'file pte (0x1234)', align: 'right' },
        ],
        rows.map((v) => {
          const r = row(v);
          return [
            variantLabel(v),
            pageSize(r.pageSize),
            `${r.levels.length} ${r.levels.join('/')}`,
            String(r.vaBits),
            String(r.pfnBits),
            String(r.MAX_SWAPFILES),
            String(r.swapOffsetBits),
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
  const width = Math.max(...NEXT_STEPS.map(([cmd]) => cmd.length));
  for (const [cmd, what] of NEXT_STEPS) lines.push(`  ${c.cyan(cmd.padEnd(width))}  ${what}`);
  lines.push(`  ${c.dim('every command takes --arch ID|all, --kernel 2.6.21|6.18, --config NAME=y|n, --json; mmsim COMMAND --help for more')}`);
  return lines;
}

export const overviewCommand: CommandSpec = {
  name: 'overview',
  usage: 'overview',
  summary: 'every variant side by side: geometry, limits, a sample swap entry and file pte (also: mmsim alone)',
  options: {},
  maxPositionals: 0,
  run(ctx) {
    const variants = ctx.variants();
    if (ctx.json) {
      ctx.print([
        jsonDocument({
          command: 'overview',
          backends: ctx.backends.map((b) => ({ name: b.name, ...(b.packageName ? { packageName: b.packageName } : {}), variants: b.variants.map((s) => `${s.id}@${s.era}`) })),
          samples: { swap: { type: SAMPLE_SWAP.type, offset: shortHex(SAMPLE_SWAP.offset) }, pgoff: shortHex(SAMPLE_PGOFF) },
          variants: variants.map(row),
          next: NEXT_STEPS.map(([command, what]) => ({ command, what })),
        }),
      ]);
    } else {
      ctx.print(text(ctx, variants));
    }
    return EXIT_OK;
  },
};
