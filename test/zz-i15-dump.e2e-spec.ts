import { writeFileSync } from 'node:fs';
import { http, startApi } from './utils/api';
it('dumps', async () => {
  const api = await startApi();
  const doc = await http(api, 'GET', '/openapi.json');
  writeFileSync('/tmp/i15/openapi.json', doc.text);
  await api.close();
  expect(doc.status).toBe(200);
});
