/**
 * Bulk seeding of a benchmark database (npm run bench): a fresh SQLite file in a temp DATA_DIR, migrated with the
 * app's own migrations, then filled through better-sqlite3 prepared statements inside one transaction:
 *  - 200 BCs, each with one active access key (a BC has at most one), 2 keys in 3 with reminders on, every key with
 *    one notification recipient (181 distinct addresses) — with the 19 administrators who initiate, 200 digest recipients;
 *  - 20 administrators: 19 with 50 BCs each (overlapping windows, every BC managed by several), 1 platform;
 *  - 100,000 applications over the last 182 days (ids in initiation order; the 26 weeks of the tracking page's
 *    charts), ~22 % pending approval, ~10 % urgent, fictitious names and e-mails, a small form_data JSON once the
 *    employee has saved;
 *  - their status history (the invitation row, then one row per later step reached), and sent invitation e-mails in
 *    the outbox for a third of them.
 * Inserted in transactions of SEED_BATCH applications (with their history and outbox rows), so a million applications
 * (BENCH_APPLICATIONS=1000000) keep the seeding process's memory small (the references' bodies are kept as integers).
 * The data is consistent with the scheduled jobs having run: nothing unsubmitted is older than the 90-day expiry.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { openDb, migrateLatest } from '../src/platform/db';
import { luhnCheckDigit } from '../src/lib/luhn';
import { ACCESS_KEY_ALPHABET, ACCESS_KEY_LENGTH } from '../src/lib/access-key-number';
import type { Status } from '../src/core/application/status';
import { JOBS } from '../src/jobs/registry';
import { slotFor } from '../src/jobs/schedule';
import { scheduleOf } from '../src/jobs/job';
import { loadConfig } from '../src/platform/config';
import { prng } from './prng'; // so two runs seed the same data

export interface SeedOptions {
  applications?: number;
  accounts?: number;
  administrators?: number;
  days?: number;
  now?: Date;
  /** Deterministic data for a given seed. */
  seed?: number;
  /** postgres://… to seed a PostgreSQL database instead (its public schema is dropped and migrated afresh). */
  databaseUrl?: string;
}

export interface SeededAdmin {
  id: number;
  email: string;
  role: 'admin' | 'platform';
  accountIds: number[];
}

export interface SeedResult {
  file: string;
  now: Date;
  counts: Record<string, number>;
  admins: SeededAdmin[];
  keys: Array<{ id: number; accountId: number; number: string }>;
  ms: number;
}

/** The part of better-sqlite3's API used here (the package ships no types). */
interface RawSqlite {
  prepare(sql: string): { run(...params: unknown[]): { lastInsertRowid: number | bigint } };
  pragma(sql: string): unknown;
  exec(sql: string): void;
}

/** Where the seed writes: prepared INSERTs (synchronous), and a commit point every SEED_BATCH applications. */
interface SeedWriter {
  prepare(sql: string): { run(...params: unknown[]): { lastInsertRowid: number | bigint } };
  /** Commits what was written so far (SQLite: COMMIT then BEGIN; PostgreSQL: sends the buffered rows). */
  commit(): Promise<void>;
}

function sqliteWriter(db: RawSqlite): SeedWriter {
  db.exec('BEGIN');
  return {
    prepare: (sql) => db.prepare(sql),
    commit: async () => {
      db.exec('COMMIT');
      db.exec('BEGIN');
    },
  };
}

/**
 * PostgreSQL: each prepared INSERT … VALUES (…) buffers its rows and sends them as multi-row INSERTs of up to 1,000
 * rows at each commit point, statement by statement in the order they were prepared (parents before children). The
 * ids are counted here (a fresh schema's sequences start at 1 and number the rows in the order they are inserted).
 */
