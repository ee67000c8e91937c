import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../platform/deps';
import { formatDate } from '../../platform/i18n';
import { NotFoundError, UnauthenticatedError } from '../../lib/errors';
import type { FormErrors } from '../../lib/form-errors';
import { normaliseBody } from '../../lib/form-errors';
import { buildListView, parseListQuery, type ColumnSpec, type ListSpec } from '../../lib/list-query';
import { isSpreadsheetFormat } from '../../lib/spreadsheet-export';
import { requireAdministrator } from '../../middleware/auth';
import { setFlash } from '../../middleware/flash';
import { paths } from '../../platform/paths';
import { auditRequestContext } from '../../core/audit/audit';
import type { Actor } from '../../core/administrators/repository';
import type { AccessKeySort, AccessKeyWithAccount, AccountSummary } from './repository';
import {
  accessKeyCreateSchema,
  accessKeyEditSchema,
  datePartsOf,
  FIELD_ORDER,
  formIssues,
  maxExpiry,
  orderIssues,
  toFormErrors,
  type FormContext,
} from './schema';
import { APPROVAL_DEADLINE_DEFAULT } from '../../core/application/approval-deadline';
import {
  ACCESS_KEY_SORTS,
  AccessKeyRuleError,
  accountsForActor,
  createAccessKey,
  creationDay,
  deleteAccessKey,
  EXPORT_COLUMNS,
  exportAccessKeys,
  getAccessKey,
  KeyHasOpenApplicationsError,
  listAccessKeys,
  openApplicationsOf,
  todayIn,
  updateAccessKey,
} from './service';

const LIST_SPEC: ListSpec<AccessKeySort> = { sortable: ACCESS_KEY_SORTS, defaultSort: 'name' };
const LIST_COLUMNS: ColumnSpec[] = EXPORT_COLUMNS.map((c) => ({ key: c.key, labelKey: c.labelKey }));

/** Fields of the form, re-rendered as typed when validation fails: the page's fields, the expiry date as typed. */
const FORM_FIELDS = [...FIELD_ORDER.filter((f) => f !== 'expiresOn'), 'expiresDay', 'expiresMonth', 'expiresYear'] as const;
type FormValues = Record<string, string>;

function actorOf(req: Request): Actor {
  if (!req.actor) throw new UnauthenticatedError();
  return req.actor;
}

/** Ids in URLs are positive integers; anything else is a page that does not exist. */
function idParam(req: Request): number {
  const raw = req.params.id;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) throw new NotFoundError('access key');
  return Number(raw);
}

function valuesFrom(body: Record<string, unknown>): FormValues {
  const out = {} as FormValues;
  for (const f of FORM_FIELDS) out[f] = typeof body[f] === 'string' ? (body[f] as string) : '';
  return out;
}

function valuesOfKey(key: AccessKeyWithAccount): FormValues {
  const expiry = datePartsOf(key.expiresOn);
  return {
    name: key.name,
    accountId: String(key.accountId),
    plasticType: key.plasticType,
    costCentreRule: key.costCentreRule,
    employeeNumberRule: key.employeeNumberRule,
    directDebitRule: key.directDebitRule,
    reminderEnabled: key.reminderEnabled ? 'yes' : 'no',
    additionalApproverRequired: key.additionalApproverRequired ? 'yes' : 'no',
    expiresDay: expiry.day,
    expiresMonth: expiry.month,
    expiresYear: expiry.year,
    notificationRecipients: key.notificationRecipients.join('\n'),
    approvalDeadlineDays: String(key.approvalDeadlineDays),
  };
}

