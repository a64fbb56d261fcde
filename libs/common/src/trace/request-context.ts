import { AsyncLocalStorage } from 'node:async_hooks';

import type { Principal } from '../auth/principal';
import { TraceContext } from './trace-context';

export interface RequestContext {
  requestId: string;
  trace: TraceContext;
  startedAt: bigint;
  /** Set once the request is authenticated. */
  principal?: Principal;
  /**
   * An auditor's credential that is known but refused (revoked or expired): there is no principal, but
   * the request is still the auditor's and goes into the audit trail (compliance's auditor request trail).
   */
  refusedAuditor?: Principal;
  ip?: string;
  userAgent?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const RequestContextStore = {
  run<T>(context: RequestContext, work: () => T): T {
    return storage.run(context, work);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};
