import { AsyncLocalStorage } from 'node:async_hooks';

import type { Principal } from '../auth/principal';
import { TraceContext } from './trace-context';

export interface RequestContext {
  requestId: string;
  /** The HTTP method: a GET's or HEAD's reads may go to the read replica, every other request's see its own writes. */
  method: string;
  trace: TraceContext;
  startedAt: bigint;
  /** Set once the request is authenticated. */
  principal?: Principal;
  /**
   * Whose credential was refused though known (a revoked or expired API key): there is no principal,
   * but the request is still theirs (compliance records an auditor's in the audit trail).
   */
  refusedPrincipal?: Principal;
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
