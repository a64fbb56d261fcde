import { Injectable } from '@nestjs/common';

import { PrismaService } from '@app/database';

import { canonicalEvent } from '../audit-hash';
import { CheckpointKeyDto } from '../dto/transparency-log.dto';
import { CheckpointKeys } from './checkpoint-keys';
import { jwkThumbprint } from './signed-note';
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

/** The checkpoint of the tenant's audit log that an export's report prints and its evidence pack carries. */
export interface ExportCheckpoint {
  /** checkpoint.txt: the C2SP signed note. */
  note: string;
  treeSize: number;
  /** The root hash (hex). */
  rootHash: string;
  /** The signing key's note key name and key id (hex of its 4-byte key hash, the JWKS `kid`). */
  keyName: string;
  keyId: string;
  /** The signing key's JWK thumbprint (RFC 7638): its fingerprint. */
  thumbprint: string;
}

/** What an evidence pack carries beside its data and its checkpoint. */
export interface PackEvidence {
  /** proofs.json. */
  proofs: { tree_size: number; root_hash: string; first: PackProof | null; last: PackProof | null };
  /** keys.json: the published keys (the keys endpoint's JWKS). */
  keys: { keys: CheckpointKeyDto[] };
  /** A detached signature file (manifest.json.sig, SHA256SUMS.sig): the key name, its base64 Ed25519 signature over `bytes`, a newline. */
  signatureFile(bytes: Buffer): string;
}

/**
 * The signed evidence of an export (issue 16): a checkpoint of the tenant's log taken when the export is
 * written (the tree appended first, so it covers every event of the export's period; the PDF prints it),
 * and for an evidence pack the inclusion proofs of the period's first and last events in it, the public
 * keys, and the signer of the pack's manifest and SHA256SUMS. The formats are packages/verify's contract.
 * None without a signing key (SIGNING_KEY_FILE empty).
 */
@Injectable()
export class PackEvidenceService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly keys: CheckpointKeys,
    private readonly log: TransparencyLogService,
  ) {}

  /** The tenant's checkpoint as of now (signed now when the log grew); null without a signing key or for an empty log. */
  async checkpoint(tenantId: string): Promise<ExportCheckpoint | null> {
    if (!this.keys.active?.privateKey) return null;
    const { checkpoint } = await this.log.issueCheckpoint(tenantId);
    if (!checkpoint) return null; // an empty log (an export's own export.create event makes that rare)
    const key = this.keys.find(checkpoint.keyName, checkpoint.keyId);
    if (!key)
      throw new Error(
        `the checkpoint of tree size ${checkpoint.treeSize} is signed by ${checkpoint.keyName} (${checkpoint.keyId}), which SIGNING_KEY_FILE no longer holds`,
      );
    return {
      note: checkpoint.note,
      treeSize: Number(checkpoint.treeSize),
      rootHash: Buffer.from(checkpoint.rootHash).toString('hex'),
      keyName: checkpoint.keyName,
      keyId: checkpoint.keyId,
      thumbprint: jwkThumbprint(key.publicBytes),
    };
  }

  /** The pack's proofs of the period's first and last events (seqs) in the checkpoint, the keys, and the signer. */
  async forPeriod(tenantId: string, checkpoint: ExportCheckpoint, firstSeq: number | null, lastSeq: number | null): Promise<PackEvidence> {
    const { treeSize, rootHash } = checkpoint;
    const proof = async (seq: number | null): Promise<PackProof | null> => {
      if (seq === null) return null;
      if (seq > treeSize) throw new Error(`the audit period's event ${seq} is after the checkpoint of tree size ${treeSize}`);
      const event = await this.prisma.auditEvent.findFirstOrThrow({ where: { tenantId, seq: BigInt(seq) } });
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
    return {
      proofs: { tree_size: treeSize, root_hash: rootHash, first, last },
      keys: this.keys.jwks(),
      signatureFile: (bytes) => `${this.keys.sign(bytes)}\n`,
    };
  }
}
