import type { Db } from '../../platform/db';

/** Additional approval requests (table approval_request). Tokens are looked up by their SHA-256, never stored. */
export interface ApprovalRequest {
  id: number;
  applicationId: number;
  approverName: string;
  approverEmail: string;
  language: 'fr' | 'en';
  expiresAt: string;
  usedAt: string | null;
  supersededAt: string | null;
  decision: 'approved' | 'declined' | null;
  comment: string | null;
  createdAt: string;
}

function toRequest(r: Record<string, unknown>): ApprovalRequest {
  return {
    id: Number(r.id),
    applicationId: Number(r.application_id),
    approverName: r.approver_name as string,
    approverEmail: r.approver_email as string,
    language: r.language as 'fr' | 'en',
    expiresAt: r.expires_at as string,
    usedAt: (r.used_at as string | null) ?? null,
    supersededAt: (r.superseded_at as string | null) ?? null,
    decision: (r.decision as 'approved' | 'declined' | null) ?? null,
    comment: (r.comment as string | null) ?? null,
    createdAt: r.created_at as string,
  };
}

/** The request in force: the newest one not superseded by a later request. */
export async function latestRequest(db: Db, applicationId: number): Promise<ApprovalRequest | undefined> {
  const row = await db('approval_request').where({ application_id: applicationId }).whereNull('superseded_at').orderBy('id', 'desc').first();
  return row ? toRequest(row) : undefined;
}

/** The request whose token has this SHA-256. */
export async function requestByTokenHash(db: Db, hash: string): Promise<ApprovalRequest | undefined> {
  const row = await db('approval_request').where({ token_hash: hash }).first();
  return row ? toRequest(row) : undefined;
}

/** Requests sent for an application since a time (the employee may not flood an address). */
export async function countRequestsSince(db: Db, applicationId: number, since: Date): Promise<number> {
  const [row] = await db('approval_request')
    .where({ application_id: applicationId })
    .where('created_at', '>=', since.toISOString())
    .count<{ n: number | string }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

export async function insertRequest(
  trx: Db,
  input: { applicationId: number; approverName: string; approverEmail: string; language: 'fr' | 'en'; tokenHash: string; expiresAt: Date; now: Date },
): Promise<number> {
  const ts = input.now.toISOString();
  await trx('approval_request').where({ application_id: input.applicationId }).whereNull('superseded_at').whereNull('used_at').update({ superseded_at: ts });
  const [row] = await trx('approval_request')
    .insert({
      application_id: input.applicationId,
      approver_name: input.approverName,
      approver_email: input.approverEmail,
      language: input.language,
      token_hash: input.tokenHash,
      expires_at: input.expiresAt.toISOString(),
      created_at: ts,
    })
    .returning('id');
  return typeof row === 'object' ? (row as { id: number }).id : (row as number);
}

/** Records the decision once: only an unused, unsuperseded, unexpired request changes (conditional update). */
export async function recordDecision(trx: Db, input: { id: number; decision: 'approved' | 'declined'; comment: string | null; now: Date }): Promise<boolean> {
  const ts = input.now.toISOString();
  const n = await trx('approval_request')
    .where({ id: input.id })
    .whereNull('used_at')
    .whereNull('superseded_at')
    .where('expires_at', '>', ts)
    .update({ used_at: ts, decision: input.decision, comment: input.comment });
  return n === 1;
}
