// @ts-check
'use strict';
const { createHash } = require('node:crypto');

const { parseKeys, parseNote, verifyNote, parseCheckpoint, verifyDetached, noteKeyHash } = require('../src/note');
const { generateKey, jwks, signNote, signDetached } = require('./pack-fixture');

const key = generateKey('log.example/2026');
const other = generateKey('log.example/2025');
const BODY = 'log.example/tenant/ten_1\n12\nHpnKkzWnlaQcCJ9x9Mg5VvrK5dAVBoVwnYe1ff2bKb0=\n';

/** @param {typeof key} k the C2SP verifier key line */
const verifierKey = (k) => `${k.name}+${noteKeyHash(k.name, k.raw).toString('hex')}+${Buffer.concat([Buffer.from([1]), k.raw]).toString('base64')}`;

describe('note key hash', () => {
  it('is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)', () => {
    const raw = Buffer.alloc(32, 7);
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from('k\n'), Buffer.from([1]), raw]))
      .digest()
      .subarray(0, 4);
    expect(noteKeyHash('k', raw)).toEqual(expected);
  });

  it('matches the C2SP signed-note example key (PeterNeumann)', () => {
    // From https://c2sp.org/signed-note: vkey PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW
    const raw = Buffer.from('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'base64').subarray(1);
    expect(noteKeyHash('PeterNeumann', raw).toString('hex')).toBe('c74f20a3');
    expect(parseKeys(Buffer.from('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n'))[0].name).toBe('PeterNeumann');
  });
});

describe('verifyNote', () => {
  const keys = parseKeys(jwks([key, other]));

  it('verifies a note signed with a key made by node:crypto, and names the signer', () => {
    const { text, signers, unknown } = verifyNote(signNote(BODY, [key]), keys);
    expect(text).toBe(BODY);
    expect(signers.map((k) => k.name)).toEqual(['log.example/2026']);
    expect(unknown).toEqual([]);
  });

  it('passes over signatures by keys it does not know, as C2SP says', () => {
    const stranger = generateKey('witness.example');
    const { signers, unknown } = verifyNote(signNote(BODY, [stranger, key]), keys);
    expect(signers.map((k) => k.name)).toEqual(['log.example/2026']);
    expect(unknown).toEqual(['witness.example']);
  });

  it('rejects a note signed by a key that is not trusted', () => {
    expect(() => verifyNote(signNote(BODY, [key]), parseKeys(jwks([other])))).toThrow('signed by no trusted key (signatures by: log.example/2026)');
  });

  it('rejects a changed body', () => {
    const note = String(signNote(BODY, [key])).replace('\n12\n', '\n13\n');
    expect(() => verifyNote(Buffer.from(note), keys)).toThrow('the signature by log.example/2026 does not verify');
  });

  it('rejects a signature line whose key name was changed, even to the name of a key that signs too', () => {
    // The key hash covers the name: under another name the signature matches no trusted key.
    const renamed = String(signNote(BODY, [key])).replace('\u2014 log.example/2026 ', '\u2014 log.example/2025 ');
    expect(() => verifyNote(Buffer.from(renamed), keys)).toThrow('signed by no trusted key (signatures by: log.example/2025)');
    // The same key published under another name is another key.
    const sameKeyOtherName = parseKeys(jwks([{ ...key, name: 'log.example/other' }]));
    expect(() => verifyNote(signNote(BODY, [key]), sameKeyOtherName)).toThrow('signed by no trusted key');
  });

  it('trusts C2SP verifier keys as it trusts a JWKS', () => {
    expect(verifyNote(signNote(BODY, [key]), parseKeys(Buffer.from(`${verifierKey(other)}\n${verifierKey(key)}\n`))).signers[0].name).toBe('log.example/2026');
  });

  it('refuses notes that are not signed notes', () => {
    const note = String(signNote(BODY, [key]));
    for (const [broken, message] of [
      [BODY, 'not a signed note'],
      [note.slice(0, -1), 'not a signed note'],
      [note.replace('\u2014', '-'), 'not a signature line'],
      [note.replace(/\n/g, '\r\n'), 'carriage returns'],
      [`${BODY}\n\u2014 log.example/2026 AAAA\n`, 'not a signature line'],
    ]) {
      expect(() => parseNote(Buffer.from(broken))).toThrow(message);
    }
    expect(() => parseNote(Buffer.from([0xff, 0x0a, 0x0a]))).toThrow('UTF-8');
  });
});

