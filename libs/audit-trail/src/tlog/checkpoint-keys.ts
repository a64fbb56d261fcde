import { readFileSync } from 'node:fs';

import { Injectable } from '@nestjs/common';

import { AppConfig } from '@app/config';

import { CheckpointKeyDto } from '../dto/transparency-log.dto';
import { detachedSignature, NoteKey, noteKeyFromPem } from './signed-note';

/**
 * The checkpoint signing keys, read from SIGNING_KEY_FILE at start (a file that cannot be read or is not
 * an Ed25519 PKCS#8 key stops the process with its path named). The first signs; the others are kept
 * for their public keys, so that checkpoints signed before a rotation still verify. Private keys stay in
 * this process's memory: never written to the database, never served.
 */
@Injectable()
export class CheckpointKeys {
  readonly name: string;
  readonly keys: NoteKey[];

  constructor(config: AppConfig) {
    this.name = config.transparencyLogName;
    this.keys = config.signingKeyFiles.map((file) => {
      try {
        return noteKeyFromPem(this.name, readFileSync(file));
      } catch (error) {
        throw new Error(`SIGNING_KEY_FILE ${file}: ${(error as Error).message}`, { cause: error });
      }
    });
  }

  /** The key that signs new checkpoints; null when no key is configured. */
  get active(): NoteKey | null {
    return this.keys[0] ?? null;
  }

  /** A detached signature line over `bytes` by the active key (the format of manifest.json.sig, without its newline); null without a key. */
  sign(bytes: Buffer): string | null {
    const key = this.active;
    return key ? detachedSignature(bytes, key) : null;
  }

  /** The key of a checkpoint's signature line: its name and hex key hash. */
  find(name: string, keyId: string): NoteKey | null {
    return this.keys.find((key) => key.name === name && key.keyHash.toString('hex') === keyId) ?? null;
  }

  /** The published keys as a JWKS, the active one first (GET /.well-known/alert-ledger/keys, an evidence pack's keys.json). */
  jwks(): { keys: CheckpointKeyDto[] } {
    return { keys: this.keys.map((key, index) => CheckpointKeyDto.from(key, index === 0)) };
  }

  /** The origin line of a tenant's checkpoints: the deployment's name and the tenant. */
  origin(tenantId: string): string {
    return `${this.name}/${tenantId}`;
  }
}
