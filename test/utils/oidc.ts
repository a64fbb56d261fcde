import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface, Interface } from 'node:readline';

/** The extra claims each client's tokens carry (`expired: true`: its tokens expired an hour ago). */
export type OidcClients = Record<string, Record<string, unknown>>;

/** A real OpenID provider (test/fixtures/oidc-provider.mjs) in its own process on a free loopback port. */
export interface OidcProvider {
  issuer: string;
  /** A client-credentials access token for `resource` (`urn:alert-ledger:ES256`, `urn:other-api`, …). */
  clientCredentials(clientId: string, resource: string, scope?: string): Promise<string>;
  /** An access token through the authorization-code flow with PKCE, the provider's login and consent forms filled in. */
  authorizationCode(clientId: string, resource: string, scope: string): Promise<string>;
  /** Replaces every signing key; tokens signed before no longer verify. */
  rotateKeys(): Promise<void>;
  stop(): Promise<void>;
}

const REDIRECT_URI = 'http://127.0.0.1/callback';

function basic(clientId: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientId}-secret`).toString('base64')}`;
}

async function tokenRequest(issuer: string, clientId: string, form: Record<string, string>): Promise<string> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: basic(clientId), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token request failed with ${response.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Follows the provider's redirects and submits its forms (login as `user`, then consent) until it redirects to REDIRECT_URI. */
async function browse(start: string, user: string): Promise<string> {
  const cookies = new Map<string, string>();
  let request: { url: string; init: RequestInit } = { url: start, init: {} };
  for (let step = 0; step < 12; step++) {
    const response = await fetch(request.url, {
      ...request.init,
      redirect: 'manual',
      headers: { ...(request.init.headers as Record<string, string>), cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = response.headers.get('location');
    if (location?.startsWith(REDIRECT_URI)) {
      const code = new URL(location).searchParams.get('code');
      if (!code) throw new Error(`the provider redirected without a code: ${location}`);
      return code;
    }
    if (location) {
      request = { url: new URL(location, request.url).toString(), init: {} };
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`the provider answered ${response.status} without a form or a redirect`);
    const fields = Object.fromEntries(
      [...html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((match) => [match[1], match[2]]),
    );
    const form = new URLSearchParams({ ...fields, login: user, password: 'any' });
    request = {
      url: new URL(action, request.url).toString(),
      init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() },
    };
  }
  throw new Error('the authorization-code flow did not end');
}

export async function startOidcProvider(clients: OidcClients): Promise<OidcProvider> {
  const child: ChildProcess = spawn(process.execPath, [resolve(__dirname, '../fixtures/oidc-provider.mjs'), JSON.stringify(clients)], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const lines: Interface = createInterface({ input: child.stdout! });
  const [first] = (await once(lines, 'line')) as [string];
  const { issuer } = JSON.parse(first) as { issuer: string };
  return {
    issuer,
    clientCredentials: (clientId, resource, scope = 'alerts:read alerts:write cases:read') =>
      tokenRequest(issuer, clientId, { grant_type: 'client_credentials', scope, resource }),
    authorizationCode: async (clientId, resource, scope) => {
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const query = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        scope,
        redirect_uri: REDIRECT_URI,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        resource,
        prompt: 'consent',
      });
      const code = await browse(`${issuer}/auth?${query}`, 'alice');
      return tokenRequest(issuer, clientId, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, resource });
    },
    rotateKeys: async () => {
      const answer = once(lines, 'line');
      child.stdin!.write('rotate\n');
      await answer;
    },
    stop: async () => {
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
    },
  };
}