describe('parseCheckpoint', () => {
  it('reads origin, tree size, root hash and extension lines', () => {
    const checkpoint = parseCheckpoint(`${BODY}ext one\n`);
    expect(checkpoint).toEqual({
      origin: 'log.example/tenant/ten_1',
      size: 12,
      root: Buffer.from('HpnKkzWnlaQcCJ9x9Mg5VvrK5dAVBoVwnYe1ff2bKb0=', 'base64'),
      extensions: ['ext one'],
    });
  });

  it('refuses sizes that are not plain decimal safe integers, roots that are not 32 bytes, and short bodies', () => {
    const root = 'HpnKkzWnlaQcCJ9x9Mg5VvrK5dAVBoVwnYe1ff2bKb0=';
    for (const [text, message] of [
      [`o\n012\n${root}\n`, 'not a decimal number'],
      [`o\n-1\n${root}\n`, 'not a decimal number'],
      [`o\n9007199254740992\n${root}\n`, 'larger than this verifier counts'],
      ['o\n1\nAAAA\n', 'not 32 bytes'],
      [`o\n1\n${root.replace('=', '')}\n`, 'not 32 bytes'],
      [`\n1\n${root}\n`, 'empty origin'],
      ['o\n1\n', 'at least three lines'],
    ]) {
      expect(() => parseCheckpoint(text)).toThrow(message);
    }
  });
});

describe('parseKeys', () => {
  it('refuses keys that are not Ed25519, lack a note key name or have a bad one', () => {
    /** @param {object} jwk */
    const one = (jwk) => Buffer.from(JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: key.raw.toString('base64url'), note_key_name: 'k', ...jwk }] }));
    expect(() => parseKeys(one({ crv: 'X25519' }))).toThrow('not an OKP/Ed25519 key');
    expect(() => parseKeys(one({ note_key_name: undefined }))).toThrow('no note_key_name');
    expect(() => parseKeys(one({ note_key_name: 'a+b' }))).toThrow('not a note key name');
    expect(() => parseKeys(one({ x: key.raw.toString('base64') + '=' }))).toThrow('not base64url');
    expect(() => parseKeys(one({ x: key.raw.subarray(1).toString('base64url') }))).toThrow('not 32 bytes');
    expect(() => parseKeys(Buffer.from(verifierKey(key).replace(/\+[0-9a-f]{8}\+/, '+00000000+')))).toThrow('wrong key hash');
    expect(() => parseKeys(Buffer.from('{"keys": 1}'))).toThrow('not a JWKS');
  });
});

describe('verifyDetached', () => {
  const keys = parseKeys(jwks([key]));
  const manifest = Buffer.from('{"export_id": "exp_1"}\n');

  it('verifies "<key name> <base64 signature>" over the exact bytes', () => {
    expect(verifyDetached(manifest, signDetached(manifest, key), keys).name).toBe('log.example/2026');
    expect(() => verifyDetached(Buffer.from('{"export_id": "exp_1"} \n'), signDetached(manifest, key), keys)).toThrow('does not verify');
  });

  it('tries every trusted key of the name the line gives (the line carries no key hash)', () => {
    const sameName = generateKey('log.example/2026');
    expect(verifyDetached(manifest, signDetached(manifest, key), parseKeys(jwks([sameName, key]))).raw).toEqual(key.raw);
    expect(() => verifyDetached(manifest, signDetached(manifest, key), parseKeys(jwks([sameName])))).toThrow(
      'the signature by log.example/2026 does not verify',
    );
  });

  it('rejects a signature by another key, and a file that is not one such line', () => {
    expect(() => verifyDetached(manifest, signDetached(manifest, other), keys)).toThrow('signed by log.example/2025, not a trusted key');
    expect(() => verifyDetached(manifest, Buffer.from(`${signDetached(manifest, key)}x\n`), keys)).toThrow('not one line');
    expect(() => verifyDetached(manifest, Buffer.from('log.example/2026 AAAA\n'), keys)).toThrow('not one line');
  });
});
