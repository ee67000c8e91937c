import type { Db } from '../../platform/db';
import { toTransmission, transmissionQuery, type RawTransmission, type TransmissionRow } from '../../core/transmission/repository';

/** The Transmissions page's reads (the transmissions themselves are written by src/core/transmission). */

/** The latest transmissions, newest first. */
export async function latestTransmissions(db: Db, limit: number, offset = 0): Promise<TransmissionRow[]> {
  const rows = (await transmissionQuery(db).orderBy('t.number', 'desc').limit(limit).offset(offset)) as RawTransmission[];
  return rows.map(toTransmission);
}

export async function countTransmissions(db: Db): Promise<number> {
  const row = (await db('transmission').count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

export interface TransmissionFileInfo {
  transmissionId: number;
  name: string;
  rows: number;
  size: number;
  sha256: string;
  erasedAt: string | null;
}

/** The files of these transmissions (without their content), in the order they were written. */
export async function filesOf(db: Db, transmissionIds: number[]): Promise<TransmissionFileInfo[]> {
  if (!transmissionIds.length) return [];
  const rows: Array<{ transmission_id: number; name: string; row_count: number; size: number; sha256: string; erased_at: string | null }> = await db(
    'transmission_file',
  )
    .whereIn('transmission_id', transmissionIds)
    .orderBy('id')
    .select('transmission_id', 'name', 'row_count', 'size', 'sha256', 'erased_at');
  return rows.map((r) => ({
    transmissionId: Number(r.transmission_id),
    name: r.name,
    rows: Number(r.row_count),
    size: Number(r.size),
    sha256: r.sha256,
    erasedAt: r.erased_at,
  }));
}

/** A transmission by its number (the page's links name transmissions by number). */
export async function findTransmissionByNumber(db: Db, number: number): Promise<TransmissionRow | undefined> {
  const row = (await transmissionQuery(db).where('t.number', number).first()) as RawTransmission | undefined;
  return row ? toTransmission(row) : undefined;
}
