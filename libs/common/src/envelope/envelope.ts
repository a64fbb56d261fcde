import { etag } from '../http/etag';
import { Page, Pagination } from '../pagination/pagination';
import { RequestContextStore } from '../trace/request-context';

/** `{ code: 0, message, data, timestamp, request_id }`: the success envelope of one resource. */
export interface Envelope<T> {
  code: 0;
  message: string;
  data: T;
  timestamp: string;
  request_id: string;
}

/** The list envelope (seed 004's AlertListResponse, extended with cursor paging). */
export interface ListEnvelope<T> {
  code: 0;
  message: string;
  items: T[];
  total: number | null;
  total_is_estimate: boolean;
  pagination: Pagination;
  timestamp: string;
  request_id: string;
}

function requestId(): string {
  return RequestContextStore.current()?.requestId ?? '';
}

export function envelope<T>(data: T, message = 'OK'): Envelope<T> {
  return { code: 0, message, data, timestamp: new Date().toISOString(), request_id: requestId() };
}

/** A versioned resource's answer: its ETag (the version) on the reply, its DTO in the envelope. */
export function versionedEnvelope<T>(reply: { header(name: string, value: string): unknown }, version: number, data: T, message?: string): Envelope<T> {
  void reply.header('ETag', etag(version));
  return envelope(data, message);
}

export function listEnvelope<T, R = T>(page: Page<T>, map: (item: T) => R, message = 'OK'): ListEnvelope<R> {
  return {
    code: 0,
    message,
    items: page.items.map(map),
    total: page.total,
    total_is_estimate: page.total_is_estimate,
    pagination: page.pagination,
    timestamp: new Date().toISOString(),
    request_id: requestId(),
  };
}
