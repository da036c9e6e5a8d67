// Real layouts from the backends, by relative path (a package dependency would be a cycle).
export { i386_618, x86_64_2621, x86_64_618 } from '../../arch-x86/src/index.js';
export { ppc64_2621 } from '../../arch-powerpc/src/index.js';
