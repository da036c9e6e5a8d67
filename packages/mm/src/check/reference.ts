/**
 * What POSIX (and the madvise man page) says each read must return,
 * tracked independently of the simulator: a map from (process, page) to the
 * tags a read may legally see. MADV_FREE makes a page's old contents
 * optional — the kernel may drop them until the next write — so a page can
 * allow two answers until one is observed to be gone.
 */
export class ReferenceModel {
  /** pid → vpn → allowed tags (the first one is the "kept" value) */
  private readonly pages = new Map<number, Map<number, string[]>>();

  private of(pid: number): Map<number, string[]> {
    let m = this.pages.get(pid);
    if (!m) this.pages.set(pid, (m = new Map()));
    return m;
  }

  map(pid: number, start: number, pages: number): void {
    const m = this.of(pid);
    for (let v = start; v < start + pages; v++) m.set(v, ['0']);
  }

  unmap(pid: number, start: number, pages: number): void {
    const m = this.of(pid);
    for (let v = start; v < start + pages; v++) m.delete(v);
  }

  write(pid: number, vpn: number, tag: string): void {
    this.of(pid).set(vpn, [tag]);
  }

  /** MADV_DONTNEED on private anonymous memory: zero-fill on the next touch. */
  discard(pid: number, start: number, pages: number): void {
    const m = this.of(pid);
    for (let v = start; v < start + pages; v++) if (m.has(v)) m.set(v, ['0']);
  }

  /** MADV_FREE: the contents may now be dropped at any time until written. */
  lazyFree(pid: number, start: number, pages: number): void {
    const m = this.of(pid);
    for (let v = start; v < start + pages; v++) {
      const cur = m.get(v);
      if (cur && !cur.includes('0')) m.set(v, [...cur, '0']);
    }
  }

  fork(parent: number, child: number, keep: (vpn: number) => 'copy' | 'wipe' | 'drop'): void {
    const p = this.of(parent);
    const c = this.of(child);
    for (const [v, tags] of p) {
      const how = keep(v);
      if (how === 'copy') c.set(v, [...tags]);
      else if (how === 'wipe') c.set(v, ['0']);
    }
  }

  exit(pid: number): void {
    this.pages.delete(pid);
  }

  /** Check a read; returns a reason when the simulator invented or lost data. */
  read(pid: number, vpn: number, got: string): string | undefined {
    const allowed = this.of(pid).get(vpn);
    if (!allowed) return `pid ${pid} read vpn 0x${vpn.toString(16)}, which is not mapped, and got '${got}'`;
    if (!allowed.includes(got)) return `pid ${pid} read '${got}' at vpn 0x${vpn.toString(16)}; POSIX allows ${allowed.map((t) => `'${t}'`).join(' or ')}`;
    if (got === '0' && allowed.length > 1) this.of(pid).set(vpn, ['0']); // dropped: stays dropped
    return undefined;
  }

  isMapped(pid: number, vpn: number): boolean {
    return this.of(pid).has(vpn);
  }
}
