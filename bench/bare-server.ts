/**
 * The benchmark's yardstick (npm run bench): a bare Express 5 + Nunjucks server rendering a queue-like page (layout,
 * header totals, filter form, a 50-row table, pagination) from memory — no database, no session, no middleware.
 * Started as a child process by bench/run.ts; prints `listening <port>` once ready. Not part of the app.
 */
import path from 'node:path';
import express from 'express';
import nunjucks from 'nunjucks';

const app = express();
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(__dirname, 'bare'), { noCache: false }), {
  autoescape: true,
  throwOnUndefined: true,
  trimBlocks: true,
  lstripBlocks: true,
});
env.express(app);
app.set('view engine', 'njk');
app.set('view cache', true);
app.disable('x-powered-by');

const COLUMNS = ['Référence', 'Titulaire', 'Société', 'N° de BC', 'Clé', 'Priorité', 'Date d’initiation', 'Type de carte', 'Type de plastique'];
const model = {
  lang: 'fr',
  actor: { displayName: 'Gestionnaire Banc' },
  nav: ['Clés d’accès', 'Envois groupés', 'Suivi', 'En attente d’approbation', 'Modèles d’e-mail'].map((label, i) => ({
    href: `/admin/tab${i}`,
    label,
    count: i === 3 ? 5812 : 0,
    current: i === 3,
  })),
  csrfToken: 'x'.repeat(64),
  totals: { all: 5812, urgent: 581, normal: 5231 },
  keys: Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `Cartes ${String(i + 1).padStart(3, '0')}`, number: `K${String(1000000 + i)}` })),
  columns: COLUMNS.map((label, i) => ({ label, href: `/queue?sort=c${i}&dir=asc`, ariaSort: i === 6 ? 'ascending' : 'none' })),
  rows: Array.from({ length: 50 }, (_, i) => ({
    id: 10_000 + i,
    reference: String(4_000_000_000 + i * 7919),
    firstName: 'Élodie',
    lastName: `Martin-${i}`,
    companyName: `Groupe Horizon ${i % 7}`,
    accountNumber: String(40_000_000_000 + (i % 7) * 137),
    keyName: `Cartes ${String((i % 50) + 1).padStart(3, '0')}`,
    priority: i % 10 === 0 ? 'urgent' : 'normal',
    createdAt: `${String((i % 28) + 1).padStart(2, '0')}/10/2026`,
    cardProduct: 'Carte Corporate',
    plasticType: 'Gold',
  })),
  from: 1,
  to: 50,
  total: 5812,
  page: 1,
  pages: [1, 2, 3, 4, 5, 117],
};

app.get('/queue', (_req, res) => {
  res.render('queue.njk', model);
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
