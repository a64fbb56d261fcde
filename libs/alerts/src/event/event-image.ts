import { createHash } from 'node:crypto';

/** The image types an event alert may carry: what browsers and the PDF report show, nothing that runs code (SVG) or animates. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export const IMAGE_EXTENSIONS: Record<ImageType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** The longest image URL kept (as given, never fetched). */
export const IMAGE_URL_MAX_LENGTH = 2048;

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Names the format of bytes that are not one of ours, for the error message (GIF, SVG, PDF…); null when unknown. */
function otherFormat(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 16).toString('latin1');
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'GIF';
  if (head.startsWith('BM')) return 'BMP';
  if (head.startsWith('%PDF')) return 'PDF';
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'TIFF';
  if (/^\s*<(\?xml|svg)/i.test(bytes.subarray(0, 256).toString('utf8'))) return 'SVG';
  if (head.slice(4, 12) === 'ftypavif' || head.slice(4, 12) === 'ftypheic') return head.slice(8, 12).toUpperCase();
  return null;
}

/** The type the bytes are, by their magic numbers (not by what the sender says): JPEG, PNG or WebP, else null. */
export function sniffImage(bytes: Buffer): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= PNG.length && bytes.subarray(0, PNG.length).equals(PNG)) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** What an image field held: a URL kept as given, or decoded bytes of a checked type. */
export type ImageInput = { kind: 'url'; url: string } | { kind: 'bytes'; bytes: Buffer; contentType: ImageType; sha256: string };

/** Why an image field was refused, as a field violation's code and description. */
export interface ImageRefusal {
  code: 'format' | 'length';
  description: string;
}

export class ImageRefused extends Error {
  constructor(readonly refusal: ImageRefusal) {
    super(refusal.description);
  }
}

const DATA_URL = /^data:([^;,]{1,100})((?:;[^;,]{1,100}){0,5});base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function refuse(field: string, code: ImageRefusal['code'], description: string): never {
  throw new ImageRefused({ code, description: `${field} ${description}` });
}

function mib(bytes: number): string {
  return bytes % 1_048_576 === 0 ? `${bytes / 1_048_576} MiB` : `${bytes.toLocaleString('en')} bytes`;
}

/**
 * Reads an event image field: an https URL (kept as given: never fetched, docs/API-DECISIONS.md), or
 * base64, plain or as a `data:image/…;base64,` URL. Base64 is decoded (at most `maxBytes` bytes: the
 * length is checked before decoding) and sniffed: only JPEG, PNG and WebP pass, and a data URL whose
 * declared type disagrees with the bytes is refused. Throws ImageRefused naming `field`.
 */
export function parseImage(field: string, value: string, maxBytes: number): ImageInput {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    if (!/^https:\/\//i.test(value)) refuse(field, 'format', 'must be an https URL, or base64 image data');
    if (value.length > IMAGE_URL_MAX_LENGTH) refuse(field, 'length', `must be a URL of at most ${IMAGE_URL_MAX_LENGTH} characters`);
    try {
      const url = new URL(value);
      if (!url.hostname || url.username || url.password) throw new Error('credentials or no host');
    } catch {
      refuse(field, 'format', 'must be a valid https URL without credentials');
    }
    return { kind: 'url', url: value };
  }
  let declared: string | null = null;
  let data = value;
  if (/^data:/i.test(value)) {
    const match = DATA_URL.exec(value);
    if (!match) refuse(field, 'format', 'must be a base64 data URL (data:image/png;base64,…)');
    declared = match[1].toLowerCase();
    data = value.slice(match[0].length);
  }
  data = data.replace(/[\r\n]/g, '');
  // Base64 of n bytes is 4 × ceil(n / 3) characters: refuse a longer text before decoding anything.
  if (data.length > Math.ceil(maxBytes / 3) * 4) refuse(field, 'length', `must be an image of at most ${mib(maxBytes)}`);
  if (data.length === 0 || data.length % 4 === 1 || !BASE64.test(data)) refuse(field, 'format', 'must be base64 image data (or an https URL)');
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > maxBytes) refuse(field, 'length', `must be an image of at most ${mib(maxBytes)}`);
  const contentType = sniffImage(bytes);
  if (!contentType) {
    const other = otherFormat(bytes);
    refuse(field, 'format', `must be a JPEG, PNG or WebP image${other ? ` (it is ${other})` : ' (its bytes are none of them)'}`);
  }
  if (declared !== null && declared !== contentType && !(declared === 'image/jpg' && contentType === 'image/jpeg'))
    refuse(field, 'format', `declares ${declared} but its bytes are ${contentType}`);
  return { kind: 'bytes', bytes, contentType, sha256: createHash('sha256').update(bytes).digest('hex') };
}
