import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { commitmentBytes, encodeAssociatedData, nonceBytes, prepareKey } from '@causeloop/platform/crypto';
import { columnHeaderBytes, columnPurpose, openColumnValue, sealColumnValue } from '@causeloop/platform/envelope';
import { measure, report } from './measure.js';

const total = 200_000;
// CPU-bound and synchronous: more in flight would only interleave the same work.
const concurrency = 1;
const valueBytes = 1024;

const location = { workspaceId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', table: 'connectors', column: 'config_encrypted' };

/**
 * The envelope's cached-DEK path (no database, no gRPC): sealing and opening a 1 KiB
 * column value with `sealColumnValue` / `openColumnValue` against raw node:crypto
 * AES-256-GCM with a random nonce and AAD of the same length. The difference is the
 * format's own cost: header, key commitment (one HMAC each way), AAD encoding.
 */
export async function benchEnvelope(): Promise<void> {
  const keyBytes = randomBytes(32);
  const key = prepareKey(keyBytes);
  const plaintext = randomBytes(valueBytes);
  // Same AAD length as the envelope's: purpose, workspace, table, column and the header.
  const header = Buffer.alloc(columnHeaderBytes + nonceBytes + commitmentBytes);
  const aad = encodeAssociatedData([columnPurpose, location.workspaceId, location.table, location.column, header]);

  const raw = async (): Promise<void> => {
    const nonce = randomBytes(nonceBytes);
    const cipher = createCipheriv('aes-256-gcm', keyBytes, nonce);
    cipher.setAAD(aad);
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    const decipher = createDecipheriv('aes-256-gcm', keyBytes, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    Buffer.concat([decipher.update(sealed), decipher.final()]);
  };
  const envelope = async (): Promise<void> => {
    const ciphertext = sealColumnValue({ key, dekVersion: 1, plaintext, ...location });
    openColumnValue({ keyFor: () => key, ciphertext, ...location });
  };

  const baseline = await measure('raw AES-256-GCM encrypt + decrypt', raw, { total, concurrency });
  const candidate = await measure('sealColumnValue + openColumnValue', envelope, { total, concurrency });
  report(`Column envelope, cached DEK (${total} × ${valueBytes} B values, concurrency ${concurrency})`, baseline, [candidate]);
}
