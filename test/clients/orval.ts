/** The scenario through orval's fetch client (generated into ./orval/api.ts with the ./orval-fetch.ts mutator). */
import { acknowledgeAlert, createAlert, createExport, downloadExport, getExport, listAlerts } from './orval/api';
import { configureFetch } from './orval-fetch';
import { ClientAdapter, main } from './scenario';

function build(baseUrl: string, token: string): ClientAdapter {
  configureFetch(baseUrl, token);
  const fail = (what: string, answer: { status: number; data: unknown }): never => {
    throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.data)}`);
  };
  return {
    async createAlert(body) {
      const answer = await createAlert(body);
      if (answer.status !== 201) return fail('createAlert', answer);
      return { id: answer.data.data.id, etag: answer.headers.get('etag') ?? '' };
    },
    async listAlerts({ source, severity, cursor }) {
      const answer = await listAlerts({ source, severity, cursor, pagination: 'cursor', page_size: 2 });
      if (answer.status !== 200) return fail('listAlerts', answer);
      return { ids: answer.data.items.map((alert) => alert.id), nextCursor: answer.data.pagination.next_cursor };
    },
    async acknowledge(id, etag) {
      const answer = await acknowledgeAlert(id, {}, { headers: { 'If-Match': etag } });
      if (answer.status !== 200) return fail('acknowledgeAlert', answer);
      return { status: answer.data.data.status, etag: answer.headers.get('etag') };
    },
    async startExport(source, format) {
      const answer = await createExport({ resource: 'alerts', format, scope: 'filtered', filters: { source } });
      if (answer.status !== 202) return fail('createExport', answer);
      return answer.data.data.job_id;
    },
    async getExport(jobId) {
      const answer = await getExport(jobId);
      if (answer.status !== 200) return fail('getExport', answer);
      return { status: answer.data.data.status, sha256: answer.data.data.sha256 ?? null };
    },
    async download(jobId) {
      const answer = await downloadExport(jobId);
      if (answer.status !== 200) return fail('downloadExport', answer);
      return new Uint8Array(await answer.data.arrayBuffer());
    },
  };
}

main(build, 'csv');
