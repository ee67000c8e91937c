import { Router, type Request, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import { tFor } from '../../platform/i18n';
import { NotFoundError, UnauthenticatedError } from '../../lib/errors';
import { buildListView, parseListQuery, type ColumnSpec, type ListSpec } from '../../lib/list-query';
import { isSpreadsheetFormat } from '../../lib/spreadsheet-export';
import { requireAdministrator } from '../../middleware/auth';
import { paths } from '../../platform/paths';
import type { Actor } from '../../core/administrators/repository';
import type { Status } from '../../core/application/status';
import { auditRequestContext } from '../../core/audit/audit';
import { attachmentHeaders, pdfHeaders } from '../../lib/download';
import type { SummaryKey, TrackingSort } from './repository';
import { SUMMARY_GROUPS, SUMMARY_STATUSES, summaryCells } from './summary-view';
import { chartsModel } from './charts-view';
import { ORIGINS, PRIORITY_VALUES, chartKeyParam, filterParams, parseTrackingFilters, type FilterValues, type ParsedFilters } from './schema';
import {
  applicationsPage,
  documentDownload,
  EXPORT_MAX_ROWS,
  ExportTooLargeError,
  exportApplications,
  filterScope,
  signedPdfDownload,
  trackingCharts,
  chartKeysOf,
  trackingSummary,
  TRACKING_SORTS,
  type ScopedBatch,
} from './service';
import { streamToResponse } from '../../lib/stream-response';

/** "Suivi du statut des demandes de cartes": the summary per key and status, the applications list and its export. */

const LIST_SPEC: ListSpec<TrackingSort> = { sortable: TRACKING_SORTS, defaultSort: 'createdAt', defaultDir: 'desc', pageSizes: [25, 50, 100] };

const LIST_COLUMNS: ColumnSpec[] = [
  { key: 'reference', labelKey: 'tracking:list.columns.reference' },
  { key: 'name', labelKey: 'tracking:list.columns.name' },
  { key: 'email', labelKey: 'tracking:list.columns.email', sortable: false },
  { key: 'key', labelKey: 'tracking:list.columns.key' },
  { key: 'company', labelKey: 'tracking:list.columns.company', sortable: false },
  { key: 'status', labelKey: 'tracking:list.columns.status' },
  { key: 'priority', labelKey: 'tracking:list.columns.priority' },
  { key: 'origin', labelKey: 'tracking:list.columns.origin', sortable: false },
  { key: 'createdAt', labelKey: 'tracking:list.columns.createdAt' },
  { key: 'statusChangedAt', labelKey: 'tracking:list.columns.statusChangedAt' },
];

/** Built once: an Intl.NumberFormat costs more to build than a summary's numbers cost to format. */
const NUMBER_FORMATS = { fr: new Intl.NumberFormat('fr-FR'), en: new Intl.NumberFormat('en-GB') };

function actorOf(req: Request): Actor {
  if (!req.actor) throw new UnauthenticatedError();
  return req.actor;
}

/** A positive integer from the URL, or a 404. */
function idParam(value: unknown): number {
  if (typeof value !== 'string' || !/^[1-9]\d{0,8}$/.test(value)) throw new NotFoundError('tracking id');
  return Number(value);
}

export function trackingRoutes(deps: Deps): Router {
  const router = Router();
  const { config, db, clock } = deps;
  const admin = requireAdministrator(config);

  /** The list's filters, checked against the actor's keys and (when one is named) batch; a foreign one is a 404. */
  async function filtersOf(req: Request, actor: Actor): Promise<{ parsed: ParsedFilters; keys: SummaryKey[]; batch: ScopedBatch }> {
    const rawBatch = typeof req.query.batch === 'string' ? req.query.batch.trim() : '';
    const { keys, batch } = await filterScope(db, actor.accountIds, /^\d{1,9}$/.test(rawBatch) ? Number(rawBatch) : undefined);
    const parsed = parseTrackingFilters(
      req.query,
      keys.map((k) => k.id),
      config.timeZone,
      batch ? [batch.id] : [],
    );
    if (parsed.foreignKey) throw new NotFoundError('access key or batch');
    return { parsed, keys, batch };
  }

  /** The numbers' format of a page: digits alone below 1,000, the language's grouping above (built once per value). */
  function numberFormatter(lang: string): (n: number) => string {
    const numberFormat = NUMBER_FORMATS[lang === 'fr' ? 'fr' : 'en'];
    const formatted = new Map<number, string>();
    return (n: number) => {
      if (n < 1000 && Number.isInteger(n)) return String(n);
      let text = formatted.get(n);
      if (text === undefined) formatted.set(n, (text = numberFormat.format(n)));
      return text;
    };
  }

  const showSummary: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const summary = await trackingSummary(db, actor);
    const t = tFor(req.lang);
    const statusLabels = Object.fromEntries(SUMMARY_STATUSES.map((s) => [s, t(`applications:statuses.${s}`)])) as Record<Status, string>;
    const cells = summaryCells(paths.admin.tracking.list, SUMMARY_STATUSES, numberFormatter(req.lang));
    res.render('tracking/summary.njk', {
      groups: SUMMARY_GROUPS,
      statuses: SUMMARY_STATUSES,
      statusLabels,
      rows: summary.rows.map((r) => ({ key: r.key, cellsHtml: cells.row(r.key.id, r) })),
      totalsHtml: cells.row(null, summary.totals),
      navCounts: { pending: summary.totals.counts.pending_approval },
    });
  };

  /**
   * The charts of the last 26 weeks, a page of their own beside the summary (issue 15: drawn on every view of the
   * summary they cost it three times its own work). The key: one of the actor's keys, or every key; another BC's (or
   * junk) is a 404, as on the list.
   */
  const showCharts: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const keys = await chartKeysOf(db, actor.accountIds);
    const chartKey = chartKeyParam(req.query.key, keys);
    if (chartKey === 'foreign') throw new NotFoundError('access key');
    const now = clock.now();
    const chartData = await trackingCharts(
      db,
      { everyBc: actor.isPlatform, accountIds: actor.accountIds, keyIds: keys.map((k) => k.id), ...(chartKey ? { keyId: chartKey.id } : {}) },
      { now, timeZone: config.timeZone },
    );
    res.render('tracking/charts-page.njk', {
      chartKeys: keys,
      chartKey: chartKey ?? null,
      chartKeyId: chartKey?.id ?? null,
      everyBc: actor.isPlatform,
      charts: chartsModel(chartData, { lang: req.lang, timeZone: config.timeZone, now, statuses: SUMMARY_STATUSES }),
    });
  };

  const showList: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const { parsed, keys, batch } = await filtersOf(req, actor);
    const query = parseListQuery(req.query, LIST_SPEC);
    const filters = { ...parsed.filters, q: query.q };
    const { total, rows } = await applicationsPage(db, actor.accountIds, filters, query);
    const extra = filterParams(parsed.values);
    const list = buildListView({ base: paths.admin.tracking.list, query, total, columns: LIST_COLUMNS, pageSizes: LIST_SPEC.pageSizes, extra });
    const exportQuery = list.queryString;
    res.status(parsed.errors ? 400 : 200).render('tracking/list.njk', {
      list,
      rows,
      values: { ...parsed.values, q: query.q } satisfies FilterValues,
      errors: parsed.errors,
      filterErrors: parsed.errors?.fieldErrors ?? {},
      filtered: Object.values(extra).some((v) => v !== undefined) || Boolean(query.q),
      keys,
      batch: batch ?? null,
      statuses: SUMMARY_GROUPS.flatMap((g) => g.statuses),
      priorities: PRIORITY_VALUES,
      origins: ORIGINS,
      exportMax: EXPORT_MAX_ROWS,
      exportHrefs:
        total > 0 && total <= EXPORT_MAX_ROWS
          ? { xlsx: `${paths.admin.tracking.export}?format=xlsx&${exportQuery}`, csv: `${paths.admin.tracking.export}?format=csv&${exportQuery}` }
          : null,
    });
  };

  const exportList: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const format = req.query.format;
    if (!isSpreadsheetFormat(format)) return res.status(400).render('errors/bad-request.njk');
    const { parsed } = await filtersOf(req, actor);
    if (parsed.errors) return res.status(400).render('errors/bad-request.njk');
    const query = parseListQuery(req.query, LIST_SPEC);
    try {
      const file = await exportApplications(db, actor, auditRequestContext(req), {
        filters: { ...parsed.filters, q: query.q },
        sort: query.sort,
        dir: query.dir,
        format,
        lang: req.lang,
        timeZone: config.timeZone,
        now: clock.now(),
      });
      req.log?.info({ format, bytes: file.body.length }, 'applications exported');
      res.set(attachmentHeaders(file));
      res.send(file.body);
    } catch (err) {
      if (err instanceof ExportTooLargeError) {
        const back = new URLSearchParams(Object.entries(filterParams(parsed.values)).filter((e): e is [string, string] => Boolean(e[1])));
        if (query.q) back.set('q', query.q);
        return res
          .status(409)
          .render('tracking/export-too-large.njk', { count: err.count, max: EXPORT_MAX_ROWS, back: `${paths.admin.tracking.list}?${back.toString()}` });
      }
      throw err;
    }
  };

  // A supporting document, BC-scoped (another BC's → 404), audited, as a sandboxed attachment.
  const downloadDocument: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const applicationId = idParam(req.params.id);
    const documentId = idParam(req.params.documentId);
    const { headers, stream } = await documentDownload(deps, { actor, access: auditRequestContext(req), now: clock.now() }, { applicationId, documentId });
    res.set(headers);
    streamToResponse(stream, res, (err) => req.log?.error({ err, applicationId, documentId }, 'document stream failed'));
  };

  // A signed version's PDF from the archive (re-hashed against the signature's record), BC-scoped, audited.
  const downloadSignedPdf: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const applicationId = idParam(req.params.id);
    const version = idParam(req.params.version);
    const signed = await signedPdfDownload(deps, { actor, access: auditRequestContext(req), now: clock.now() }, { applicationId, version });
    res.set(pdfHeaders(signed.fileName, signed.pdf.length));
    res.end(signed.pdf);
  };

  router.get(paths.admin.tracking.summary, admin, showSummary);
  router.get(paths.admin.tracking.charts, admin, showCharts);
  router.get(paths.admin.tracking.list, admin, showList);
  router.get(paths.admin.tracking.export, admin, exportList);
  router.get(paths.admin.tracking.document(), admin, downloadDocument);
  router.get(paths.admin.tracking.signedPdf(), admin, downloadSignedPdf);

  return router;
}
