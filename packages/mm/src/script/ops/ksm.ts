/**
 * The KSM ops of the `.mmo` language, named and echoed as the recorder
 * records them (docs/mmo.md "KSM"):
 *
 *   ksm_start [run=N] [sleep_millisecs=N] [pages_to_scan=N]
 *        save /sys/kernel/mm/ksm/{sleep_millisecs,pages_to_scan,run}, then
 *        write them (default: the oracle's run=1 sleep_millisecs=10
 *        pages_to_scan=1000)
 *   ksm_wait N
 *        poll pages_shared every 10 ms, up to 10 s, until it is ≥ N; val is
 *        the last value read
 *   ksm_restore
 *        run=2 (unmerge everything), then the saved values; not observed
 *
 * and one the oracle does not know (simulator only: a real kernel's ksmd
 * runs on its own clock, which a recording cannot step):
 *
 *   ksm_scan N
 *        ksmd wakes N times (1 … 1000: ten seconds of the oracle's
 *        sleep_millisecs=10), each a batch of pages_to_scan pages while it
 *        should run; val is the pages scanned
 *   ksm_scan full=N
 *        ksmd wakes until full_scans has grown by N (1 … 1000), or until it
 *        would scan nothing more (run not 1, no mm on its list,
 *        pages_to_scan 0); val is full_scans then
 *
 * 2.6.21 has no /sys/kernel/mm/ksm: ksm_start fails with ENOENT (the open),
 * ksm_wait reads 0 throughout, ksm_restore ignores its failed writes, and
 * ksm_scan fails with ENOENT (there is no ksmd before 2.6.32).
 */
import { ksm_restore, ksm_start, ksm_wait, ksmdFullScans, ksm_scan_thread, ORACLE_KSM_SETTINGS, type KsmSettings } from '../../kernel/ksm.sysfs.js';
import { keyValue, shorten, uint, whole } from '../values.js';
import type { OpSpec } from './spec.js';

/** the sysfs files ksm_start writes, by the name a script uses (a Map: 'constructor' is no key) */
const KEYS: ReadonlyMap<string, keyof KsmSettings> = new Map([
  ['run', 'run'],
  ['sleep_millisecs', 'sleepMillisecs'],
  ['pages_to_scan', 'pagesToScan'],
]);

/** [run=N] [sleep_millisecs=N] [pages_to_scan=N]; the oracle ends it with step_end_noobs */
export const ksm_startOp: OpSpec = {
  name: 'ksm_start',
  arity: [0, 3],
  doc: {
    family: 'ksm',
    usage: '[run=N] [sleep_millisecs=N] [pages_to_scan=N]',
    text: 'Save /sys/kernel/mm/ksm/{sleep_millisecs,pages_to_scan,run}, then write them; each is an unsigned int, defaults the recorder\'s: run=1 sleep_millisecs=10 pages_to_scan=1000. 2.6.21 has no KSM: ENOENT.',
    example: 'ksm_start',
  },
  quiet: true,
  run(ctx, op) {
    const settings: Record<keyof KsmSettings, number> = { ...ORACLE_KSM_SETTINGS };
    op.words.forEach((w, i) => {
      const eq = w.indexOf('=');
      const key = eq > 0 ? KEYS.get(w.slice(0, eq)) : undefined;
      if (key === undefined) return ctx.bad(op, i, `ksm_start setting '${shorten(w)}' is not a known setting; valid: run=N, sleep_millisecs=N, pages_to_scan=N`);
      // each is an unsigned int the sysfs store parses with kstrtouint (mm/ksm.c run_store, sleep_millisecs_store, pages_to_scan_store)
      settings[key] = Number(ctx.val(op, i, () => uint(w.slice(eq + 1), 32, w.slice(0, eq), 'unsigned int')));
    });
    ksm_start(ctx.m, settings);
    return { args: { settings: `run=${settings.run} sleep_millisecs=${settings.sleepMillisecs} pages_to_scan=${settings.pagesToScan}` }, ret: { ok: true, val: 0 } };
  },
};

/** N: pages_shared to wait for */
export const ksm_waitOp: OpSpec = {
  name: 'ksm_wait',
  arity: [1, 1],
  doc: {
    family: 'ksm',
    usage: 'N',
    text: 'Poll pages_shared every 10 ms, up to 10 s, until it is at least N; `ret.val` is the last value read (0 throughout in 2.6.21).',
    example: 'ksm_wait 0',
  },
  run(ctx, op) {
    // pages_shared is an unsigned long; past 2^53 no machine could share that many
    const want = ctx.val(op, 0, (t) => whole(t, Number.MAX_SAFE_INTEGER, 'ksm_wait pages_shared'));
    return { args: { pages_shared_at_least: want, timeout: '10s' }, ret: { ok: true, val: ksm_wait(ctx.m, want) } };
  },
};

/** the oracle ends it with step_end_noobs */
export const ksm_restoreOp: OpSpec = {
  name: 'ksm_restore',
  arity: [0, 0],
  doc: {
    family: 'ksm',
    usage: '',
    text: 'run=2 (unmerge everything), then the values `ksm_start` saved.',
    example: 'ksm_restore',
  },
  quiet: true,
  run(ctx) {
    return { args: { ...ksm_restore(ctx.m) }, ret: { ok: true, val: 0 } };
  },
};

/** the most wake-ups or full scans one ksm_scan asks of ksmd: ksm_wait's ten seconds at the oracle's sleep_millisecs=10 */
const MAX_KSMD_WAKEUPS = 1000;

/** N | full=N: ksmd's scan without its clock (simulator only) */
export const ksm_scanOp: OpSpec = {
  name: 'ksm_scan',
  arity: [1, 1],
  doc: {
    family: 'ksm',
    usage: 'N | full=N',
    text: 'ksmd wakes N times (1 … 1000: ten seconds at sleep_millisecs=10), each a batch of pages_to_scan pages while run is 1; `ret.val` is the pages scanned. `full=N`: wake until full_scans has grown by N (1 … 1000) or ksmd would scan nothing more; `ret.val` is full_scans. A recording cannot step ksmd\'s clock; 2.6.21 has no ksmd (ENOENT).',
    example: 'ksm_scan 1',
    simulatorOnly: true,
  },
  run(ctx, op) {
    const word = op.words[0]!;
    const full = keyValue(word, 'full');
    if (full !== undefined) {
      const scans = ctx.val(op, 0, () => whole(full, MAX_KSMD_WAKEUPS, 'ksm_scan full scans', 1));
      const args = ctx.note({ full_scans: scans });
      return { args, ret: { ok: true, val: ksmdFullScans(ctx.m, scans) } };
    }
    const wakeups = ctx.val(op, 0, (t) => whole(t, MAX_KSMD_WAKEUPS, 'ksm_scan wake-ups (or full=N)', 1));
    const args = ctx.note({ wakeups });
    return { args, ret: { ok: true, val: ksm_scan_thread(ctx.m, wakeups) } };
  },
};
