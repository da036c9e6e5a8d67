/**
 * Comparing a recording with a trace: exact on everything but the return's
 * `val`, indifferent to key order; side by side with differing rows marked;
 * the host profile from uname, other kernels refused.
 */
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { compareSteps, hostCheckable, hostProfile, NoProfile, recordingLines, sideBySide, stepEssence, type RecordedStep } from '../src/index.js';

const step = (n: number, pfn: string, extra: Record<string, unknown> = {}): RecordedStep => ({
  n,
  proc: 'parent',
  op: 'write',
  args: { r: 'A', page: 0, tag: 'x' },
  ret: { ok: true, val: 0, ...extra },
  obs: { A: { pages: [{ i: 0, st: 'present', pm: ['excl'], scan: [], pfn, kf: ['ANON'], mapcnt: 1, data: 'x' }], summary: { present: 1 }, vmas: [] } },
});

describe('compareSteps', () => {
  test('equal steps are identical; a different PFN label is not', () => {
    expect(compareSteps([step(1, 'P0')], [step(1, 'P0')]).identical).toBe(true);
    expect(compareSteps([step(1, 'P0')], [step(1, 'P1')])).toEqual({ identical: false, differing: [1] });
  });

  test('a missing step differs', () => {
    expect(compareSteps([step(1, 'P0'), step(2, 'P0')], [step(1, 'P0')]).differing).toEqual([2]);
  });

  test('the return is compared, its val is not', () => {
    expect(compareSteps([step(1, 'P0', { val: 7 })], [step(1, 'P0')]).identical).toBe(true);
    expect(compareSteps([step(1, 'P0', { faults: { minor: 1, major: 0 } })], [step(1, 'P0', { faults: { minor: 1, major: 1 } })]).identical).toBe(false);
  });

  fcTest.prop([fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 6 })), { maxKeys: 6 })])('key order never matters', (args) => {
    const reversed = Object.fromEntries(Object.entries(args).reverse());
    const a = { ...step(1, 'P0'), args };
    const b = { ...step(1, 'P0'), args: reversed };
    expect(stepEssence(a)).toBe(stepEssence(b));
  });
});

describe('sideBySide', () => {
  test('identical steps take one line; a differing one shows host and model, the differing row marked', () => {
    const lines = sideBySide([step(1, 'P0'), step(2, 'P0')], [step(1, 'P0'), step(2, 'P3')]);
    expect(lines[1]).toMatch(/^= +1 P write/);
    expect(lines[2]).toMatch(/^≠ +2 P write/);
    const row = lines.find((l) => l.includes('A[0]'))!;
    expect(row).toMatch(/^≠/);
    expect(row).toContain('P0[1]=x');
    expect(row).toContain('P3[1]=x');
    expect(lines.find((l) => l.includes(' ret '))).toMatch(/^ /);
  });
});

describe('hostProfile', () => {
  test('uname -m and -r name the variant', () => {
    expect(hostProfile('x86_64', '6.18.44-fc-v669').id).toBe('x86_64@6.18');
    expect(hostProfile('aarch64', '6.18.2').id).toBe('arm64@6.18');
  });

  test('a kernel or machine the model has no profile for is refused, saying what it has', () => {
    expect(() => hostProfile('x86_64', '6.12.1')).toThrow(NoProfile);
    expect(() => hostProfile('x86_64', '6.12.1')).toThrow(/no profile for kernel 6\.12\.1; it models 6\.18 and 2\.6\.21/);
    expect(() => hostProfile('s390x', '6.18.2')).toThrow(/machine 's390x'/);
    // 6.180 is not 6.18
    expect(() => hostProfile('x86_64', '6.180.1')).toThrow(NoProfile);
  });
});

describe('hostCheckable', () => {
  test('not Linux, or no compiler: the reason, in one line', () => {
    const r = hostCheckable({ ...process.env, CC: '/nonexistent/cc', PATH: '/nonexistent' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(process.platform === 'linux' ? /^no C compiler found \(tried \$CC, cc, gcc\)/ : /runs on Linux only/);
  });
});

describe('recordingLines', () => {
  test('a step and its regions in the oracle notation', () => {
    const s = step(1, 'P0');
    (s.obs!['A'] as { vmas: unknown[] }).vmas = [{ from: 0, to: 1, perms: 'rw-p', pgoff: 0, path: '' }];
    expect(recordingLines([s])).toEqual(['1 P write {"r":"A","page":0,"tag":"x"} -> ok', '      A: 0:P0x[1]=x  [0-1 rw-p off=0]']);
  });
});
