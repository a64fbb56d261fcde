import { createHash, generateKeyPairSync } from 'node:crypto';

import { checkpointBody, noteKeyFromPem, noteKeyHash, openNote, parseCheckpointBody, signNote, verifierKey } from './signed-note';

/** The example of golang.org/x/mod/sumdb/note (the C2SP signed-note reference): Ed25519 is deterministic, so ours must match byte for byte. */
const GO_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

/** A PKCS#8 PEM of an Ed25519 seed (RFC 8410's fixed DER prefix). */
function pemOfSeed(seed: Buffer): string {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`;
}

const fresh = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });

describe('signed notes and checkpoints (C2SP)', () => {
  const goSeed = Buffer.from(GO_SIGNER.split('+').slice(4).join('+'), 'base64').subarray(1);
  const peter = noteKeyFromPem('PeterNeumann', pemOfSeed(goSeed));

  it('should sign and name keys exactly as Go’s sumdb/note does', () => {
    expect(verifierKey(peter)).toBe(GO_VERIFIER);
    expect(peter.keyHash.toString('hex')).toBe('c74f20a3');
    expect(signNote(GO_TEXT, peter)).toBe(GO_NOTE);
  });

  it('should verify a note only with a known key of its name, and only the text that was signed', () => {
    expect(openNote(GO_NOTE, [peter])).toEqual({ text: GO_TEXT, verifiedBy: [peter] });
    expect(openNote(GO_NOTE.replace('cryptography', 'cryptographY'), [peter])?.verifiedBy).toEqual([]);
    const other = noteKeyFromPem('PeterNeumann', fresh());
    expect(openNote(GO_NOTE, [other])?.verifiedBy).toEqual([]);
    expect(openNote(signNote(GO_TEXT, other), [peter])?.verifiedBy).toEqual([]);
    expect(openNote(GO_TEXT, [peter])).toBeNull();
  });

  it('should keep notes signed before a rotation verifiable by the retired key', () => {
    const [active, retired] = [noteKeyFromPem('log.example', fresh()), noteKeyFromPem('log.example', fresh())];
    const old = signNote('log.example/t\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n', retired);
    expect(openNote(old, [active, retired])?.verifiedBy).toEqual([retired]);
    expect(active.keyHash).not.toEqual(retired.keyHash);
  });

  it('should compute the key hash as SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]', () => {
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from('PeterNeumann\n'), Buffer.from([1]), peter.publicBytes]))
      .digest()
      .subarray(0, 4);
    expect(noteKeyHash('PeterNeumann', peter.publicBytes)).toEqual(expected);
  });

  it('should write and read the checkpoint body, and refuse what is not one', () => {
    const root = createHash('sha256').update('root').digest();
    const body = checkpointBody('alert-ledger.local/tnt_X', 42, root);
    expect(body).toBe(`alert-ledger.local/tnt_X\n42\n${root.toString('base64')}\n`);
    expect(parseCheckpointBody(body)).toEqual({ origin: 'alert-ledger.local/tnt_X', treeSize: 42, root });
    expect(parseCheckpointBody(`${body}extension line\n`)).toEqual({ origin: 'alert-ledger.local/tnt_X', treeSize: 42, root });
    expect(parseCheckpointBody(body.replace('\n42\n', '\n042\n'))).toBeNull();
    expect(parseCheckpointBody(body.replace(root.toString('base64'), 'AAAA'))).toBeNull();
  });

  it('should refuse a key that is not Ed25519', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => noteKeyFromPem('log.example', ec)).toThrow(/ec key, not Ed25519/);
  });
});
