import type { Db } from '../../platform/db';
import type { Language } from '../../platform/i18n';
import type { Status } from '../application/status';

/** The applications a status file names, read by reference (in chunks: SQLite limits a statement's variables). */
export interface IssuerApplication {
  id: number;
  reference: string;
  status: Status;
  firstName: string | null;
  lastName: string | null;
  email: string;
  language: Language;
  companyName: string;
}

export async function applicationsByReference(db: Db, references: string[]): Promise<Map<string, IssuerApplication>> {
  const out = new Map<string, IssuerApplication>();
  const unique = [...new Set(references)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows: Array<{
      id: number;
      reference: string;
      status: Status;
      first_name: string | null;
      last_name: string | null;
      email: string;
      language: Language;
      company_name: string;
    }> = await db('application as ap')
      .join('account as a', 'a.id', 'ap.account_id')
      .whereIn('ap.reference', unique.slice(i, i + 500))
      .select('ap.id', 'ap.reference', 'ap.status', 'ap.first_name', 'ap.last_name', 'ap.email', 'ap.language', 'a.company_name');
    for (const r of rows)
      out.set(r.reference, {
        id: Number(r.id),
        reference: r.reference,
        status: r.status,
        firstName: r.first_name,
        lastName: r.last_name,
        email: r.email,
        language: r.language,
        companyName: r.company_name,
      });
  }
  return out;
}
