import { sign } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { PrismaService } from '@app/database';

import { canonicalEvent } from '../audit-hash';
import { CheckpointKeyDto } from '../dto/transparency-log.dto';
import { CheckpointKeys } from './checkpoint-keys';
import { TransparencyLogService } from './transparency-log.service';

/** An inclusion proof as an evidence pack's proofs.json holds it (packages/verify/README.md). */
export interface PackProof {
  event_id: string;
  leaf_index: number;
  leaf_hash: string;
  inclusion_path: string[];
  /** The event's canonical bytes (base64), so a verifier ties the leaf hash to the event as it reads. */
  leaf_data: string;
}

/** What an evidence pack carries beside its data, and how it signs its files. */
export interface PackEvidence {
  /** checkpoint.txt: the C2SP signed note of the tenant's latest checkpoint. */
  checkpoint: string;
  treeSize: number;
  /** The checkpoint's root (hex). */
  rootHash: string;
  /** The signing key's note key hash (hex): its fingerprint. */
  keyId: string;
  /** proofs.json. */
  proofs: { tree_size: number; root_hash: string; first: PackProof | null; last: PackProof | null };
  /** keys.json: the published keys (the keys endpoint's JWKS). */
  keys: { keys: CheckpointKeyDto[] };
  /** A detached signature file (manifest.json.sig, SHA256SUMS.sig): the key name, its base64 Ed25519 signature over `bytes`, a newline. */
  signatureFile(bytes: Buffer): string;
}

/**
 * The signed evidence of an export's audit period (issue 16): a checkpoint of the tenant's log signed now
 * (the tree appended first, so it covers every event of the period), the inclusion proofs of the period's
 * first and last events in it, the public keys, and the signer of the pack's manifest and SHA256SUMS. The
 * formats are packages/verify's contract. None without a signing key (SIGNING_KEY_FILE empty).
 */
@Injectable()
export class PackEvidenceService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly keys: CheckpointKeys,
    private readonly log: TransparencyLogService,
  ) {}

  async forPeriod(tenantId: string, firstSeq: number | null, lastSeq: number | null): Promise<PackEvidence | null> {
    const key = this.keys.active;
    if (!key?.privateKey) return null;
    const { checkpoint } = await this.log.issueCheckpoint(tenantId);
    if (!checkpoint) return null; // an empty log (a pack's own export.create event makes that rare)
    const treeSize = Number(checkpoint.treeSize);
    const rootHash = Buffer.from(checkpoint.rootHash).toString('hex');
    const proof = async (seq: number | null): Promise<PackProof | null> => {
      if (seq === null) return null;
      const event = await this.prisma.auditEvent.findUniqueOrThrow({ where: { tenantId_seq: { tenantId, seq: BigInt(seq) } } });
      const { leafHash, path } = await this.log.pathAt(tenantId, seq - 1, treeSize);
      return {
        event_id: event.id,
        leaf_index: seq - 1,
        leaf_hash: leafHash.toString('hex'),
        inclusion_path: path.map((node) => node.toString('hex')),
        leaf_data: Buffer.from(canonicalEvent(event), 'utf8').toString('base64'),
      };
    };
    const [first, last] = await Promise.all([proof(firstSeq), proof(lastSeq)]);
    const privateKey = key.privateKey;
    return {
      checkpoint: checkpoint.note,
      treeSize,
      rootHash,
      keyId: key.keyHash.toString('hex'),
      proofs: { tree_size: treeSize, root_hash: rootHash, first, last },
      keys: this.keys.jwks(),
      signatureFile: (bytes) => `${key.name} ${sign(null, bytes, privateKey).toString('base64')}\n`,
    };
  }
}
