/**
 * A file mapping's offset, checked as do_mmap checks it: pgoff + pages
 * wrapping unsigned long is -EOVERFLOW in both eras; 6.18's file_mmap_ok
 * also ends a regular file's mapping at MAX_LFS_FILESIZE; an offset the
 * kernel accepts but no JS number holds is refused as NotModelled.
 */
import { i386_2621, i386_618, x86_64_2621, x86_64_618 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { NotModelled, parseMmo, runScript } from '../src/index.js';

const script = (pgoff: string, fs = 'tmpfs') => parseMmo(`file F ${fs} 4 F\nmmap A 4 rw- shared file=F pgoff=${pgoff} slot=0\nread A 0\n`);
const mmapRet = (spec: typeof x86_64_618, pgoff: string, fs?: string) => runScript(script(pgoff, fs), { spec }).steps[1]!.ret;

describe('mmap pgoff', () => {
  test('pgoff + pages wrapping unsigned long is EOVERFLOW (both eras, 32- and 64-bit)', () => {
    expect(mmapRet(x86_64_618, '18446744073709551615')).toEqual({ ok: false, errno: 'EOVERFLOW' });
    expect(mmapRet(x86_64_2621, '18446744073709551613')).toEqual({ ok: false, errno: 'EOVERFLOW' });
    expect(mmapRet(i386_2621, '4294967293')).toEqual({ ok: false, errno: 'EOVERFLOW' });
    expect(mmapRet(i386_618, '4294967292')).toEqual({ ok: false, errno: 'EOVERFLOW' });
  });

  test("6.18 file_mmap_ok: a regular file's mapping ends within MAX_LFS_FILESIZE", () => {
    // 64-bit: LLONG_MAX bytes, so the last pgoff a 4-page mapping may start at is (2^63 - 1 - 4·4096) >> 12
    const last = ((2n ** 63n - 1n - 4n * 4096n) >> 12n).toString();
    expect(mmapRet(x86_64_618, last)).toEqual({ ok: true, val: 0 });
    expect(mmapRet(x86_64_618, (BigInt(last) + 1n).toString())).toEqual({ ok: false, errno: 'EOVERFLOW' });
    // 32-bit: ULONG_MAX << PAGE_SHIFT bytes
    const last32 = (((2n ** 32n - 1n) * 4096n - 4n * 4096n) >> 12n).toString();
    expect(mmapRet(i386_618, last32)).toEqual({ ok: true, val: 0 });
    expect(mmapRet(i386_618, (BigInt(last32) + 1n).toString())).toEqual({ ok: false, errno: 'EOVERFLOW' });
  });

  test('2.6.21 has no file_mmap_ok: an offset past MAX_LFS_FILESIZE maps, and a read there is SIGBUS', () => {
    const trace = runScript(script('4294967290'), { spec: i386_2621 });
    expect(trace.steps[1]!.ret).toEqual({ ok: true, val: 0 });
    expect(trace.steps[2]!.ret).toMatchObject({ ok: false, signal: 'SIGBUS' });
  });

  test('an offset the kernel accepts beyond 2^53 is refused in words, not run inexactly', () => {
    expect(() => runScript(script('9007199254740993'), { spec: x86_64_2621 })).toThrow(NotModelled);
  });
});
