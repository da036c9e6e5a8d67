/**
 * `mmsim run SCRIPT`: run a `.mmo` scenario on the simulator (@mmsim/mm)
 * for each chosen variant and print the trace — what the acting process
 * sees after every step, in the host oracle's notation — or, with several
 * variants, the steps once where they agree and per variant (marked ≠)
 * where they differ: a remap_file_pages offset one arch's file ptes cannot
 * hold, a swap device larger than a pte can address, an era's COW rule.
 * `--check` verifies the invariants after every step.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Variant } from '@mmsim/core';
import { simulatorVariants, type CommandSpec, type RunContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { jsonDocument } from '../render/json.js';

type Mm = typeof import('@mmsim/mm');
type Trace = ReturnType<Mm['runScript']>;
type Step = Trace['steps'][number];

/** One page in the host oracle's compact notation (shared/host-oracle/view.jq). */
function pageText(p: Step['obs'][string]['pages'][number]): string {
  if (p.st === 'present') return `${p.i}:${p.pfn}${p.pm.includes('file') ? 'f' : ''}${p.pm.includes('excl') ? 'x' : ''}${(p.kf ?? []).includes('SWAPCACHE') ? '$' : ''}[${p.mapcnt}]=${p.data}`;
  if (p.st === 'swapped') return `${p.i}:${p.slot}@${p.swap_type}(+${p.slot_rel})`;
  if (p.st === 'file') return `${p.i}:file(pgoff ${p.pgoff})`;
  return `${p.i}:-${p.mc ? '(incore)' : ''}`;
}

function stepLines(step: Step): string[] {
  const ret = step.ret['ok']
    ? Object.entries(step.ret).filter(([k]) => k !== 'ok' && k !== 'val').map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ') || 'ok'
    : `${String(step.ret['errno'] ?? step.ret['signal'])}${step.ret['si_code'] ? `/${String(step.ret['si_code'])}` : ''}`;
  const lines = [`${step.n} ${step.proc === 'child' ? 'C' : 'P'} ${step.op} ${JSON.stringify(step.args)} -> ${ret}`];
  for (const [name, r] of Object.entries(step.obs)) {
    const vmas = r.vmas.map((v) => `[${v.from}-${v.to} ${v.perms} off=${v.pgoff}${v.path ? ` ${v.path}` : ''}]`).join(' ');
    lines.push(`      ${name}: ${r.pages.map(pageText).join(' ')}  ${vmas}`);
  }
  return lines;
}

export const runCommand: CommandSpec = {
  name: 'run',
  summary: 'run a .mmo scenario on the simulator, one variant or several side by side',
  usage: 'run SCRIPT',
  options: {
    check: { type: 'boolean', help: 'check the invariants after every step (exit 1 on a broken one)' },
  },
  maxPositionals: 1,
  defaultEras: ['6.18'],
  details: [
    'SCRIPT uses the host oracle\'s .mmo language (shared/host-oracle/README.md); `ftruncate F Np` sizes in pages.',
    'Without --arch the scenario runs on x86_64; --arch all compares every variant.',
  ],
  async run(ctx: RunContext): Promise<number> {
    const path = ctx.positionals[0];
    if (!path) throw new UsageError('run needs a SCRIPT (a .mmo file)');
    let text: string;
    try {
      text = readFileSync(resolve(ctx.cwd, path), 'utf8');
    } catch {
      throw new UsageError(`cannot read script '${path}'`);
    }
    const mm: Mm = await import('@mmsim/mm');
    let script;
    try {
      script = mm.parseMmo(text, path);
    } catch (error) {
      if (error instanceof mm.MmoSyntaxError) throw new UsageError(error.message);
      throw error;
    }
    const variants = simulatorVariants(ctx);
    const traces: { variant: Variant; trace?: Trace; error?: string }[] = [];
    for (const v of variants) {
      try {
        traces.push({ variant: v, trace: mm.runScript(script, { spec: v.spec, config: v.config }, path, { check: ctx.values['check'] === true }) });
      } catch (error) {
        if (error instanceof mm.MmoSyntaxError) throw new UsageError(error.message);
        if (error instanceof mm.InvariantViolation || error instanceof mm.KernelBug) traces.push({ variant: v, error: `${error.name}: ${error.message}` });
        else throw error;
      }
    }
    const failed = traces.some((t) => t.error);
    if (ctx.json) {
      ctx.io.out(`${jsonDocument({ command: 'run', script: path, scenario: script.scenario, traces: traces.map((t) => ({ variant: t.variant.key, ...(t.trace ? { steps: t.trace.steps } : {}), ...(t.error ? { error: t.error } : {}) })) })}\n`);
      return failed ? EXIT_FAILED : EXIT_OK;
    }
    const { c } = ctx;
    const lines: string[] = [c.bold(`== ${script.scenario}: ${script.desc}`), `   on ${traces.map((t) => t.variant.key).join(', ')}`, ''];
    const ok = traces.filter((t) => t.trace);
    const steps = Math.max(0, ...ok.map((t) => t.trace!.steps.length));
    for (let i = 0; i < steps; i++) {
      const rendered = ok.map((t) => (t.trace!.steps[i] ? stepLines(t.trace!.steps[i]!) : ['(not reached)']));
      const same = rendered.every((r) => r.join('\n') === rendered[0]!.join('\n'));
      if (same || ok.length === 1) {
        lines.push(...rendered[0]!);
      } else {
        lines.push(c.yellow(`≠ step ${i + 1} differs:`));
        ok.forEach((t, k) => lines.push(`  ${c.bold(t.variant.key)}`, ...rendered[k]!.map((l) => `    ${l}`)));
      }
    }
    for (const t of traces) if (t.error) lines.push('', c.red(`✗ ${t.variant.key}: ${t.error}`));
    ctx.print(lines);
    return failed ? EXIT_FAILED : EXIT_OK;
  },
};
