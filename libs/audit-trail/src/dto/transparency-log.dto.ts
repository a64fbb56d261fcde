import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { isoUtc, ToInt } from '@app/common';
import type { AuditCheckpoint } from '@app/database';

import { NoteKey, verifierKey } from '../tlog/signed-note';
import { ConsistencyProof, InclusionProof } from '../tlog/transparency-log.service';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const HASH = { minLength: 64, maxLength: 64, example: 'f1ad3f0e9c0b1e0c6a4fd0c9d1a4b8d6e3a2c1b0f9e8d7c6b5a4938271605f4e' } as const;

export class CheckpointDto {
  @ApiProperty({
    maxLength: 1000,
    description:
      'The signed note (C2SP signed-note) around the C2SP tlog-checkpoint body: "<origin>\\n<tree size>\\n<base64 root hash>\\n", a blank line, and "— <key name> <base64(4-byte key hash ‖ Ed25519 signature)>\\n"',
  })
  note: string;
  @ApiProperty({
    maxLength: 300,
    description: 'The log origin (first line of the note): the deployment name, "/", the tenant id',
    example: 'alert-ledger.local/ten_01JQ3Z6V1B9W3C7KJ6T2X9P8R4',
  })
  origin: string;
  @ApiProperty({ description: 'Leaves the tree holds: the audit events of seq 1 to tree_size (leaf index = seq - 1)', example: 42 }) tree_size: number;
  @ApiProperty({ ...HASH, description: 'The RFC 9162 root hash (SHA-256, hex)' }) root_hash: string;
  @ApiProperty({ format: 'date-time', description: 'When the checkpoint was signed (not part of the signed text)' }) timestamp: string;
  @ApiProperty({ maxLength: 200, description: 'The signing key’s note name', example: 'alert-ledger.local' }) key_name: string;
  @ApiProperty({
    description: 'The signing key’s id: hex of its 4-byte note key hash (`kid` in the keys set)',
    example: '1a2b3c4d',
    minLength: 8,
    maxLength: 8,
  })
  key_id: string;

  static from(checkpoint: AuditCheckpoint): CheckpointDto {
    return {
      note: checkpoint.note,
      origin: checkpoint.note.slice(0, checkpoint.note.indexOf('\n')),
      tree_size: Number(checkpoint.treeSize),
      root_hash: hex(checkpoint.rootHash),
      timestamp: isoUtc(checkpoint.issuedAt),
      key_name: checkpoint.keyName,
      key_id: checkpoint.keyId,
    };
  }
}

export class InclusionProofDto {
  @ApiProperty({ maxLength: 40 }) event_id: string;
  @ApiProperty({ description: 'The event’s leaf index: its seq - 1' }) leaf_index: number;
  @ApiProperty({ description: 'The size of the checkpoint’s tree the proof is for' }) tree_size: number;
  @ApiProperty({ ...HASH, description: 'SHA-256(0x00 ‖ the event’s canonical bytes) as the tree holds it (hex)' }) leaf_hash: string;
  @ApiProperty({ type: [String], maxItems: 128, minLength: 64, maxLength: 64, description: 'PATH(leaf_index, tree) of RFC 9162 §2.1.3.1, leaf to root (hex)' })
  inclusion_path: string[];
  @ApiProperty({ ...HASH, description: 'The checkpoint’s root hash (hex)' }) root_hash: string;

  static from(proof: InclusionProof): InclusionProofDto {
    return {
      event_id: proof.eventId,
      leaf_index: proof.leafIndex,
      tree_size: Number(proof.checkpoint.treeSize),
      leaf_hash: hex(proof.leafHash),
      inclusion_path: proof.path.map(hex),
      root_hash: hex(proof.checkpoint.rootHash),
    };
  }
}

export class ConsistencyProofDto {
  @ApiProperty() first: number;
  @ApiProperty() second: number;
  @ApiProperty({
    ...HASH,
    description: 'The root hash of the tree of size first (hex): its checkpoint’s, or computed from the stored tree when no checkpoint has that size',
  })
  first_root_hash: string;
  @ApiProperty({ ...HASH, description: 'The root hash of the checkpoint of size second (hex)' }) second_root_hash: string;
  @ApiProperty({
    type: [String],
    maxItems: 128,
    minLength: 64,
    maxLength: 64,
    description: 'PROOF(first, tree of second) of RFC 9162 §2.1.4.1 (hex; empty when first = second)',
  })
  consistency_path: string[];

  static from(proof: ConsistencyProof): ConsistencyProofDto {
    return {
      first: proof.first,
      second: Number(proof.second.treeSize),
      first_root_hash: hex(proof.firstRoot),
      second_root_hash: hex(proof.second.rootHash),
      consistency_path: proof.path.map(hex),
    };
  }
}

export class CheckpointKeyDto {
  @ApiProperty({ enum: ['OKP'] }) kty: string;
  @ApiProperty({ enum: ['Ed25519'] }) crv: string;
  @ApiProperty({ minLength: 43, maxLength: 43, description: 'The raw 32-byte public key (base64url)' }) x: string;
  @ApiProperty({ minLength: 8, maxLength: 8, description: 'The key id: hex of the 4-byte note key hash, as in the signature lines' }) kid: string;
  @ApiProperty({ enum: ['EdDSA'] }) alg: string;
  @ApiProperty({ enum: ['sig'] }) use: string;
  @ApiProperty({ maxLength: 200, description: 'The key’s name in signed notes' }) note_key_name: string;
  @ApiProperty({ maxLength: 300, description: 'The C2SP verifier key: "<name>+<hex key hash>+<base64(0x01 ‖ public key)>"' }) note_verifier_key: string;
  @ApiProperty({ description: 'Whether it signs new checkpoints (the others verify older ones)' }) active: boolean;

  static from(key: NoteKey, active: boolean): CheckpointKeyDto {
    return {
      kty: 'OKP',
      crv: 'Ed25519',
      x: key.publicBytes.toString('base64url'),
      kid: key.keyHash.toString('hex'),
      alg: 'EdDSA',
      use: 'sig',
      note_key_name: key.name,
      note_verifier_key: verifierKey(key),
      active,
    };
  }
}

/** A JWKS (RFC 7517): not wrapped in the envelope, so that JWKS readers take it as it is. */
export class CheckpointKeysDto {
  @ApiProperty({ type: [CheckpointKeyDto], maxItems: 32 }) keys: CheckpointKeyDto[];
}

export class CheckpointQuery {
  /** The checkpoint of this tree size. @example 42 */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  tree_size: number;
}

export class InclusionProofQuery {
  /** The size of the checkpoint to prove against (default: the latest). @example 42 */
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  tree_size?: number;
}

export class ConsistencyProofQuery {
  /** The earlier tree size: a checkpoint's you kept (it need not be one the server still holds), at most second. @example 10 */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  first: number;

  /** The later checkpoint's tree size. @example 42 */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  second: number;
}
