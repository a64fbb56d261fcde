import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';

/**
 * C2SP formats, so that transparency-log tools read our checkpoints: tlog-checkpoint
 * (https://c2sp.org/tlog-checkpoint) for the body, signed-note (https://c2sp.org/signed-note) around it,
 * Ed25519 signatures (signature type 0x01).
 */

const ED25519_TYPE = 0x01;

/** The checkpoint body: origin, tree size (decimal) and root hash (standard base64), each on its line. */
export function checkpointBody(origin: string, treeSize: number, root: Buffer): string {
  return `${origin}\n${treeSize}\n${root.toString('base64')}\n`;
}

export interface ParsedCheckpoint {
  origin: string;
  treeSize: number;
  root: Buffer;
}

/** The body's three lines (extension lines after them are ignored); null when it is not a checkpoint. */
export function parseCheckpointBody(body: string): ParsedCheckpoint | null {
  const [origin, size, root] = body.split('\n');
  if (!origin || !/^(0|[1-9]\d*)$/.test(size ?? '') || !/^[A-Za-z0-9+/]{43}=$/.test(root ?? '')) return null;
  return { origin, treeSize: Number(size), root: Buffer.from(root, 'base64') };
}

/** A signing key of the note: its name, its 4-byte key hash and its Ed25519 keys. */
export interface NoteKey {
  name: string;
  /** The first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key). */
  keyHash: Buffer;
  publicKey: KeyObject;
  /** The raw 32-byte public key. */
  publicBytes: Buffer;
  privateKey?: KeyObject;
}

/** The signed-note key hash of an Ed25519 key. */
export function noteKeyHash(name: string, publicBytes: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([ED25519_TYPE]), publicBytes]))
    .digest()
    .subarray(0, 4);
}

/** A note key from a PKCS#8 PEM private key; throws when it is not Ed25519. */
export function noteKeyFromPem(name: string, pem: string | Buffer): NoteKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`an ${privateKey.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  return { ...noteKeyFromPublic(name, createPublicKey(privateKey)), privateKey };
}

export function noteKeyFromPublic(name: string, publicKey: KeyObject): NoteKey {
  const publicBytes = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  return { name, keyHash: noteKeyHash(name, publicBytes), publicKey, publicBytes };
}

/** The C2SP verifier key: `<name>+<hex key hash>+<base64(0x01 ‖ public key)>`. */
export function verifierKey(key: NoteKey): string {
  return `${key.name}+${key.keyHash.toString('hex')}+${Buffer.concat([Buffer.from([ED25519_TYPE]), key.publicBytes]).toString('base64')}`;
}

/**
 * The key's JWK thumbprint (RFC 7638 with RFC 8037's members for OKP keys): base64url of the SHA-256 of
 * `{"crv":"Ed25519","kty":"OKP","x":"<x>"}`, its fingerprint the PDF report prints.
 */
export function jwkThumbprint(publicBytes: Buffer): string {
  return createHash('sha256')
    .update(`{"crv":"Ed25519","kty":"OKP","x":"${publicBytes.toString('base64url')}"}`)
    .digest('base64url');
}

/** A detached signature line (manifest.json.sig, SHA256SUMS.sig, an export's manifest_signature): the key name, one space, base64 of the Ed25519 signature over `bytes`. */
export function detachedSignature(bytes: Buffer, key: NoteKey): string {
  if (!key.privateKey) throw new Error(`the note key ${key.name} has no private key`);
  return `${key.name} ${sign(null, bytes, key.privateKey).toString('base64')}`;
}

/** The signed note: the text, a blank line, and one signature line `— <name> <base64(key hash ‖ signature)>`. */
export function signNote(text: string, key: NoteKey): string {
  if (!key.privateKey) throw new Error(`the note key ${key.name} has no private key`);
  if (!text.endsWith('\n')) throw new Error('a note text ends with a newline');
  const signature = sign(null, Buffer.from(text), key.privateKey);
  return `${text}\n— ${key.name} ${Buffer.concat([key.keyHash, signature]).toString('base64')}\n`;
}

export interface OpenedNote {
  text: string;
  /** The signatures whose name and key hash match a known key and that verify. */
  verifiedBy: NoteKey[];
}

/** Splits a signed note and checks its signatures against `keys`; null when it is not a signed note. */
export function openNote(note: string, keys: NoteKey[]): OpenedNote | null {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return null;
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const verifiedBy: NoteKey[] = [];
  for (const line of lines) {
    const match = /^— (\S+) ([A-Za-z0-9+/]+=*)$/.exec(line);
    if (!match) return null;
    const blob = Buffer.from(match[2], 'base64');
    const key = keys.find((k) => k.name === match[1] && k.keyHash.equals(blob.subarray(0, 4)));
    if (key && blob.length === 68 && verify(null, Buffer.from(text), key.publicKey, blob.subarray(4))) verifiedBy.push(key);
  }
  return { text, verifiedBy };
}
