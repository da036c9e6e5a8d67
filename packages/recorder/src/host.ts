/**
 * The simulator profile that matches the running kernel: the arch from
 * the machine name (uname -m), the era from the release (uname -r). A
 * kernel the model has no profile for is refused, not approximated.
 */
import { machine, release } from 'node:os';

/** uname -m → the simulator's variant id */
const ARCH: Readonly<Record<string, string>> = {
  x86_64: 'x86_64',
  i386: 'i386',
  i686: 'i386',
  ppc: 'ppc32',
  ppc64: 'ppc64',
  aarch64: 'arm64',
  riscv64: 'riscv64',
};

/** the kernel versions the model has a profile for */
const ERAS = ['6.18', '2.6.21'] as const;

export interface HostProfile {
  readonly arch: string;
  readonly era: (typeof ERAS)[number];
  /** `x86_64@6.18` */
  readonly id: string;
  readonly release: string;
}

export class NoProfile extends Error {
  override readonly name = 'NoProfile';
}

/** The profile for this host (or the given uname -m / -r), or NoProfile saying why not. */
export function hostProfile(m: string = machine(), r: string = release()): HostProfile {
  const arch = ARCH[m];
  if (!arch) throw new NoProfile(`the model has no profile for machine '${m}'; valid: ${Object.keys(ARCH).join(', ')}`);
  const era = ERAS.find((e) => r === e || r.startsWith(`${e}.`) || r.startsWith(`${e}-`));
  if (!era) throw new NoProfile(`the model has no profile for kernel ${r.split('-')[0]}; it models ${ERAS.join(' and ')}`);
  return { arch, era, id: `${arch}@${era}`, release: r };
}
