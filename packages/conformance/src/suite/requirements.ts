/**
 * What a check needs of a variant, as data: a check that needs something the
 * variant lacks is skipped, with the need as its reason ("needs nonlinear
 * file ptes"), never run and passed. One vocabulary for every check, so a
 * skip reads the same in vitest, in mmsim-test and in its reporters.
 */
import type { ConfigName, Era, ModifierName, PteRoles, Variant, VariantCaps } from '@mmsim/core';

export interface Requirement {
  /** what the check needs, as a reader would say it: `transparent huge pages (constants.hasThp)` */
  readonly what: string;
  holds(variant: Variant): boolean;
}

export const era = (e: Era): Requirement => ({ what: `kernel ${e}`, holds: (v) => v.era === e });

export const configOn = (name: ConfigName): Requirement => ({ what: `CONFIG_${name}=y`, holds: (v) => v.config[name] });

export const configOff = (name: ConfigName): Requirement => ({ what: `CONFIG_${name}=n`, holds: (v) => !v.config[name] });

/** 2.6.21 file ptes exist while CONFIG_NONLINEAR=y and the layout gives PTE_FILE_MAX_BITS bits. */
export const NONLINEAR_FILE_PTES: Requirement = {
  what: 'nonlinear file ptes (kernel 2.6.21, CONFIG_NONLINEAR=y, PTE_FILE_MAX_BITS > 0)',
  holds: (v) => v.era === '2.6.21' && (v.constants.PTE_FILE_MAX_BITS ?? 0) > 0,
};

export const FILE_PTE_LAYOUT: Requirement = { what: 'a file-pte layout (spec.file)', holds: (v) => v.spec.file !== undefined };

export const THP: Requirement = { what: 'transparent huge pages (constants.hasThp)', holds: (v) => v.constants.hasThp };

export const FAST_FILE_PTES: Requirement = { what: 'a fast pgoff_to_pte (file ptes compiled in)', holds: (v) => v.fast.pgoff_to_pte !== undefined };

export const modifier = (name: ModifierName): Requirement => ({ what: `the ${name} modifier`, holds: (v) => v.spec.modifiers[name] !== undefined });

/** A pte role the arch gives a bit (spec.roles): not the asm-generic null. */
export type RoleName = Exclude<keyof PteRoles, 'source'>;
export const role = (name: RoleName): Requirement => ({ what: `a ${name} pte bit (spec.roles.${name})`, holds: (v) => v.spec.roles[name] !== null });

/** A Kconfig capability the arch selects, as core derives it (Variant.caps): `capability('uffdWp', 'HAVE_ARCH_USERFAULTFD_WP')`. */
export const capability = (name: keyof VariantCaps, kconfig: string): Requirement => ({ what: `${kconfig} (caps.${name})`, holds: (v) => v.caps[name] });

export const predicate = (name: keyof Variant['spec']['predicates']): Requirement => ({
  what: `a pte_${String(name)} predicate`,
  holds: (v) => v.spec.predicates[name] !== undefined,
});

export const prot = (name: string): Requirement => ({ what: `a ${name} protection`, holds: (v) => v.spec.prots[name] !== undefined });

export const swapFlag = (key: 'exclusive' | 'softDirty' | 'uffdWp', flag: string): Requirement => ({
  what: `the ${flag} swap-pte bit (spec.swap.flags.${key})`,
  holds: (v) => v.spec.swap.flags?.[key] !== undefined,
});

/** The needs of `needs` the variant does not meet, in order. */
export function unmet(needs: readonly Requirement[] | undefined, variant: Variant): Requirement[] {
  return (needs ?? []).filter((n) => !n.holds(variant));
}

/** `needs A and B` for the unmet needs; undefined when the check applies. */
export function skipReason(needs: readonly Requirement[] | undefined, variant: Variant): string | undefined {
  const missing = unmet(needs, variant);
  return missing.length === 0 ? undefined : `needs ${missing.map((n) => n.what).join(' and ')}`;
}
