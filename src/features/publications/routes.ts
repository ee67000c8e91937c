import { Router, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator, requirePlatformAdministrator } from '../../middleware/auth';
import { setFlash } from '../../middleware/flash';
import { formErrors, type FormErrors } from '../../lib/form-errors';
import { auditRequestContext } from '../../core/audit/audit';
import {
  formVersionValues,
  parseFormVersionForm,
  parseTermsForm,
  PRODUCT_CHOICES,
  termsValues,
  TERMS_KINDS,
  type FormVersionValues,
  type TermsValues,
} from './schema';
import { listPublications, publishFormVersion, publishTermsVersion, VersionExistsError } from './service';

const EMPTY_TERMS: TermsValues = { kind: 'cardholder', cardProduct: '', version: '', titleFr: '', bodyFr: '', titleEn: '', bodyEn: '' };
const EMPTY_FORM: FormVersionValues = { formVersion: '', formNote: '' };

/**
 * Platform administrator: publish a new version of the cardholder or signature terms, or of the application form.
 * Each publication e-mails (e-mail 9) the employees whose application is not submitted yet (publications/service.ts).
 */
export function publicationRoutes(deps: Deps): Router {
  const router = Router();
  const { db, clock, config } = deps;
  const platformOnly = [requireAdministrator(config), requirePlatformAdministrator];

  async function renderPage(
    res: Response,
    status: number,
    model: { terms?: TermsValues; termsErrors?: FormErrors | null; form?: FormVersionValues; formErrors?: FormErrors | null },
  ) {
    const termsErrors = model.termsErrors ?? null;
    const formVersionErrors = model.formErrors ?? null;
    const t = res.locals.t as (key: string) => string;
    res.status(status).render('publications/list.njk', {
      publications: await listPublications(db),
      terms: model.terms ?? EMPTY_TERMS,
      form: model.form ?? EMPTY_FORM,
      termsErrors,
      formVersionErrors,
      // The page-level summary (and the "Error:" title prefix) holds whichever form failed.
      errors: termsErrors ?? formVersionErrors,
      kindItems: TERMS_KINDS.map((k) => ({ value: k, text: t(`publications:kinds.${k}`) })),
      productItems: PRODUCT_CHOICES.map((p) => ({ value: p, text: p === '*' ? t('publications:anyProduct') : t(`accounts:cardProducts.${p}`) })),
      actions: { terms: paths.platform.publications.terms, formVersion: paths.platform.publications.formVersion },
    });
  }

  const showPublications: RequestHandler = async (_req, res) => {
    await renderPage(res, 200, {});
  };

  const publishTerms: RequestHandler = async (req, res) => {
    const values = termsValues(req.body as Record<string, unknown>);
    const parsed = parseTermsForm(values);
    if (!parsed.ok) return renderPage(res, 400, { terms: values, termsErrors: parsed.errors });
    try {
      const { notified } = await publishTermsVersion(db, { ...parsed.input, audit: auditRequestContext(req), now: clock.now() });
      req.log?.info(
        { kind: parsed.input.kind, cardProduct: parsed.input.cardProduct, version: parsed.input.version, notified, by: req.actor?.id },
        'terms published',
      );
      setFlash(req, 'publications:flash.termsPublished', { version: parsed.input.version, count: notified });
      res.redirect(303, paths.platform.publications.list);
    } catch (err) {
      if (!(err instanceof VersionExistsError)) throw err;
      return renderPage(res, 400, { terms: values, termsErrors: formErrors([{ field: 'version', key: 'publications:errors.versionExists' }]) });
    }
  };

  const publishForm: RequestHandler = async (req, res) => {
    const values = formVersionValues(req.body as Record<string, unknown>);
    const parsed = parseFormVersionForm(values);
    if (!parsed.ok) return renderPage(res, 400, { form: values, formErrors: parsed.errors });
    try {
      const { notified } = await publishFormVersion(db, {
        version: parsed.version,
        note: parsed.note,
        adminId: req.actor?.id as number,
        audit: auditRequestContext(req),
        now: clock.now(),
      });
      req.log?.info({ version: parsed.version, notified, by: req.actor?.id }, 'form version published');
      setFlash(req, 'publications:flash.formPublished', { version: parsed.version, count: notified });
      res.redirect(303, paths.platform.publications.list);
    } catch (err) {
      if (!(err instanceof VersionExistsError)) throw err;
      return renderPage(res, 400, { form: values, formErrors: formErrors([{ field: 'formVersion', key: 'publications:errors.versionExists' }]) });
    }
  };

  router.get(paths.platform.publications.list, ...platformOnly, showPublications);
  router.post(paths.platform.publications.terms, ...platformOnly, publishTerms);
  router.post(paths.platform.publications.formVersion, ...platformOnly, publishForm);

  return router;
}
