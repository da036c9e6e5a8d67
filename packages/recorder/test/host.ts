/** Whether this host can record: Linux, a C compiler, root — else the reason a host test is skipped. */
import { hostProblem, privilegeProblem } from '../src/index.js';

export const HOST_SKIP: string | undefined = hostProblem() ?? privilegeProblem();
