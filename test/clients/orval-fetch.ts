/**
 * orval's `mutator` for its fetch client (orval.config's `override.mutator`): the base URL and the
 * credential, and bodies read by their Content-Type. orval's own fetch client parses every body as JSON,
 * a CSV or XLSX download included; this reads JSON as JSON and anything else as bytes (a Blob).
 */
const settings = { baseUrl: '', token: '' };

export function configureFetch(baseUrl: string, token: string): void {
  Object.assign(settings, { baseUrl, token });
}

export async function customFetch<T>(url: string, options: RequestInit): Promise<T> {
  const headers = new Headers(options.headers);
  headers.set('authorization', `Bearer ${settings.token}`);
  const response = await fetch(`${settings.baseUrl}${url}`, { ...options, headers });
  const type = response.headers.get('content-type') ?? '';
  let data: unknown = null;
  if (![204, 205, 304].includes(response.status)) data = /[/+]json\b/.test(type) ? await response.json() : new Blob([await response.arrayBuffer()], { type });
  return { data, status: response.status, headers: response.headers } as T;
}
