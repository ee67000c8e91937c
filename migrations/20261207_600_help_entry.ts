import type { Knex } from 'knex';

/**
 * Help & contacts (SPEC §5, seed 000): the issuer's service directory, one row per entry, edited by the platform
 * administrator per language. `audience`: `cardholders` entries are shown to everyone (employees and administrators),
 * `administrators` entries only to signed-in administrators. `highlight` makes an entry stand out (the fraud line).
 * `slug` names the entries other pages point to (the mediator, from a complaint). A new installation starts with the
 * directory of seed 000 and the financial mediator.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('help_entry', (t) => {
    t.increments('id').primary();
    t.integer('position').notNullable();
    t.string('slug', 40).nullable().unique();
    t.string('audience', 20).notNullable();
    t.boolean('highlight').notNullable().defaultTo(false);
    t.string('title_fr', 120).notNullable();
    t.string('title_en', 120).notNullable();
    t.text('topics_fr').notNullable().defaultTo('');
    t.text('topics_en').notNullable().defaultTo('');
    t.string('hours_fr', 200).notNullable().defaultTo('');
    t.string('hours_en', 200).notNullable().defaultTo('');
    t.string('phone', 40).notNullable().defaultTo('');
    t.string('email', 254).notNullable().defaultTo('');
    t.string('url', 500).notNullable().defaultTo('');
    t.string('address', 300).notNullable().defaultTo('');
    t.string('updated_at', 30).notNullable();
    t.index(['position']);
  });
  const now = new Date().toISOString();
  const rows = DIRECTORY.map((e, i) => ({
    position: i + 1,
    slug: e.slug ?? null,
    audience: e.audience,
    highlight: e.highlight ?? false,
    title_fr: e.title[0],
    title_en: e.title[1],
    topics_fr: (e.topics?.[0] ?? []).join('\n'),
    topics_en: (e.topics?.[1] ?? []).join('\n'),
    hours_fr: e.hours?.[0] ?? '',
    hours_en: e.hours?.[1] ?? '',
    phone: e.phone ?? '',
    email: e.email ?? '',
    url: e.url ?? '',
    address: e.address ?? '',
    updated_at: now,
  }));
  await knex('help_entry').insert(rows);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('help_entry');
}

interface Seeded {
  slug?: string;
  audience: 'cardholders' | 'administrators';
  highlight?: boolean;
  title: [string, string];
  topics?: [string[], string[]];
  hours?: [string, string];
  phone?: string;
  email?: string;
  url?: string;
  address?: string;
}

/** Seed 000 (the issuer's directory for corporate programmes), in its order, the fraud line first; then the mediator. */
const DIRECTORY: Seeded[] = [
  {
    slug: 'fraud',
    audience: 'cardholders',
    highlight: true,
    title: ['Déclaration de fraude', 'Fraud declaration'],
    topics: [['Carte perdue ou volée, opération que vous ne reconnaissez pas'], ['Lost or stolen card, a transaction you do not recognise']],
    phone: '+32 2 676 23 23',
  },
  {
    slug: 'credit',
    audience: 'cardholders',
    title: ['Service crédit', 'Credit service'],
    topics: [
      ['Carte bloquée', 'Retard de paiement', 'Régularisation d’impayé', 'Plafond de dépenses atteint'],
      ['Blocked card', 'Late payment', 'Settling an unpaid balance', 'Spending limit reached'],
    ],
    phone: '+32 2 676 23 88',
    hours: ['De 8 h 30 à 17 h, du lundi au vendredi', '8:30 am to 5 pm, Monday to Friday'],
    email: 'corporatecredit.be@aexp.com',
  },
  {
    slug: 'cardholder-service',
    audience: 'cardholders',
    title: ['Service Clientèle pour les Détenteurs de Carte Corporate', 'Customer service for Corporate Cardholders'],
    topics: [
      ['Mise à jour des informations sur le Détenteur de Carte (adresse, e-mail, numéro de téléphone…)', 'Contestation de transactions', 'Échange de points'],
      ['Updating the cardholder’s details (address, e-mail, phone number…)', 'Disputing a transaction', 'Redeeming points'],
    ],
    phone: '+32 2 676 29 29',
    hours: ['De 8 h à 18 h, du lundi au vendredi', '8 am to 6 pm, Monday to Friday'],
  },
  {
    slug: 'administrator-service',
    audience: 'administrators',
    title: ['Service Clientèle pour les Administrateurs de Programme', 'Customer service for Programme Administrators'],
    topics: [
      [
        'Mise à jour des informations de la société (adresse, coordonnées bancaires, mandataire, Administrateur de Programme)',
        'Copie d’un relevé de compte carte',
        'Imputation des paiements',
        'Remboursement de solde créditeur',
        'Support technique pour le portail @Work : déblocage de mot de passe, messages d’erreur…',
      ],
      [
        'Updating the company’s details (address, bank details, authorised signatory, Programme Administrator)',
        'A copy of a card account statement',
        'Allocation of payments',
        'Refund of a credit balance',
        'Technical support for the @Work portal: password unlock, error messages…',
      ],
    ],
    phone: '+32 2 676 29 26',
    hours: ['De 9 h à 17 h, du lundi au vendredi', '9 am to 5 pm, Monday to Friday'],
    email: 'belgiumcommercialservicing.fr@aexp.com',
  },
  {
    slug: 'integration-files',
    audience: 'administrators',
    title: ['Support technique pour les fichiers d’intégration', 'Technical support for integration files'],
    topics: [['Assistance concernant les produits électroniques et les fichiers de données'], ['Help with electronic products and data files']],
    email: 'corporatefileexchange@aexp.com',
  },
  {
    slug: 'online-guide',
    audience: 'administrators',
    title: ['Le guide en ligne pour les Administrateurs de Programme', 'The online guide for Programme Administrators'],
    topics: [['Toutes les informations sur l’administration du Programme Corporate'], ['Everything about administering the Corporate Programme']],
    url: 'https://www.americanexpress.com/be/administrateur-de-programme',
  },
  {
    slug: 'portal',
    audience: 'administrators',
    title: ['Services en ligne 24 h/24, 7 j/7 : le portail sécurisé @Work', 'Online services 24/7: the secure @Work portal'],
    url: 'https://www.americanexpress.be/atwork',
  },
  {
    slug: 'terms-and-forms',
    audience: 'cardholders',
    title: ['Conditions générales et formulaires', 'Terms and conditions, and forms'],
    url: 'https://www.americanexpress.be/documents_corporate',
  },
  {
    slug: 'mediator',
    audience: 'cardholders',
    title: ['Médiateur : Ombudsfin', 'Mediator: Ombudsfin'],
    topics: [
      [
        'Si la réponse à votre réclamation ne vous satisfait pas, ou si vous n’avez pas reçu de réponse dans le délai, vous pouvez saisir gratuitement le médiateur.',
      ],
      ['If the answer to your complaint does not satisfy you, or you had no answer in time, you may refer it to the mediator, free of charge.'],
    ],
    email: 'ombudsman@ombudsfin.be',
    url: 'https://www.ombudsfin.be',
    address: 'North Gate II, Boulevard du Roi Albert II 8 bte 2, 1000 Bruxelles',
  },
];
