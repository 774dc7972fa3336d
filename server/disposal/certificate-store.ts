import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Certificates of destruction as uploaded, kept under `<dataDir>/certificates/` and named by their
 * SHA-256, so the same file stored twice is one file and a stored file can't be swapped unnoticed:
 * its name, its database row and its custody leaf all carry the same hash.
 */

export const CERTIFICATE_DIR = 'certificates';
/** A scanned multi-page certificate fits comfortably. */
export const MAX_CERTIFICATE_BYTES = 20 * 1024 * 1024;

const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/tiff': '.tif',
};

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function storeCertificateFile(
  dataDir: string,
  bytes: Buffer,
  mediaType: string | null,
): Promise<{ sha256: string; relativePath: string; size: number; created: boolean }> {
  const sha256 = sha256Hex(bytes);
  const relativePath = path.posix.join(CERTIFICATE_DIR, `${sha256}${(mediaType && EXTENSIONS[mediaType]) ?? '.bin'}`);
  const file = path.join(dataDir, relativePath);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = await stat(file).catch(() => null);
  if (existing) return { sha256, relativePath, size: bytes.length, created: false };
  // Written aside, then renamed: a crash never leaves a half file under the hash's name.
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, bytes, { mode: 0o600 });
  await rename(temp, file);
  return { sha256, relativePath, size: bytes.length, created: true };
}

export async function readCertificateFile(dataDir: string, relativePath: string): Promise<Buffer> {
  return readFile(path.join(dataDir, relativePath));
}

export async function removeCertificateFile(dataDir: string, relativePath: string): Promise<void> {
  await unlink(path.join(dataDir, relativePath)).catch(() => undefined);
}
