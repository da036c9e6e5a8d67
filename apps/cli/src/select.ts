/**
 * Which variants a command runs on (`--arch`, `--kernel`, `--config`): the
 * kit's selection, shared with mmsim-test so both accept the same forms.
 */
export {
  KERNEL_FORMS,
  splitArchList,
  parseKernel,
  parseKernels,
  parseConfigs,
  configNames,
  allSpecs,
  archNames,
  parseRef,
  resolveSelection,
  selectVariants,
} from '@mmsim/cli-kit';
export type { Selection, VariantRef } from '@mmsim/cli-kit';
