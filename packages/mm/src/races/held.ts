/** Transitional: the race modules not yet turned into scenario files import HeldRefs from here. */
export { HeldRefs } from '../kernel/sched.js';
