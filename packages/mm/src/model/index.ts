/**
 * `@mmsim/mm/model` — the model's plumbing: the Machine and its physical
 * frames, page tables, files, the race rules it runs under (policies, the
 * COW rule) and the errors a syscall ends in.
 */
export { Machine } from './machine.js';
export type { MachineOptions, Mm, Process } from './machine.js';
export { FrameTable, OutOfFramesError, MAX_NODES } from './frames.js';
export { PageTable } from './pagetable.js';
export type { HugePmd } from './pagetable.js';
export { NotModelled, SyscallError } from './errno.js';
export type { AccessResult } from './signals.js';
export { create_file, create_device, isDevice, file_pread, file_pwrite, remove_file } from './fs.js';
export { defaultPolicies, POLICY_VALUES } from './policies.js';
export type { Policies, FaultPolicy, MremapPolicy, SplitPolicy, AnonPolicy } from './policies.js';
export { COW_POLICIES, defaultCowPolicy } from './cow-policy.js';
export type { CowPolicy } from './cow-policy.js';
export { runPath } from './sched.js';
export type { KernelPath } from './sched.js';
export { simulatorNeeds, SIMULATOR_MODIFIERS } from './needs.js';
