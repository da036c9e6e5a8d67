/** Whether this host can record x86_64@6.18 recordings — else the reason a host test is skipped. */
import { hostCheckable } from '../src/index.js';

const host = hostCheckable();
export const HOST_SKIP: string | undefined = !host.ok ? host.reason : host.profile.id !== 'x86_64@6.18' ? `these recordings are x86_64@6.18; this host is ${host.profile.id}` : undefined;