function defaultValues(account: AccountSummary | undefined, today: string): FormValues {
  const expiry = datePartsOf(maxExpiry(today));
  return {
    name: '',
    accountId: account ? String(account.id) : '',
    plasticType: account && account.plasticTypes.length === 1 ? (account.plasticTypes[0] as string) : '',
    costCentreRule: 'optional',
    employeeNumberRule: 'optional',
    directDebitRule: 'none',
    reminderEnabled: 'no',
    additionalApproverRequired: 'no',
    expiresDay: expiry.day,
    expiresMonth: expiry.month,
    expiresYear: expiry.year,
    notificationRecipients: '',
    approvalDeadlineDays: String(APPROVAL_DEADLINE_DEFAULT),
  };
}

export function accessKeyRoutes(deps: Deps): Router {
  const router = Router();
  const { config, db, clock } = deps;
  const admin = requireAdministrator(config);
  const tz = config.timeZone;
  const today = () => todayIn(tz, clock.now());

  function formContext(req: Request, account: AccountSummary | undefined, createdOn: string): FormContext {
    return { account, today: today(), createdOn, formatDate: (iso) => formatDate(req.lang, iso, tz) };
  }

  async function renderCreateForm(req: Request, res: Response, status: number, values: FormValues, errors: FormErrors | null) {
    const actor = actorOf(req);
    const accounts = await accountsForActor(db, actor);
    const account = accounts.find((a) => String(a.id) === values.accountId);
    res.status(status).render('access-keys/form.njk', {
      mode: 'create',
      action: paths.admin.accessKeys.create,
      cancelHref: paths.admin.accessKeys.list,
      values,
      errors,
      accounts,
      account: account ?? null,
      key: null,
      // Only the chosen BC's plastic types; none until a BC is chosen (the page's first step).
      plasticTypeCodes: account ? account.plasticTypes : [],
      maxExpiry: maxExpiry(today()),
    });
  }

  function renderEditForm(res: Response, status: number, key: AccessKeyWithAccount, values: FormValues, errors: FormErrors | null) {
    res.status(status).render('access-keys/form.njk', {
      mode: 'edit',
      action: paths.admin.accessKeys.edit(key.id),
      cancelHref: paths.admin.accessKeys.show(key.id),
      values,
      errors,
      accounts: [],
      account: key.account,
      key,
      plasticTypeCodes: key.account.plasticTypes.includes(key.plasticType) ? key.account.plasticTypes : [...key.account.plasticTypes, key.plasticType],
      maxExpiry: maxExpiry(creationDay(key.createdAt, tz)),
    });
  }

  const listKeys: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const query = parseListQuery(req.query, LIST_SPEC);
    const { rows, total } = await listAccessKeys(db, actor, query, req.lang);
    const list = buildListView({ base: paths.admin.accessKeys.list, query, total, columns: LIST_COLUMNS });
    res.render('access-keys/list.njk', {
      list,
      rows,
      today: today(),
      exportHrefs: {
        xlsx: `${paths.admin.accessKeys.export}?format=xlsx&${list.queryString}`,
        csv: `${paths.admin.accessKeys.export}?format=csv&${list.queryString}`,
      },
    });
  };

  const exportKeys: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const format = req.query.format;
    if (!isSpreadsheetFormat(format)) return res.status(400).render('errors/bad-request.njk');
    const query = parseListQuery(req.query, LIST_SPEC);
    const file = await exportAccessKeys(db, actor, query, req.lang, format, today());
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('Content-Security-Policy', 'sandbox');
    res.send(file.body);
  };

  const showCreateForm: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const requested = typeof req.query.accountId === 'string' ? req.query.accountId : '';
    const accounts = await accountsForActor(db, actor);
    const account = accounts.find((a) => String(a.id) === requested);
    await renderCreateForm(req, res, 200, defaultValues(account, today()), null);
  };

  const createKey: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const body = normaliseBody(req.body);
    const values = valuesFrom(body);
    const accounts = await accountsForActor(db, actor);
    const account = accounts.find((a) => String(a.id) === values.accountId);
    const parsed = accessKeyCreateSchema(formContext(req, account, today()), actor.accountIds).safeParse(body);
    const issues = parsed.success ? [] : formIssues(parsed.error);
    if (account?.activeKeyId) issues.push({ field: 'accountId', message: 'access-keys:form.accountId.errors.alreadyHasKey' });
    if (!parsed.success || issues.length) return renderCreateForm(req, res, 400, values, toFormErrors(orderIssues(issues)));
    try {
      const created = await createAccessKey(db, actor, parsed.data, clock.now(), undefined, auditRequestContext(req));
      setFlash(req, 'access-keys:flash.created', { name: parsed.data.name, number: created.number });
      res.redirect(303, paths.admin.accessKeys.show(created.id));
    } catch (err) {
      if (err instanceof AccessKeyRuleError) return renderCreateForm(req, res, 400, values, toFormErrors(orderIssues(err.issues)));
      throw err;
    }
  };

  const showKey: RequestHandler = async (req, res) => {
    const key = await getAccessKey(db, actorOf(req), idParam(req));
    res.render('access-keys/show.njk', { key, isExpired: key.expiresOn < today() });
  };

  const showEditForm: RequestHandler = async (req, res) => {
    const key = await getAccessKey(db, actorOf(req), idParam(req));
    renderEditForm(res, 200, key, valuesOfKey(key), null);
  };

  const updateKey: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const key = await getAccessKey(db, actor, idParam(req));
    const body = normaliseBody(req.body);
    const values = { ...valuesFrom(body), accountId: String(key.accountId) };
    const parsed = accessKeyEditSchema(formContext(req, key.account, creationDay(key.createdAt, tz))).safeParse(body);
    if (!parsed.success) return renderEditForm(res, 400, key, values, toFormErrors(formIssues(parsed.error)));
    try {
      await updateAccessKey(db, actor, key.id, parsed.data, clock.now(), auditRequestContext(req));
    } catch (err) {
      if (err instanceof AccessKeyRuleError) return renderEditForm(res, 400, key, values, toFormErrors(orderIssues(err.issues)));
      throw err;
    }
    setFlash(req, 'access-keys:flash.updated', { name: parsed.data.name });
    res.redirect(303, paths.admin.accessKeys.show(key.id));
  };

  const showDeleteForm: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const key = await getAccessKey(db, actor, idParam(req));
    const applications = await openApplicationsOf(db, actor, key);
    res.render('access-keys/delete.njk', { key, applications, errors: null });
  };

  const deleteKey: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const key = await getAccessKey(db, actor, idParam(req));
    const confirm = normaliseBody(req.body).confirm;
    if (confirm === 'no') return res.redirect(303, paths.admin.accessKeys.show(key.id));
    if (confirm !== 'yes') {
      const applications = await openApplicationsOf(db, actor, key);
      const errors = toFormErrors([{ field: 'confirm', message: 'access-keys:delete.confirm.errors.required' }]);
      return res.status(400).render('access-keys/delete.njk', { key, applications, errors });
    }
    try {
      await deleteAccessKey(db, actor, key.id, clock.now(), auditRequestContext(req));
    } catch (err) {
      if (err instanceof KeyHasOpenApplicationsError) {
        return res.status(409).render('access-keys/delete.njk', { key, applications: err.applications, errors: null });
      }
      throw err;
    }
    setFlash(req, 'access-keys:flash.deleted', { name: key.name });
    res.redirect(303, paths.admin.accessKeys.list);
  };

  router.get(paths.admin.accessKeys.list, admin, listKeys);
  router.get(paths.admin.accessKeys.export, admin, exportKeys);
  router.route(paths.admin.accessKeys.create).get(admin, showCreateForm).post(admin, createKey);
  router.get(paths.admin.accessKeys.show(), admin, showKey);
  router.route(paths.admin.accessKeys.edit()).get(admin, showEditForm).post(admin, updateKey);
  router.route(paths.admin.accessKeys.delete()).get(admin, showDeleteForm).post(admin, deleteKey);

  return router;
}
