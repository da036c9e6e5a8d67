/**
 * @mmsim/arch-x86: i386 (2-level), i386 PAE and x86_64 page-table encodings
 * in the 2.6.21 and 6.18 eras, as data for @mmsim/core.
 */
import { defineBackend, type BackendV1, type VariantSpec } from '@mmsim/core';
import { i386_2621 } from './v2.6.21/i386.js';
import { i386Pae_2621 } from './v2.6.21/i386-pae.js';
import { x86_64_2621 } from './v2.6.21/x86_64.js';
import { i386_618 } from './v6.18/i386.js';
import { i386Pae_618 } from './v6.18/i386-pae.js';
import { x86_64_618 } from './v6.18/x86_64.js';

export const VARIANTS: readonly VariantSpec[] = [i386_2621, i386Pae_2621, x86_64_2621, i386_618, i386Pae_618, x86_64_618];

export interface X86BackendSettings {
  /** restrict to these variant ids */
  readonly only?: readonly string[];
}

export function createX86Backend(settings: X86BackendSettings = {}): BackendV1 {
  const variants = settings.only ? VARIANTS.filter((v) => settings.only!.includes(v.id)) : VARIANTS;
  return defineBackend({
    specificationVersion: 'v1',
    name: 'x86',
    packageName: '@mmsim/arch-x86',
    description: 'i386 (2-level), i386 PAE and x86_64',
    variants,
  });
}

export const x86: BackendV1 = createX86Backend();
export const backend = x86;

export { i386_2621, i386Pae_2621, x86_64_2621, i386_618, i386Pae_618, x86_64_618 };
