import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator, requirePlatformAdministrator } from '../../middleware/auth';
import { verifyCsrf } from '../../middleware/csrf';
import { readMultipart } from '../../middleware/upload';
import { setFlash } from '../../middleware/flash';
import { NotFoundError } from '../../lib/errors';
import { auditRequestContext } from '../../core/audit/audit';
import { formErrors, formErrorsFromZod, type FormErrors } from '../../lib/form-errors';
import type { Language } from '../../platform/i18n';
import { CARD_PRODUCTS, LIABILITY_TYPES, PAYMENT_TYPES, PLASTIC_TYPES, STATEMENT_OPTIONS } from '../../core/accounts/options';
import { COUNTRIES, accountSchema, inFieldOrder, toAccountCandidate } from '../../core/accounts/schema';
import type { Account } from '../../core/accounts/repository';
import {
  createAccount,
  getAccount,
  listAllAccounts,
  updateAccount,
  importAccounts,
  CSV_COLUMNS,
  SAMPLE_CSV,
  MAX_IMPORT_ROWS,
  type FileIssue,
  type RowIssue,
} from './service';

const IMPORT_MAX_BYTES = 1024 * 1024;

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 5, parts: 6 } }).single('file');

/** Multer's own refusals (too large, several files) become a message on the import page, not an error page. */
async function receiveFile(req: Request, res: Response, next: NextFunction): Promise<void> {
  const refused = await readMultipart(upload, req, res);
  if (refused) {
    const key = refused.code === 'LIMIT_FILE_SIZE' ? 'accounts:import.errors.tooLarge' : 'accounts:import.errors.oneFile';
    return renderImport(res, 400, [{ key, params: { maxBytes: IMPORT_MAX_BYTES } }], []);
  }
  next();
}

function renderImport(res: Response, status: number, fileIssues: FileIssue[], rowIssues: RowIssue[]): void {
  const summary = fileIssues.map((i) => ({ ...i, href: '#file' }));
  if (rowIssues.length)
    summary.push({ key: 'accounts:import.errors.rowsInvalid', params: { count: new Set(rowIssues.map((r) => r.row)).size }, href: '#row-errors' });
  const errors: FormErrors | null = summary.length ? { fieldErrors: fileIssues[0] ? { file: fileIssues[0] } : {}, summary } : null;
  res
    .status(status)
    .render('accounts/import.njk', { errors, rowIssues, columns: CSV_COLUMNS, codes: CSV_CODES, maxRows: MAX_IMPORT_ROWS, maxBytes: IMPORT_MAX_BYTES });
}

/** The codes each coded column accepts, shown on the import page. */
const CSV_CODES: Record<string, string> = {
  address_country: COUNTRIES.join(', '),
  card_product: CARD_PRODUCTS.join(', '),
  plastic_types: PLASTIC_TYPES.join(', '),
  liability_type: LIABILITY_TYPES.join(', '),
  statement_option: STATEMENT_OPTIONS.join(', '),
  payment_type: PAYMENT_TYPES.join(', '),
};

function countryItems(lang: Language) {
  const names = new Intl.DisplayNames([lang], { type: 'region' });
  return COUNTRIES.map((code) => ({ value: code, text: names.of(code) ?? code })).sort((a, b) => a.text.localeCompare(b.text, lang));
}

function formValues(account: Account): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...values } = account;
  return values;
}

