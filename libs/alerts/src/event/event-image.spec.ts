import { createHash } from 'node:crypto';

import { ImageRefused, parseImage, sniffImage } from './event-image';

/** The smallest valid PNG: a 1×1 transparent pixel. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x1a, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.alloc(14)]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
const MAX = 1024;

function refusal(value: string, max = MAX): { code: string; description: string } {
  try {
    parseImage('event.primary_image', value, max);
  } catch (error) {
    if (error instanceof ImageRefused) return error.refusal;
    throw error;
  }
  throw new Error('the image was accepted');
}

describe('sniffImage', () => {
  it('should tell JPEG, PNG and WebP by their magic bytes', () => {
    expect(sniffImage(JPEG)).toBe('image/jpeg');
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(WEBP)).toBe('image/webp');
  });

  it('should not take GIF, a RIFF that is not WebP, text or too few bytes for an image', () => {
    expect(sniffImage(GIF)).toBeNull();
    expect(sniffImage(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE')]))).toBeNull();
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });
});

describe('parseImage', () => {
  it('should decode plain base64 and answer the sniffed type, the bytes and their SHA-256', () => {
    const image = parseImage('f', PNG.toString('base64'), MAX);
    expect(image).toEqual({
      kind: 'bytes',
      bytes: PNG,
      contentType: 'image/png',
      sha256: createHash('sha256').update(PNG).digest('hex'),
    });
  });

  it('should decode a data URL whose declared type agrees with the bytes (image/jpg taken as image/jpeg), line breaks ignored', () => {
    expect(parseImage('f', `data:image/webp;base64,${WEBP.toString('base64')}`, MAX)).toMatchObject({ kind: 'bytes', contentType: 'image/webp' });
    const b64 = JPEG.toString('base64');
    expect(parseImage('f', `data:image/jpg;base64,${b64.slice(0, 8)}\r\n${b64.slice(8)}`, MAX)).toMatchObject({ contentType: 'image/jpeg', bytes: JPEG });
  });

  it('should refuse a data URL that declares another type than its bytes are', () => {
    expect(refusal(`data:image/jpeg;base64,${PNG.toString('base64')}`)).toEqual({
      code: 'format',
      description: 'event.primary_image declares image/jpeg but its bytes are image/png',
    });
  });

  it('should refuse GIF (naming it) and bytes of no known image', () => {
    expect(refusal(GIF.toString('base64'))).toEqual({ code: 'format', description: 'event.primary_image must be a JPEG, PNG or WebP image (it is GIF)' });
    expect(refusal(Buffer.from('hello world, no image').toString('base64')).description).toContain('its bytes are none of them');
  });

  it('should refuse text that is not base64, an empty value and a data URL without base64', () => {
    expect(refusal('not base64!').code).toBe('format');
    expect(refusal('').code).toBe('format');
    expect(refusal('data:image/png,rawbytes').code).toBe('format');
    expect(refusal('abcde').code).toBe('format');
  });

  it('should refuse an image over the limit, checking the text length before decoding and the decoded size after', () => {
    const big = Buffer.concat([PNG, Buffer.alloc(MAX)]);
    expect(refusal(big.toString('base64'))).toEqual({ code: 'length', description: 'event.primary_image must be an image of at most 1,024 bytes' });
    expect(refusal(Buffer.alloc(3 * 1024 * 1024).toString('base64'), 2 * 1024 * 1024).description).toBe(
      'event.primary_image must be an image of at most 2 MiB',
    );
    const exact = Buffer.concat([PNG, Buffer.alloc(MAX - PNG.length)]);
    expect(parseImage('f', exact.toString('base64'), MAX)).toMatchObject({ kind: 'bytes', contentType: 'image/png' });
  });

  it('should keep an https URL as given, and refuse http, other schemes, credentials and overlong URLs', () => {
    expect(parseImage('f', 'https://cdn.example.com/a.jpg?x=1', MAX)).toEqual({ kind: 'url', url: 'https://cdn.example.com/a.jpg?x=1' });
    expect(refusal('http://cdn.example.com/a.jpg').code).toBe('format');
    expect(refusal('ftp://cdn.example.com/a.jpg').code).toBe('format');
    expect(refusal('https://user:secret@cdn.example.com/a.jpg').code).toBe('format');
    expect(refusal(`https://cdn.example.com/${'a'.repeat(2048)}`).code).toBe('length');
  });
});
