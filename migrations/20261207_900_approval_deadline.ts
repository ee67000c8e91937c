import type { Knex } from 'knex';

/**
 * Stuck approvals (issue 16 item 3): each access key's approval deadline in business days (1–30, default 5). An
 * application pending approval longer than that is overdue: flagged in the queue, its BC's administrators reminded
 * daily, the platform administrators told once after twice the deadline.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('access_key', (t) => {
    t.integer('approval_deadline_days').notNullable().defaultTo(5);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('access_key', (t) => {
    t.dropColumn('approval_deadline_days');
  });
}
