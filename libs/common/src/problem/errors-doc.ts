import { en } from '../i18n/translations/en';
import type { ProblemType } from './problem-types';

/** docs/ERRORS.md, generated from the catalogue (`npm run docs:errors`); a test keeps the file current. */
export function renderErrorsDoc(catalogue: readonly ProblemType[]): string {
  const titles = en.problems as Record<string, { title: string }>;
  const rows = catalogue.map(
    (type) =>
      `| ${type.code} | ${type.status} | [\`${type.slug}\`](/problems/${type.slug}) | ${titles[type.slug].title} | ${type.description.replace(/\|/g, '\\|')} |`,
  );
  return `# Problem types

Every failure of the API is an RFC 9457 problem (\`application/problem+json\`). \`type\` is \`/problems/{slug}\`,
a page the API serves; \`code\` is the stable business code: 2 digits service (10 = Alert Ledger API),
2 digits module (00 HTTP and common, 01 auth, 02 alerts, 03 threat cases, 04 exports, 05 audit trail,
06 ingestion, 07 compliance, 08 webhooks), 4 digits error. \`title\` and \`detail\` are translated by \`Accept-Language\` (en, id, ko, zh);
\`i18n_key\` and \`i18n_args\` let a client translate them itself.

Generated from the catalogue (apps/api/src/problems/problem-catalogue.ts, which gathers each library's
types) by \`npm run docs:errors\`; do not edit by hand.

| code | status | type | title (en) | meaning |
|---|---|---|---|---|
${rows.join('\n')}

## Body

\`\`\`json
{
  "type": "/problems/validation-error",
  "title": "Invalid request parameters",
  "status": 400,
  "detail": "1 field(s) of the request are invalid.",
  "instance": "/v1/tenants?page_size=500",
  "code": 10000001,
  "i18n_key": "problems.validation-error",
  "i18n_args": { "count": 1 },
  "errors": [{ "field": "page_size", "pointer": "/query/page_size", "code": "range", "description": "page_size must not be greater than 200", "value": "500" }],
  "request_id": "req_550e8400-e29b-41d4-a716-446655440000",
  "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
  "span_id": "00f067aa0ba902b7",
  "service": "alert-ledger",
  "timestamp": "2026-04-03T12:00:00.000Z"
}
\`\`\`

\`errors[].code\` is one of required, type, format, range, length, enum, unknown (a field the operation does
not take) or invalid. \`value\` is left out in production and for secret-looking fields. 429 and 503
also carry \`retry_after\` and a \`Retry-After\` header; 405 carries \`Allow\`.
`;
}
