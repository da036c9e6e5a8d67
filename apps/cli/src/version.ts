import { versionOf } from '@mmsim/cli-kit';

declare const __PACKAGE_VERSION__: string | undefined;

/** This package's version, injected by tsup at build time. */
export const VERSION: string = versionOf(typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : undefined);
