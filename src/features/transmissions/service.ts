import { attachmentHeaders } from '../../lib/download';
import type { Deps } from '../../platform/deps';
import type { Db } from '../../platform/db';
import { NotFoundError } from '../../lib/errors';
import { paginate, type ListQuery } from '../../lib/list-query';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import { transmitApproved, type CreatedTransmission, type DeliveryResult } from '../../core/transmission/transmission';
import { FILE_NAMES, transmissionFolderName } from '../../core/transmission/files';
import { fileContents, type TransmissionRow } from '../../core/transmission/repository';
import { countTransmissions, filesOf, findTransmissionByNumber, latestTransmissions, type TransmissionFileInfo } from './repository';
import type { FileParams } from './schema';

export interface TransmissionItem extends TransmissionRow {
  folder: string;
  files: TransmissionFileInfo[];
}

/** A page of transmissions, newest first, each with its files (name, rows, SHA-256, erased or not). */
export async function transmissionsPage(db: Db, listQuery: Pick<ListQuery, 'page' | 'pageSize'>): Promise<{ items: TransmissionItem[]; total: number }> {
  const total = await countTransmissions(db);
  const window = paginate(listQuery, total);
  const rows = await latestTransmissions(db, listQuery.pageSize, window.offset);
  const files = await filesOf(
    db,
    rows.map((r) => r.id),
  );
  const items = rows.map((r) => ({ ...r, folder: transmissionFolderName(r.number), files: files.filter((f) => f.transmissionId === r.id) }));
  return { items, total };
}

/** "Transmit now": what the nightly job does, by this administrator (audited as theirs). */
export async function transmitNow(
  deps: Pick<Deps, 'db' | 'config' | 'secrets' | 'logger' | 'faults'>,
  audit: AuditContext,
  now: Date,
): Promise<{ created: CreatedTransmission | null; deliveries: DeliveryResult[] }> {
  return transmitApproved(deps, { audit, now });
}

const CONTENT_TYPES: Record<string, string> = {
  [FILE_NAMES.csv]: 'text/csv; charset=utf-8',
  [FILE_NAMES.jsonl]: 'application/x-ndjson; charset=utf-8',
  [FILE_NAMES.pins]: 'application/x-ndjson; charset=utf-8',
  [FILE_NAMES.manifest]: 'application/json; charset=utf-8',
};

/** One file of a transmission, downloaded again (audited); an erased file (pins.jsonl once delivered) is gone: 404. */
export async function transmissionFile(db: Db, audit: AuditContext, params: FileParams, now: Date): Promise<{ body: Buffer; headers: Record<string, string> }> {
  const transmission = await findTransmissionByNumber(db, params.number);
  if (!transmission) throw new NotFoundError('transmission');
  const [file] = await fileContents(db, transmission.id, params.name);
  if (!file?.content) throw new NotFoundError('transmission file');
  await recordAudit(db, {
    ...audit,
    at: now,
    action: 'transmission.file_download',
    object: { type: 'transmission', id: transmission.number },
    details: { file: file.name, sha256: file.sha256 },
  });
  return {
    body: file.content,
    headers: attachmentHeaders({
      contentType: CONTENT_TYPES[file.name] ?? 'application/octet-stream',
      fileName: `${transmissionFolderName(transmission.number)}-${file.name}`,
      size: file.content.length,
    }),
  };
}
