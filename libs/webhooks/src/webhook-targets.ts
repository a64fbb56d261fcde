import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE_TARGETS: private, loopback, link-local,
 * shared, reserved, multicast and unspecified ranges, IPv4 and IPv6 (IPv4-mapped IPv6 addresses are
 * checked as the IPv4 address they carry).
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is one anybody on the internet could reach. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return isPublicAddress(mapped[1]);
    return !NON_PUBLIC.check(address, 'ipv6');
  }
  return !NON_PUBLIC.check(address, 'ipv4');
}

export class RefusedTargetError extends Error {}

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a webhook's host at delivery time and checks every address it resolves to: one non-public
 * address refuses the delivery (unless private targets are allowed). The caller connects to the address
 * answered here, so a name that resolves differently a moment later (DNS rebinding) changes nothing.
 */
export async function resolveTarget(hostname: string, allowPrivate: boolean): Promise<ResolvedTarget> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  const addresses = literal ? [{ address: host, family: literal }] : await lookup(host, { all: true, verbatim: true });
  if (addresses.length === 0) throw new Error(`${host} resolves to no address`);
  if (!allowPrivate) {
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused)
      throw new RefusedTargetError(
        `${host} resolves to ${refused.address}, a private, loopback or link-local address (WEBHOOK_ALLOW_PRIVATE_TARGETS is false)`,
      );
  }
  return { address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}

/** The URL checks of a subscription (creation and change); null when the URL is acceptable. */
export function webhookUrlProblem(raw: string, options: { allowHttp: boolean; allowPrivate: boolean }): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowHttp))
    return options.allowHttp ? 'url must be http or https' : 'url must be https (http only with WEBHOOK_ALLOW_HTTP)';
  if (url.username || url.password) return 'url must not carry credentials (verify the signature instead)';
  if (url.hash) return 'url must not carry a fragment';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && ((isIP(host) !== 0 && !isPublicAddress(host)) || /^localhost$|\.localhost$/i.test(host))) {
    return 'url must not name a private, loopback or link-local address';
  }
  return null;
}
