/** The scenario through @hey-api/openapi-ts's SDK and fetch client (generated into ./hey-api), authenticated by its `auth` callback. */
import { createClient } from './hey-api/client';
import { acknowledgeAlert, createAlert, createExport, downloadExport, getExport, listAlerts } from './hey-api/sdk.gen';
import { ClientAdapter, main } from './scenario';

function build(baseUrl: string, token: string): ClientAdapter {
  // `auth` answers every security scheme of an operation, so the JWT goes out as the bearer token and as X-API-Key.
  const client = createClient({ baseUrl, auth: () => token });
  const fail = (what: string, error: unknown): never => {
    throw new Error(`${what}: ${JSON.stringify(error)}`);
  };
  return {
    async createAlert(body) {
      const { data, error, response } = await createAlert({ client, body });
      if (!data) return fail('createAlert', error);
      return { id: data.data.id, etag: response.headers.get('etag') ?? '' };
    },
    async listAlerts({ source, severity, cursor }) {
      const { data, error } = await listAlerts({ client, query: { source, severity, cursor, pagination: 'cursor', page_size: 2 } });
      if (!data) return fail('listAlerts', error);
      return { ids: data.items.map((alert) => alert.id), nextCursor: data.pagination.next_cursor };
    },
    async acknowledge(id, etag) {
      const { data, error, response } = await acknowledgeAlert({ client, path: { id }, headers: { 'If-Match': etag }, body: {} });
      if (!data) return fail('acknowledgeAlert', error);
      return { status: data.data.status, etag: response.headers.get('etag') };
    },
    async startExport(source, format) {
      const { data, error } = await createExport({ client, body: { resource: 'alerts', format, scope: 'filtered', filters: { source } } });
      if (!data) return fail('createExport', error);
      return data.data.job_id;
    },
    async getExport(jobId) {
      const { data, error } = await getExport({ client, path: { job_id: jobId } });
      if (!data) return fail('getExport', error);
      return { status: data.data.status, sha256: data.data.sha256 ?? null };
    },
    async download(jobId) {
      const { data, error } = await downloadExport({ client, path: { job_id: jobId } });
      if (!data) return fail('downloadExport', error);
      return new Uint8Array(await data.arrayBuffer());
    },
  };
}

main(build, 'xlsx');
