// Layout description: fields with bit ranges, and what is derived from them
export { field, splitField, fieldWidth, fieldEncodeWidth, fieldMask } from './layout/field.js';
export type { Field, Span, PteBit } from './layout/field.js';
export { encodeFieldBig, decodeFieldBig } from './layout/reference.js';

// The backend contract
export type {
  VariantSpec,
  Matcher,
  Source,
  LevelName,
  LevelSpec,
  ArchSwapSpec,
  SwapToPte,
  SwapFlagBits,
  SwapSpec,
  FileSpec,
  PfnSpec,
  HugePfnSpec,
  HugePmdSpec,
  PredicateSpec,
  ModifierSpec,
  ModifierStep,
  ExpectedFailure,
  TaskSizeSpec,
  MmapLayoutSpec,
  ModifierName,
  PteRoles,
  ProtectionMap,
  Sixteen,
  PteChgMask,
  ArchSelect,
  ArchSelects,
} from './spec/variant-spec.js';
export { MODIFIER_NAMES, ARCH_SELECTS, modifierSteps } from './spec/variant-spec.js';
export { defineBackend, resolveBackend, UnsupportedBackendVersionError, SUPPORTED_SPECIFICATION_VERSIONS } from './spec/backend.js';
export type { BackendV1 } from './spec/backend.js';
export { ERAS, isEra, normalizeEra } from './spec/era.js';
export type { Era } from './spec/era.js';
export { DEFAULT_CONFIG, CONFIG_NAMES, CONFIG_ERAS, CONFIG_ACTS_ON, parseConfig, parseConfigPair, configName, configNamesIn, configExists, configFor, describeConfig, ConfigError } from './spec/config.js';
export type { KernelConfig, ConfigName, ConfigScope } from './spec/config.js';
export { noThpReason, sizeText } from './spec/thp.js';

// The generic layer (linux/swapops.h, linux/swap.h)
export { swpEntryLayout, swp_entry, swp_type, swp_offset, MAX_SWAPFILES_SHIFT } from './generic/swp-entry.js';
export type { SwpEntryLayout } from './generic/swp-entry.js';
export { swapTypes, PTE_MARKER, PTE_MARKER_MASK } from './generic/swap-types.js';
export type { SwapTypes, SpecialType, SpecialKind } from './generic/swap-types.js';

// Compiled variants: fast, kernel-faithful and checked layers
export { compileVariant } from './compile/variant.js';
export type { Variant, VariantConstants, SwapSizeLimit, ModifierWords, ModifierStepWords } from './compile/variant.js';
export type { PteWords, RoleWords, RoleBits, VariantCaps } from './compile/roles.js';
export { PteClassCode, PTE_CLASSES } from './compile/fast-ops.js';
export type { FastOps, FastModifier, PteClass } from './compile/fast-ops.js';
export { KernelBugError } from './compile/kernel-ops.js';
export type { KernelOps } from './compile/kernel-ops.js';
export type { CheckedOps, SwapEntryParts } from './compile/checked.js';
export { MmsimError, PteRangeError, UnsupportedOperationError } from './errors.js';
export { shortList } from './text.js';

// 64-bit values at the edges
export { newReg, toBig, lo32, hi32, truncate, maskBig, hex } from './u64/pair.js';
export type { Reg } from './u64/pair.js';
export { parseU64, NumberSyntaxError } from './u64/parse.js';
export {
  make_migration_entry,
  migrationKind,
  make_migration_entry_young,
  make_migration_entry_dirty,
  migrationEntrySupportsAd,
  swp_offset_pfn,
  swpPfnBits,
  make_device_entry,
  make_hwpoison_entry,
  make_pte_marker_entry,
  pte_marker_get,
  non_swap_entry,
} from './generic/special-entries.js';
export type { MigrationKind, DeviceKind } from './generic/special-entries.js';
export { pteFormats, hugePmdFormat, bitSpan } from './layout/describe.js';
export type { PteFormat, BitRange } from './layout/describe.js';
export { variantMarkdown } from './layout/markdown.js';
export { decodePte } from './compile/decode.js';
export type { DecodedPte, DecodedField, DecodedFlag } from './compile/decode.js';
