/** The scenario through openapi-typescript's types and openapi-fetch (generated into ./openapi-typescript). */
import createClient from 'openapi-fetch';

import type { paths } from './openapi-typescript/schema';
import { ClientAdapter, main } from './scenario';

function build(baseUrl: string, token: string): ClientAdapter {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } });
  const fail = (what: string, error: unknown): never => {
    throw new Error(`${what}: ${JSON.stringify(error)}`);
  };
  return {
    async createAlert(body) {
      const { data, error, response } = await client.POST('/v1/alerts', { body });
      if (!data) return fail('createAlert', error);
      return { id: data.data.id, etag: response.headers.get('etag') ?? '' };
    },
    async listAlerts({ source, severity, cursor }) {
      const { data, error } = await client.GET('/v1/alerts', { params: { query: { source, severity, cursor, pagination: 'cursor', page_size: 2 } } });
      if (!data) return fail('listAlerts', error);
      return { ids: data.items.map((alert) => alert.id), nextCursor: data.pagination.next_cursor };
    },
    async acknowledge(id, etag) {
      const { data, error, response } = await client.POST('/v1/alerts/{id}/acknowledge', { params: { path: { id }, header: { 'If-Match': etag } }, body: {} });
      if (!data) return fail('acknowledgeAlert', error);
      return { status: data.data.status, etag: response.headers.get('etag') };
    },
    async startExport(source, format) {
      const { data, error } = await client.POST('/v1/exports', { body: { resource: 'alerts', format, scope: 'filtered', filters: { source } } });
      if (!data) return fail('createExport', error);
      return data.data.job_id;
    },
    async getExport(jobId) {
      const { data, error } = await client.GET('/v1/exports/{job_id}', { params: { path: { job_id: jobId } } });
      if (!data) return fail('getExport', error);
      return { status: data.data.status, sha256: data.data.sha256 ?? null };
    },
    async download(jobId) {
      const { data, error } = await client.GET('/v1/exports/{job_id}/download', { params: { path: { job_id: jobId } }, parseAs: 'arrayBuffer' });
      if (!data) return fail('downloadExport', error);
      return new Uint8Array(data);
    },
  };
}

main(build, 'ndjson');
