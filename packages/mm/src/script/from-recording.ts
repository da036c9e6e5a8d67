/**
 * Turn a recording of a real kernel (test/fixtures/host) back into a `.mmo` script: every recorded
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
      return [`${a['r']}`, `${a['tagprefix'] ?? a['prefix']}`];
    case 'file_create':
      return [`${a['file']}`, `${a['fs']}`, `${a['pages']}`, `${a['tagprefix']}`];
    case 'file_destroy':
      return [`${a['file']}`];
    case 'fadvise':
      return a['advice'] === 'DONTNEED' ? [`${a['file']}`] : undefined;
    case 'fallocate':
      return a['mode'] === 'PUNCH_HOLE|KEEP_SIZE' ? [`${a['file']}`, `${a['page']}`, `${a['npages']}`] : undefined;
    case 'ftruncate':
      return [`${a['file']}`, `${a['bytes']}`];
    case 'pread':
      return [`${a['file']}`, `${a['page']}`];
    case 'mremap': {
      const flags = (a['flags'] as string[]).length ? (a['flags'] as string[]).join(',') : 'none';
      const dest = a['new_r'] !== undefined ? [`${a['new_r']}`, `${a['new_slot']}`] : [];
      return [`${a['r']}`, `${a['old_pages']}`, `${a['new_pages']}`, flags, ...dest];
    }
    case 'remap_file_pages': {
      const flags = Number(a['flags'] ?? 0);
      const extra: string[] = [];
      if (flags === 0x10000) extra.push('nonblock');
      else if (flags !== 0) extra.push(`flags=${flags}`);
      if (a['prot'] !== undefined && a['prot'] !== '---') extra.push(`prot=${a['prot']}`);
      if (a['byteoff'] !== undefined) extra.push(`byteoff=${a['byteoff']}`);
      return [`${a['r']}`, `${a['page']}`, `${a['npages']}`, `${a['pgoff']}`, ...extra];
    }
    case 'pwrite':
      return [`${a['file']}`, `${a['page']}`, `${a['tag']}`];
    case 'madvise':
      return [`${a['r']}`, `${a['page']}`, `${a['npages']}`, `${a['advice']}`];
    case 'mprotect':
      return [`${a['r']}`, `${a['page']}`, `${a['npages']}`, `${a['prot']}`];
    case 'fork':
    case 'exit':
    case 'swapoff':
    case 'settle':
      return [];
    case 'swapon':
      return [String(a['file']).includes('zram') ? 'zram' : 'file'];
    case 'sysstat':
      return a['why'] !== undefined ? [`${a['why']}`] : [];
    case 'observe':
      return a['why'] !== undefined ? [`${a['why']}`] : [];
    case 'numa_info':
    case 'compact_memory':
      return [];
    case 'move_pages': {
      const pages = a['pages'] as unknown as number[];
      const nodes = a['nodes'] as unknown as number[] | null;
      return [`${a['r']}`, pages.length ? pages.join(',') : '-', nodes === null ? 'query' : nodes.length ? nodes.join(',') : '-', `${a['flags'] ?? 0}`];
    }
    case 'mbind': {
      // sc_misc.c op_mbind passes a NULL mask for MPOL_DEFAULT; it cannot replay a mode it printed as '?'
      if (a['mode'] === '?') return undefined;
      const flags = a['flags'] as string[];
      return [`${a['r']}`, `${a['page']}`, `${a['npages']}`, `${a['mode']}`, a['mode'] === 'MPOL_DEFAULT' ? 'null' : `${a['nodemask']}`, flags.length ? flags.join(',') : 'none'];
    }
    case 'migrate_pages':
      return [`${a['old_nodes']}`, `${a['new_nodes']}`];
    case 'split_huge_pages':
      return [`${a['r']}`];
    // ops/pte.ts: userfaultfd write-protect, clear_refs, mlock
    case 'uffd_register_wp':
      return [`${a['r']}`];
    case 'uffd_writeprotect':
      return [`${a['r']}`, `${a['page']}`, `${a['npages']}`, a['wp'] ? '1' : '0'];
    case 'clear_refs':
      return [`${a['value']}`];
    case 'mlock':
    case 'munlock':
      return [`${a['r']}`, `${a['page']}`, `${a['npages']}`];
    case 'ksm_start':
      return String(a['settings'] ?? '').split(' ').filter(Boolean);
    case 'ksm_wait':
      return [`${a['pages_shared_at_least']}`];
    case 'ksm_restore':
      return [];
    default:
      return undefined;
  }
}

/** Recorded op names whose `.mmo` spelling differs. */
const SCRIPT_OP: Readonly<Record<string, string>> = {
  file_create: 'file',
  file_destroy: 'rmfile',
  fadvise: 'fadvise_dontneed',
  fallocate: 'punch',
};

/**
 * `sample R i,j,k` lines for the regions the recording observed only in
 * part (the oracle's region_sample: it lists, and labels, only those
 * pages): the pages its first observation of R lists, where that is fewer
 * than the pages the mmap or mremap that made R has.
 */
function sampleLines(rec: Recording): string[] {
  const size = new Map<string, number>();
  const lines = new Map<string, string>();
  for (const step of rec.steps as readonly (RecordedStep & { obs?: Record<string, { pages?: { i: number }[] }> })[]) {
    const a = step.args as Record<string, unknown>;
    if (step.op === 'mmap' && typeof a['r'] === 'string') size.set(a['r'], Number(a['pages']));
    if (step.op === 'mremap') size.set(String(a['new_r'] ?? a['r']), Number(a['new_pages']));
    for (const [name, obs] of Object.entries(step.obs ?? {})) {
      const listed = obs.pages?.map((p) => p.i) ?? [];
      if (lines.has(name) || !size.has(name) || listed.length === 0 || listed.length >= size.get(name)!) continue;
      lines.set(name, `sample ${name} ${listed.join(',')}`);
    }
  }
  return [...lines.values()];
}

/** The script, or the first step whose op cannot be expressed. */
export function recordingToMmo(rec: Recording): { text: string } | { unsupported: RecordedStep } {
  const lines = [`scenario ${rec.scenario} ${rec.desc}`, ...sampleLines(rec)];
  for (const step of rec.steps) {
    const w = words(step);
    if (!w) return { unsupported: step };
    const op = SCRIPT_OP[step.op] ?? step.op;
    lines.push(`${step.proc === 'child' ? '@child ' : ''}${op}${w.length ? ` ${w.join(' ')}` : ''}`);
  }
  return { text: `${lines.join('\n')}\n` };
}