function postgresWriter(knex: Knex): SeedWriter {
  const statements: Array<{ head: string; tuple: string; rows: unknown[][] }> = [];
  const nextId = new Map<string, number>();
  return {
    prepare(sql) {
      const m = /^\s*INSERT INTO (\w+)([\s\S]*?)VALUES\s*(\([\s\S]*\))\s*$/i.exec(sql);
      if (!m) throw new Error(`unexpected seed statement: ${sql}`);
      const table = m[1] as string;
      const statement = { head: `INSERT INTO ${table}${m[2] as string}VALUES `, tuple: m[3] as string, rows: [] as unknown[][] };
      statements.push(statement);
      return {
        run(...params: unknown[]) {
          statement.rows.push(params);
          const id = (nextId.get(table) ?? 0) + 1;
          nextId.set(table, id);
          return { lastInsertRowid: id };
        },
      };
    },
    async commit() {
      for (const st of statements) {
        while (st.rows.length) {
          const chunk = st.rows.splice(0, 1000);
          await knex.raw(st.head + chunk.map(() => st.tuple).join(', '), chunk.flat() as Knex.RawBinding[]);
        }
      }
    },
  };
}

/** Status mix: [status, weight in %]. */
const STATUS_MIX: Array<[Status, number]> = [
  ['invited', 10],
  ['in_progress', 8],
  ['returned', 2],
  ['awaiting_additional_approval', 3],
  ['pending_approval', 22],
  ['approved', 10],
  ['transmitted', 8],
  ['card_issued', 7],
  ['card_delivered', 20],
  ['cancelled', 5],
  ['expired', 4],
  ['declined_by_issuer', 1],
];

/** Each status's path from the invitation (history rows after the first). */
const PATH: Record<Status, Status[]> = {
  invited: [],
  in_progress: ['in_progress'],
  returned: ['in_progress', 'pending_approval', 'returned'],
  awaiting_additional_approval: ['in_progress', 'awaiting_additional_approval'],
  pending_approval: ['in_progress', 'pending_approval'],
  approved: ['in_progress', 'pending_approval', 'approved'],
  transmitted: ['in_progress', 'pending_approval', 'approved', 'transmitted'],
  card_issued: ['in_progress', 'pending_approval', 'approved', 'transmitted', 'card_issued'],
  card_delivered: ['in_progress', 'pending_approval', 'approved', 'transmitted', 'card_issued', 'card_delivered'],
  cancelled: ['in_progress', 'pending_approval', 'cancelled'],
  expired: ['expired'],
  declined_by_issuer: ['in_progress', 'pending_approval', 'approved', 'transmitted', 'declined_by_issuer'],
};
const SUBMITTED_AT_STEP: Partial<Record<Status, true>> = { pending_approval: true, awaiting_additional_approval: true };

const FIRST_NAMES = [
  'Amélie',
  'Benoît',
  'Camille',
  'Chloé',
  'Damien',
  'Élodie',
  'François',
  'Gaëlle',
  'Hugo',
  'Inès',
  'Jérôme',
  'Léa',
  'Loïc',
  'Manon',
  'Noémie',
  'Océane',
  'Pierre',
  'Quentin',
  'Raphaël',
  'Sophie',
  'Théo',
  'Zoé',
  'Anna',
  'James',
  'Olivia',
  'Lucas',
];
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Lefebvre',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martinez',
];
const CITIES: Array<[string, string]> = [
  ['Paris', '75008'],
  ['Lyon', '69002'],
  ['Marseille', '13001'],
  ['Lille', '59000'],
  ['Nantes', '44000'],
  ['Bordeaux', '33000'],
  ['Toulouse', '31000'],
  ['Strasbourg', '67000'],
];
const COMPANY_WORDS = ['Atelier', 'Groupe', 'Société', 'Compagnie', 'Maison', 'Études', 'Services', 'Industries'];
const COMPANY_NAMES = [
  'Ardoise',
  'Belvédère',
  'Cèdre',
  'Dunes',
  'Écluse',
  'Falaise',
  'Garance',
  'Horizon',
  'Iris',
  'Jasmin',
  'Lavande',
  'Mistral',
  'Nacre',
  'Olivier',
  'Pivoine',
  'Quartz',
  'Roseau',
  'Saule',
  'Tilleul',
  'Vernis',
];
const PLASTICS = ['corporate', 'gold', 'platinum', 'green'];

