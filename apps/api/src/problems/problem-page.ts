function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export interface ProblemPage {
  type: string;
  title: string;
  status: number;
  code: number;
  description: string;
}

export function renderProblemPage(page: ProblemPage, lang: string): string {
  const description = escapeHtml(page.description).replace(/`([^`]+)`/g, '<code>$1</code>');
  return `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><title>${escapeHtml(page.title)} — Alert Ledger</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .2em}dt{font-weight:600}</style>
</head><body>
<h1>${escapeHtml(page.title)}</h1>
<dl><dt>type</dt><dd><code>${escapeHtml(page.type)}</code></dd><dt>status</dt><dd>${page.status}</dd><dt>code</dt><dd>${page.code}</dd></dl>
<p>${description}</p>
<p>Every error of this API is an RFC 9457 problem (<code>application/problem+json</code>); see <a href="/docs">the API documentation</a>.</p>
</body></html>
`;
}
