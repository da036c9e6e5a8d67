/**
 * Turn a host-oracle recording back into a `.mmo` script: every recorded
 * step echoes its op and arguments, so compiled scenarios (which ship no
 * script) can be replayed on the simulator step for step.
 */
export interface RecordedStep {
  readonly n: number;
  readonly proc: 'parent' | 'child';
  readonly op: string;
  readonly args: Readonly<Record<string, unknown>>;
}

export interface Recording {
  readonly scenario: string;
  readonly desc: string;
  readonly steps: readonly RecordedStep[];
}

function words(step: RecordedStep): string[] | undefined {
  const a = step.args as Record<string, string | number | string[] | undefined>;
  switch (step.op) {
    case 'mmap': {
      const flags = (a['flags'] as string[]).join(',');
      const extra = [a['file'] !== undefined ? `file=${a['file']}` : '', a['pgoff'] !== undefined ? `pgoff=${a['pgoff']}` : ''].filter(Boolean);
      return [`${a['r']}`, `${a['pages']}`, `${a['prot']}`, flags, ...extra, `slot=${a['slot']}`];
    }
    case 'munmap':
      return [`${a['r']}`, `${a['page']}`, `${a['npages']}`];
    case 'write':
      return [`${a['r']}`, `${a['page']}`, `${a['tag']}`];
    case 'read':
      return [`${a['r']}`, `${a['page']}`];
    case 'write_all':
      return [`${a['r']}`, `${a['prefix']}`];
    case 'madvise':
      return [`${a['r']}`, `${a['page']}`, `${a['npages']}`, `${a['advice']}`];
    case 'mprotect':
      return [`${a['r']}`, `${a['page']}`, `${a['npages']}`, `${a['prot']}`];
    case 'fork':
    case 'exit':
      return [];
    case 'observe':
      return a['why'] !== undefined ? [`${a['why']}`] : [];
    default:
      return undefined;
  }
}

/** The script, or the first step whose op cannot be expressed. */
export function recordingToMmo(rec: Recording): { text: string } | { unsupported: RecordedStep } {
  const lines = [`scenario ${rec.scenario} ${rec.desc}`];
  for (const step of rec.steps) {
    const w = words(step);
    if (!w) return { unsupported: step };
    lines.push(`${step.proc === 'child' ? '@child ' : ''}${step.op}${w.length ? ` ${w.join(' ')}` : ''}`);
  }
  return { text: `${lines.join('\n')}\n` };
}
