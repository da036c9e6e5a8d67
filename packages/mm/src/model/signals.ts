/** What a user access returns: the data tag read, or the signal the kernel sends. */
export type AccessResult =
  | { readonly ok: true; readonly tag: string; readonly minor: number; readonly major: number }
  | { readonly ok: false; readonly signal: 'SIGSEGV' | 'SIGBUS' | 'SIGKILL'; readonly si_code: 'SEGV_MAPERR' | 'SEGV_ACCERR' | 'BUS_ADRERR' | 'SI_KERNEL' };

export const SEGV_MAPERR = { ok: false, signal: 'SIGSEGV', si_code: 'SEGV_MAPERR' } as const;
export const SEGV_ACCERR = { ok: false, signal: 'SIGSEGV', si_code: 'SEGV_ACCERR' } as const;
export const BUS_ADRERR = { ok: false, signal: 'SIGBUS', si_code: 'BUS_ADRERR' } as const;
/** the OOM killer chose the faulting process (oom_kill.ts): SIGKILL sent by the kernel (SEND_SIG_PRIV, si_code SI_KERNEL) */
export const OOM_SIGKILL = { ok: false, signal: 'SIGKILL', si_code: 'SI_KERNEL' } as const;

/** VM_FAULT_* outcomes of handle_mm_fault, as the arch fault handler maps them to signals. */
export const VM_FAULT_OK = 0;
export const VM_FAULT_MAJOR = 1;
export const VM_FAULT_SIGBUS = 2;
export const VM_FAULT_OOM = 3;
/** the fault path was handed to the caller to run with its stop points (sched.ts deferral); retry the access after it */
export const VM_FAULT_RETRY = 4;
/** a guard region (pte marker PTE_MARKER_GUARD): the arch handler sends SIGSEGV/SEGV_MAPERR (6.18 handle_pte_marker) */
export const VM_FAULT_SIGSEGV = 5;
