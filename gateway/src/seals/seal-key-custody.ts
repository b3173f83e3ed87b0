import { generateSm2KeyPair, importSm2PrivateKey, newFieldCipher, sm2SignAsync, sm3, type FieldCipher, type Sm2PrivateKey } from '@citytrust/shared';
import type { Database } from '../database/database';
import { NotFoundError } from '../errors';

/** Where a seal key stands, as the gateway last saw the ledger: generated keys are not on it yet. */
export type CustodyState = 'generated' | 'active' | 'retired' | 'revoked';

/** A seal key the gateway holds, without its private half. */
export interface CustodyKey {
  readonly keyId: string;
  readonly department: string;
  readonly publicKeyPem: string;
  readonly state: CustodyState;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** The department's active seal key, able to seal a digest and nothing else. */
export interface SealSigner {
  readonly keyId: string;
  readonly department: string;
  /** The DER SM2 signature over the 32 bytes of `digest`, made on the thread pool. */
  sign(digest: Buffer): Promise<Buffer>;
}

/**
 * The gateway's custody of departments' seal private keys (电子印章私钥). Keys rest in Postgres
 * inside an SM4 field envelope bound to their key id, under a key-encryption key that lives
 * outside the database (environment or key file); they leave this module only as signatures.
 * Decrypted keys are kept in memory by key id, so sealing costs one signature, not a decryption;
 * which key is active is read on every use, so a rotation or revocation by the CLI takes effect
 * at once in a running gateway.
 */
export interface SealKeyCustody {
  /** A new key pair for `department`, stored encrypted in state `generated`. */
  generate(department: string, createdBy: string): Promise<CustodyKey>;
  find(keyId: string): Promise<CustodyKey | undefined>;
  list(department: string): Promise<CustodyKey[]>;
  /** The department's active key, or undefined when it has none. */
  activeSigner(department: string): Promise<SealSigner | undefined>;
  /**
   * Records ledger changes: `activate` becomes active (and `retire`, if given, retired) in one
   * transaction, so the department never has two active keys.
   */
  recordActivation(activate: string, retire?: string): Promise<void>;
  recordRevocation(keyId: string): Promise<void>;
}

interface Row {
  key_id: string;
  department: string;
  public_key_pem: string;
  state: CustodyState;
  created_at: Date;
  created_by: string;
}

const COLUMNS = 'key_id, department, public_key_pem, state, created_at, created_by';

export function newSealKeyCustody(database: Database, keyEncryptionKey: Buffer): SealKeyCustody {
  const cipher: FieldCipher = newFieldCipher(keyEncryptionKey, { keyId: 'seal-keys' });
  const decrypted = new Map<string, Sm2PrivateKey>();
  const context = (keyId: string) => `seal_keys.private_key_envelope:${keyId}`;

  const privateKey = (keyId: string, envelope: Buffer): Sm2PrivateKey => {
    const cached = decrypted.get(keyId);
    if (cached) return cached;
    const der = cipher.open(envelope, context(keyId));
    try {
      const key = importSm2PrivateKey(der);
      decrypted.set(keyId, key);
      return key;
    } finally {
      der.fill(0);
    }
  };

  return {
    async generate(department, createdBy) {
      const { privateKey: key, publicKey } = generateSm2KeyPair();
      const keyId = sm3(publicKey.toDer()).toString('hex');
      const der = key.toDer();
      let envelope: Buffer;
      try {
        envelope = cipher.seal(der, context(keyId));
      } finally {
        der.fill(0);
      }
      const { rows } = await database.pool.query<Row>(
        `INSERT INTO seal_keys (key_id, department, public_key_pem, private_key_envelope, state, created_by) VALUES ($1, $2, $3, $4, 'generated', $5) RETURNING ${COLUMNS}`,
        [keyId, department, publicKey.toPem(), envelope, createdBy],
      );
      return toKey(rows[0]!);
    },

    async find(keyId) {
      const { rows } = await database.pool.query<Row>(`SELECT ${COLUMNS} FROM seal_keys WHERE key_id = $1`, [keyId]);
      return rows[0] ? toKey(rows[0]) : undefined;
    },

    async list(department) {
      const { rows } = await database.pool.query<Row>(`SELECT ${COLUMNS} FROM seal_keys WHERE department = $1 ORDER BY created_at, key_id`, [department]);
      return rows.map(toKey);
    },

    async activeSigner(department) {
      const { rows } = await database.pool.query<{ key_id: string; private_key_envelope: Buffer }>(
        "SELECT key_id, private_key_envelope FROM seal_keys WHERE department = $1 AND state = 'active'", [department],
      );
      const row = rows[0];
      if (!row) return undefined;
      const key = privateKey(row.key_id, row.private_key_envelope);
      return { keyId: row.key_id, department, sign: (digest) => sm2SignAsync(key, digest) };
    },

    async recordActivation(activate, retire) {
      await database.transaction(async (client) => {
        if (retire !== undefined) {
          await client.query("UPDATE seal_keys SET state = 'retired', changed_at = now() WHERE key_id = $1", [retire]);
          decrypted.delete(retire);
        }
        const { rowCount } = await client.query("UPDATE seal_keys SET state = 'active', changed_at = now() WHERE key_id = $1", [activate]);
        if (!rowCount) throw new NotFoundError(`the gateway holds no seal key ${activate}; generate one with \`citytrust seal keygen\``);
      });
    },

    async recordRevocation(keyId) {
      await database.pool.query("UPDATE seal_keys SET state = 'revoked', changed_at = now() WHERE key_id = $1", [keyId]);
      decrypted.delete(keyId);
    },
  };
}

function toKey(row: Row): CustodyKey {
  return { keyId: row.key_id, department: row.department, publicKeyPem: row.public_key_pem, state: row.state, createdAt: row.created_at.toISOString(), createdBy: row.created_by };
}
