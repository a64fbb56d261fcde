import { randomBytes, randomUUID } from 'node:crypto';

/** W3C Trace Context (https://www.w3.org/TR/trace-context/) as this service continues it. */
export interface TraceContext {
  traceId: string;
  /** This service's span for the request. */
  spanId: string;
  /** The caller's span, when a valid traceparent was received. */
  parentSpanId: string | null;
  flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

// Ids come from a pool of random bytes refilled 4 KiB at a time: one randomBytes call per id costs
// more than the rest of the trace handling together.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

function hex(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return id;
}

function newNonZeroId(bytes: number): string {
  let id = hex(bytes);
  while (/^0+$/.test(id)) id = hex(bytes);
  return id;
}

/** Continues a valid incoming traceparent with a new span, or starts a new trace. */
export function continueTrace(header: string | undefined): TraceContext {
  const match = header ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  const spanId = newNonZeroId(8);
  if (match) {
    const [, version, traceId, parentSpanId, flags, rest] = match;
    const validVersion = version !== 'ff' && (version !== '00' || rest === undefined);
    if (validVersion && !/^0+$/.test(traceId) && !/^0+$/.test(parentSpanId)) {
      return { traceId, spanId, parentSpanId, flags };
    }
  }
  return { traceId: newNonZeroId(16), spanId, parentSpanId: null, flags: '01' };
}

export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}

/** Keeps a caller's X-Request-Id when it is short and plain; otherwise makes one. */
export function acceptRequestId(header: string | undefined): string {
  return header && REQUEST_ID.test(header) ? header : `req_${randomUUID()}`;
}