const DAY = 86_400_000;
/** Applications per transaction. */
const SEED_BATCH = 10_000;

export async function seedBenchDatabase(dataDir: string, opts: SeedOptions = {}): Promise<SeedResult> {
  const started = Date.now();
  const APPLICATIONS = opts.applications ?? 100_000;
  const ACCOUNTS = opts.accounts ?? 200;
  const ADMINS = opts.administrators ?? 20;
  const DAYS = opts.days ?? 182;
  const now = opts.now ?? new Date();
  const rnd = prng(opts.seed ?? 20261127);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;

  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'sesame.sqlite');
  const postgres = Boolean(opts.databaseUrl?.startsWith('postgres'));
  const knex = openDb({ dataDir, databaseUrl: opts.databaseUrl });
  if (postgres) await knex.raw('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
  await migrateLatest(knex);
  // The better-sqlite3 connection under Knex (synchronous prepared statements: ~10× faster than query building).
  const client = knex.client as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
  const raw = postgres ? undefined : ((await client.acquireConnection()) as RawSqlite);
  raw?.pragma('synchronous = OFF');
  const db = raw ? sqliteWriter(raw) : postgresWriter(knex);
  const iso = (ms: number) => new Date(ms).toISOString();
  const seededAt = iso(now.getTime() - (DAYS + 30) * DAY);
  const counts: Record<string, number> = {};
  const count = (table: string, n = 1) => (counts[table] = (counts[table] ?? 0) + n);

  const admins: SeededAdmin[] = [];
  const keys: SeedResult['keys'] = [];

  // Committed every SEED_BATCH applications: a million applications stay within a few hundred MB.
  await (async () => {
    // ---- BCs -------------------------------------------------------------------------------------------------
    const insAccount = db.prepare(
      `INSERT INTO account (number, company_name, address_building, address_street, address_city, address_postal_code, address_country,
        phone, card_product, plastic_types, liability_type, statement_option, payment_type, created_at, updated_at)
       VALUES (?, ?, '', ?, ?, ?, 'FR', '+33 1 00 00 00 00', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const accountIds: number[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const [city, postal] = CITIES[i % CITIES.length] as [string, string];
      const name = `${COMPANY_WORDS[i % COMPANY_WORDS.length]} ${COMPANY_NAMES[Math.floor(i / COMPANY_WORDS.length) % COMPANY_NAMES.length]} ${i + 1}`;
      const r = insAccount.run(
        String(40_000_000_000 + i * 137).padStart(11, '0'),
        name,
        `${(i % 90) + 1} rue de la Paix`,
        city,
        postal,
        i % 5 === 0 ? 'corporate_air_france' : 'corporate',
        JSON.stringify(['corporate', 'gold', 'platinum']),
        i % 3 === 0 ? 'joint' : 'company',
        i % 2 === 0 ? 'centralised' : 'individual',
        i % 4 === 0 ? 'individual' : 'central',
        seededAt,
        seededAt,
      );
      accountIds.push(Number(r.lastInsertRowid));
      count('account');
    }

    // ---- Administrators: windows of 50 BCs, 10 apart (each BC managed by 5); the last one is a platform admin ---
    const insAdmin = db.prepare(`INSERT INTO administrator (email, display_name, role, language, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const insMembership = db.prepare('INSERT INTO administrator_account (administrator_id, account_id) VALUES (?, ?)');
    const span = Math.min(50, ACCOUNTS);
    for (let i = 0; i < ADMINS; i++) {
      const platform = i === ADMINS - 1;
      const email = `gestionnaire${String(i + 1).padStart(2, '0')}@bench.example`;
      const r = insAdmin.run(
        email,
        `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
        platform ? 'platform' : 'admin',
        i % 4 === 3 ? 'en' : 'fr',
        1,
        seededAt,
        seededAt,
      );
      const id = Number(r.lastInsertRowid);
      const mine: number[] = [];
      if (platform) {
        mine.push(...accountIds);
      } else {
        for (let j = 0; j < span; j++) {
          const accountId = accountIds[(i * 10 + j) % ACCOUNTS] as number;
          insMembership.run(id, accountId);
          mine.push(accountId);
          count('administrator_account');
        }
      }
      admins.push({ id, email, role: platform ? 'platform' : 'admin', accountIds: mine.sort((a, b) => a - b) });
      count('administrator');
    }
    /** The administrators (not platform) managing each BC, to pick who initiated an application. */
    const managers = new Map<number, number[]>();
    for (const a of admins) {
      if (a.role === 'platform') continue;
      for (const acc of a.accountIds) managers.set(acc, [...(managers.get(acc) ?? []), a.id]);
    }

    // ---- Access keys: one active per BC ---------------------------------------------------------------------
    const insKey = db.prepare(
      `INSERT INTO access_key (number, name, account_id, plastic_type, cost_centre_rule, employee_number_rule, direct_debit_rule,
        reminder_enabled, additional_approver_required, notification_recipients, expires_on, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'none', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const usedNumbers = new Set<string>();
    const expiresOn = iso(now.getTime() + 700 * DAY).slice(0, 10);
    accountIds.forEach((accountId, i) => {
      let number: string;
      do {
        number = '';
        for (let c = 0; c < ACCESS_KEY_LENGTH; c++) number += ACCESS_KEY_ALPHABET[int(ACCESS_KEY_ALPHABET.length)];
      } while (usedNumbers.has(number));
      usedNumbers.add(number);
      const creator = (managers.get(accountId) ?? [admins[0]!.id])[0] as number;
      const r = insKey.run(
        number,
        `Cartes ${String(i + 1).padStart(3, '0')}`,
        accountId,
        PLASTICS[i % PLASTICS.length],
        i % 3 === 0 ? 'required' : 'optional',
        i % 4 === 0 ? 'required' : 'optional',
        i % 3 === 2 ? 0 : 1,
        i % 10 === 0 ? 1 : 0,
        JSON.stringify([`notifications${String(i % 181).padStart(3, '0')}@bench.example`]),
        expiresOn,
        creator,
        seededAt,
        seededAt,
      );
      keys.push({ id: Number(r.lastInsertRowid), accountId, number });
      count('access_key');
    });

    // ---- Applications, history, outbox ------------------------------------------------------------------------
    const insApp = db.prepare(
      `INSERT INTO application (reference, access_key_id, account_id, origin, batch_id, initiated_by, priority, status, title, first_name,
        last_name, email, language, prefill, form_data, version, first_opened_at, submitted_at, status_changed_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insHistory = db.prepare(
      `INSERT INTO application_status_history (application_id, at, actor_type, actor_id, from_status, to_status, comment, comment_for_employee)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insOutbox = db.prepare(
      `INSERT INTO outbox (idempotency_key, template, language, recipient, data, application_id, status, attempts, next_attempt_at,
        message_id, subject, created_at, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, 'sent', 1, ?, ?, ?, ?, ?)`,
    );
    const weightTotal = STATUS_MIX.reduce((s, [, w]) => s + w, 0);
    const pickStatus = (): Status => {
      let r = rnd() * weightTotal;
      for (const [s, w] of STATUS_MIX) {
        r -= w;
        if (r < 0) return s;
      }
      return 'pending_approval';
    };
    /** The references' 9-digit bodies (small integers: a million of them take ~20 MB, as strings ~80 MB). */
    const references = new Set<number>();
    const start = now.getTime() - DAYS * DAY;
    const spacing = (DAYS * DAY) / APPLICATIONS;
    for (let i = 0; i < APPLICATIONS; i++) {
      if (i > 0 && i % SEED_BATCH === 0) await db.commit();
      const createdMs = Math.floor(start + i * spacing + rnd() * spacing);
      const ageDays = (now.getTime() - createdMs) / DAY;
      let status = pickStatus();
      // The hourly expiry job has already run: nothing unsubmitted is older than 90 days.
      if ((status === 'invited' || status === 'in_progress' || status === 'returned') && ageDays > 89) status = 'expired';
      // Recent applications have not gone far yet.
      if (ageDays < 3 && PATH[status].length > 2) status = 'pending_approval';
      const key = keys[int(keys.length)] as SeedResult['keys'][number];
      const origin = pick(['controlled', 'bulk', 'self_service', 'bulk'] as const);
      const initiatedBy = origin === 'self_service' ? null : pick(managers.get(key.accountId) ?? [admins[0]!.id]);
      const priority = rnd() < 0.1 ? 'urgent' : 'normal';
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      const plainFirst = first
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase();
      const plainLast = last
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase();
      const email = `${plainFirst}.${plainLast}.${i}@bench.example`;
      const language = rnd() < 0.8 ? 'fr' : 'en';
      const title = pick(['mr', 'mrs', 'ms'] as const);
      let body: number;
      do body = 100_000_000 + int(900_000_000);
      while (references.has(body));
      references.add(body);
      const reference = String(body) + String(luhnCheckDigit(String(body)));

      // Steps spaced out from the initiation, never in the future.
      const steps = PATH[status];
      const remaining = Math.max(now.getTime() - createdMs - 60_000, 60_000);
      const stepGap = Math.min(remaining / (steps.length + 1), (2 + rnd() * 4) * DAY);
      const stepTimes = steps.map((_, s) => createdMs + Math.floor(stepGap * (s + 1)));
      const statusChangedMs = stepTimes.length ? (stepTimes[stepTimes.length - 1] as number) : createdMs;
      const submittedIdx = steps.findIndex((s) => SUBMITTED_AT_STEP[s]);
      const submittedAt = submittedIdx >= 0 ? iso(stepTimes[submittedIdx] as number) : null;
      const opened = steps.length > 0 && status !== 'expired';
      const formData = opened
        ? JSON.stringify({
            firstSavedAt: iso(createdMs + 3_600_000),
            cardholder: {
              title,
              firstName: first,
              lastName: last,
              dobDay: String(1 + int(28)).padStart(2, '0'),
              dobMonth: String(1 + int(12)).padStart(2, '0'),
              dobYear: String(1960 + int(40)),
              birthPlace: pick(CITIES)[0],
              birthCountry: 'FR',
              nationality: 'FR',
              mobilePhone: `+33 6 ${String(10_000_000 + int(89_999_999)).replace(/(\d\d)(?=\d)/g, '$1 ')}`,
              businessEmail: email,
              jobTitle: pick(['Consultant', 'Ingénieure', 'Chef de projet', 'Commercial', 'Acheteuse']),
              embossName: `${first} ${last}`
                .normalize('NFD')
                .replace(/[\u0300-\u036f]/g, '')
                .toUpperCase()
                .slice(0, 26),
              correspondenceLanguage: language,
            },
            priority: { priority },
          })
        : '{}';
      const r = insApp.run(
        reference,
        key.id,
        key.accountId,
        origin,
        initiatedBy,
        priority,
        status,
        title,
        first,
        last,
        email,
        language,
        formData,
        steps.length,
        opened ? iso(createdMs + 1_800_000) : null,
        submittedAt,
        iso(statusChangedMs),
        iso(createdMs),
        iso(statusChangedMs),
      );
      const id = Number(r.lastInsertRowid);
      count('application');
      if (status === 'pending_approval') count('pending_approval');
      if (priority === 'urgent') count('urgent');

      insHistory.run(id, iso(createdMs), initiatedBy ? 'admin' : 'employee', initiatedBy, null, 'invited', null, 0);
      count('application_status_history');
      let from: Status = 'invited';
      steps.forEach((to, s) => {
        const byAdmin = to === 'approved' || to === 'returned' || to === 'cancelled';
        const actorType = byAdmin
          ? 'admin'
          : to === 'expired' || to === 'transmitted' || to.startsWith('card') || to === 'declined_by_issuer'
            ? 'system'
            : 'employee';
        const comment = to === 'returned' ? 'Merci de corriger votre date de naissance.' : to === 'cancelled' ? 'Demande en double.' : null;
        insHistory.run(
          id,
          iso(stepTimes[s] as number),
          actorType,
          byAdmin ? pick(managers.get(key.accountId) ?? [admins[0]!.id]) : null,
          from,
          to,
          comment,
          comment ? 1 : 0,
        );
        count('application_status_history');
        from = to;
      });

      if (i % 3 === 0) {
        const created = iso(createdMs);
        const sent = iso(createdMs + 20_000);
        insOutbox.run(
          `invitation-link:${id}:initial`,
          'invitation-link',
          language,
          email,
          JSON.stringify({ reference, firstName: first, lastName: last, title }),
          id,
          created,
          `<bench-l-${id}@sesame.example>`,
          'Votre demande de carte',
          created,
          sent,
        );
        count('outbox');
        if (origin !== 'self_service') {
          insOutbox.run(
            `invitation-key:${id}:initial`,
            'invitation-key',
            language,
            email,
            JSON.stringify({ accessKey: key.number, firstName: first, lastName: last, title }),
            id,
            created,
            `<bench-k-${id}@sesame.example>`,
            'Votre clé d’accès',
            created,
            sent,
          );
          count('outbox');
        }
      }
    }
  })();
  await db.commit();

  if (raw) {
    raw.exec('COMMIT');
    raw.exec('ANALYZE');
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.pragma('synchronous = FULL');
    await client.releaseConnection(raw);
  } else {
    await knex.raw('ANALYZE');
  }
  await knex.destroy();
  return { file, now, counts, admins, keys, ms: Date.now() - started };
}

/** Marks every scheduled job's slots for the next hours as done, so no job runs inside the measurements. */
export async function markJobSlotsDone(dataDir: string, now: Date, timeZone: string, databaseUrl?: string): Promise<string[]> {
  const db = openDb({ dataDir, databaseUrl });
  const ts = now.toISOString();
  const rows = new Map<string, { job: string; slot: string }>();
  const config = loadConfig({ DATA_DIR: dataDir });
  for (let m = 0; m <= 6 * 60; m += 5) {
    const at = new Date(now.getTime() + m * 60_000);
    for (const job of JOBS) {
      const slot = slotFor(scheduleOf(job, config), at, timeZone);
      rows.set(`${job.name} ${slot}`, { job: job.name, slot });
    }
  }
  const insert = [...rows.values()].map((r) => ({ ...r, owner: 'bench', started_at: ts, lease_until: ts, finished_at: ts, result: '{"bench":true}' }));
  await db.batchInsert('job_run', insert, 200);
  await db.destroy();
  return JOBS.map((j) => j.name);
}

if (require.main === module) {
  const dir = process.argv[2] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-bench-'));
  seedBenchDatabase(dir, { applications: Number(process.env.BENCH_APPLICATIONS ?? 100_000) }).then(
    async (r) => {
      await markJobSlotsDone(dir, r.now, process.env.TIME_ZONE ?? 'Europe/Paris');
      console.log(`seeded ${r.file} in ${(r.ms / 1000).toFixed(1)} s`, r.counts);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
