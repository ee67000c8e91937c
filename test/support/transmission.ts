import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Db } from '../../src/platform/db';
import { givenPending, CARDHOLDER, type Key } from './builders';

/**
 * Approved applications ready to transmit (a cardholder section as the employee saved it, a PIN on file for normal
 * priority), and readers of a delivered transmission folder, for the transmission tests.
 */
export async function givenApproved(
  db: Db,
  key: Key,
  opts: { cardholder?: Record<string, string>; priority?: 'normal' | 'urgent' } = {},
): Promise<{ id: number; reference: string }> {
  const created = await givenPending(db, key, { status: 'approved', priority: opts.priority ?? 'normal' });
  await db('application')
    .where({ id: created.id })
    .update({ form_data: JSON.stringify({ cardholder: { ...CARDHOLDER, ...(opts.cardholder ?? {}) } }) });
  return created;
}

/** The transmission folders delivered into `dir` (temporary `.…part-…` folders left out), sorted. */
export function deliveredFolders(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .sort();
}

/** Checks a delivered folder against its manifest: every file listed, with its size and SHA-256; returns the manifest. */
export function verifiedManifest(folder: string): { number: number; applicationCount: number; files: Array<{ name: string; rows: number; sha256: string }> } {
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
  for (const f of manifest.files as Array<{ name: string; sha256: string; size: number }>) {
    const bytes = fs.readFileSync(path.join(folder, f.name));
    if (crypto.createHash('sha256').update(bytes).digest('hex') !== f.sha256) throw new Error(`${f.name}: SHA-256 differs from the manifest`);
    if (bytes.length !== f.size) throw new Error(`${f.name}: size differs from the manifest`);
  }
  return manifest;
}
