export { readBackendManifest } from './manifest.js';
export type { BackendManifest } from './manifest.js';
export { scanBackends } from './scan.js';
export { discoverBackends, loadBackendFrom, BackendLoadError } from './load.js';
export type { DiscoverOptions, Discovery, LoadedBackend } from './load.js';