/** Platform administrator: the BCs (list, create, edit, CSV import). */
export function accountRoutes(deps: Deps): Router {
  const router = Router();
  const { db, clock } = deps;
  const platformOnly = [requireAdministrator(deps.config), requirePlatformAdministrator];

  const renderForm = (
    req: Request,
    res: Response,
    status: number,
    model: { account: Account | null; values: Record<string, unknown>; errors: FormErrors | null },
  ) => {
    res.status(status).render('accounts/form.njk', {
      ...model,
      action: model.account ? paths.platform.accounts.edit(model.account.id) : paths.platform.accounts.create,
      options: {
        countries: countryItems(req.lang),
        cardProducts: CARD_PRODUCTS,
        plasticTypes: PLASTIC_TYPES,
        liabilityTypes: LIABILITY_TYPES,
        statementOptions: STATEMENT_OPTIONS,
        paymentTypes: PAYMENT_TYPES,
      },
    });
  };

  const loadAccount = async (id: string | string[] | undefined): Promise<Account> => {
    const n = Number(id);
    const account = Number.isSafeInteger(n) && n > 0 ? await getAccount(db, n) : undefined;
    if (!account) throw new NotFoundError('account');
    return account;
  };

  const listAll: RequestHandler = async (_req, res) => {
    res.render('accounts/list.njk', { accounts: await listAllAccounts(db) });
  };

  const showCreateForm: RequestHandler = (req, res) => {
    renderForm(req, res, 200, { account: null, values: { addressCountry: 'FR', plasticTypes: [] }, errors: null });
  };

  const createOne: RequestHandler = async (req, res) => {
    const candidate = toAccountCandidate(req.body as Record<string, unknown>);
    const parsed = accountSchema.safeParse(candidate);
    if (!parsed.success) return renderForm(req, res, 400, { account: null, values: candidate, errors: formErrorsFromZod(inFieldOrder(parsed.error)) });
    const result = await createAccount(db, parsed.data, clock.now(), auditRequestContext(req));
    if (!result.ok) return renderForm(req, res, 400, { account: null, values: candidate, errors: formErrors(result.issues) });
    req.log?.info({ accountId: result.id }, 'account created');
    setFlash(req, 'accounts:flash.created', { number: parsed.data.number });
    res.redirect(303, paths.platform.accounts.list);
  };

  const showEditForm: RequestHandler = async (req, res) => {
    const account = await loadAccount(req.params.id);
    renderForm(req, res, 200, { account, values: formValues(account), errors: null });
  };

  const updateOne: RequestHandler = async (req, res) => {
    const account = await loadAccount(req.params.id);
    const candidate = toAccountCandidate(req.body as Record<string, unknown>);
    const parsed = accountSchema.safeParse(candidate);
    if (!parsed.success) return renderForm(req, res, 400, { account, values: candidate, errors: formErrorsFromZod(inFieldOrder(parsed.error)) });
    const result = await updateAccount(db, account.id, parsed.data, clock.now(), auditRequestContext(req));
    if (!result) throw new NotFoundError('account');
    if (!result.ok) return renderForm(req, res, 400, { account, values: candidate, errors: formErrors(result.issues) });
    req.log?.info({ accountId: account.id }, 'account updated');
    setFlash(req, 'accounts:flash.updated', { number: parsed.data.number });
    res.redirect(303, paths.platform.accounts.list);
  };

  const showImportForm: RequestHandler = (_req, res) => {
    renderImport(res, 200, [], []);
  };

  const downloadImportSample: RequestHandler = (_req, res) => {
    res.type('text/csv; charset=utf-8');
    res.attachment('sesame-accounts-sample.csv');
    res.send(SAMPLE_CSV);
  };

  const importFile: RequestHandler = async (req, res) => {
    if (!req.file) return renderImport(res, 400, [{ key: 'accounts:import.errors.noFile' }], []);
    const result = await importAccounts(db, req.file.buffer, clock.now(), auditRequestContext(req));
    if (!result.ok) return renderImport(res, 400, result.fileIssues, result.rowIssues);
    req.log?.info({ count: result.count }, 'accounts imported');
    setFlash(req, 'accounts:import.flash.imported', { count: result.count });
    res.redirect(303, paths.platform.accounts.list);
  };

  router.get(paths.platform.accounts.list, ...platformOnly, listAll);
  router
    .route(paths.platform.accounts.create)
    .get(...platformOnly, showCreateForm)
    .post(...platformOnly, createOne);
  router
    .route(paths.platform.accounts.edit())
    .get(...platformOnly, showEditForm)
    .post(...platformOnly, updateOne);
  router.get(paths.platform.accounts.import, ...platformOnly, showImportForm);
  router.get(paths.platform.accounts.importSample, ...platformOnly, downloadImportSample);
  router.post(paths.platform.accounts.import, ...platformOnly, receiveFile, verifyCsrf, importFile);

  return router;
}
