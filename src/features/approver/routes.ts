import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { TFunction } from 'i18next';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { tFor, type Language } from '../../platform/i18n';
import { formErrors, normaliseBody, type FormErrors } from '../../lib/form-errors';
import { cardholderValues, type FormContext } from '../../core/application/form-data';
import { applicationToDecide, decide, linkState, type LinkState } from './service';
import { COMMENT_MAX } from '../../core/application/approval-requests';

/**
 * The additional approver's page, reached only with the single-use link of e-mail 3 (`/approve?token=…`; the token
 * stays out of paths, which are logged). It shows a summary of the application — never the PIN, the IBAN or the
 * documents — and approve / decline with a comment. The token is posted back in the form body, never in a URL.
 */
export function approverRoutes(deps: Deps): Router {
  const router = Router();
  const { db, clock, config } = deps;

  function summary(ctx: FormContext, t: TFunction): Array<{ label: string; value: string }> {
    const h = cardholderValues(ctx);
    const name = [h.firstName || ctx.application.firstName, h.lastName || ctx.application.lastName].filter(Boolean).join(' ');
    const rows = [
      { label: t('approver:summary.cardholder'), value: name },
      { label: t('approver:summary.jobTitle'), value: h.jobTitle ?? '' },
      { label: t('approver:summary.businessEmail'), value: h.businessEmail || ctx.application.email },
      { label: t('approver:summary.employeeNumber'), value: h.employeeNumber ?? '' },
      { label: t('approver:summary.costCentre'), value: h.costCentre ?? '' },
      { label: t('approver:summary.company'), value: ctx.account.companyName },
      { label: t('approver:summary.cardProduct'), value: t(`accounts:cardProducts.${ctx.account.cardProduct}`, { defaultValue: ctx.account.cardProduct }) },
      { label: t('approver:summary.plasticType'), value: t(`accounts:plasticTypes.${ctx.key.plasticType}`, { defaultValue: ctx.key.plasticType }) },
      { label: t('approver:summary.priority'), value: t(`applications:priorities.${ctx.application.priority}`) },
      { label: t('approver:summary.reference'), value: ctx.application.reference },
    ];
    return rows.map((r) => ({ ...r, value: r.value || t('common:notProvided') }));
  }

  async function renderLink(
    req: Request,
    res: Response,
    state: LinkState,
    token: string,
    values: { decision: string; comment: string },
    errors: FormErrors | null,
  ) {
    if (state.kind !== 'open') {
      const status = state.kind === 'invalid' ? 404 : 410;
      return res.status(status).render('approver/unavailable.njk', { reason: state.kind });
    }
    const ctx = await applicationToDecide(db, state.request.applicationId);
    if (!ctx) return res.status(404).render('approver/unavailable.njk', { reason: 'invalid' });
    res.status(errors ? 400 : 200).render('approver/decide.njk', {
      token,
      approverName: state.request.approverName,
      expiresAt: state.request.expiresAt,
      rows: summary(ctx, tFor(req.lang as Language)),
      values,
      errors,
      commentMax: COMMENT_MAX,
    });
  }

  const showDecision: RequestHandler = async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const state = await linkState(db, token, clock.now());
    await renderLink(req, res, state, token, { decision: '', comment: '' }, null);
  };

  const submitDecision: RequestHandler = async (req, res) => {
    const body = normaliseBody(req.body);
    const token = typeof body.token === 'string' ? body.token : '';
    const decision = body.decision === 'approve' ? 'approved' : body.decision === 'decline' ? 'declined' : '';
    const comment = typeof body.comment === 'string' ? body.comment.replace(/\r\n/g, '\n') : '';
    const values = { decision: typeof body.decision === 'string' ? body.decision : '', comment };
    const now = clock.now();
    const issues: Array<{ field: string; key: string; params?: Record<string, number> }> = [];
    if (!decision) issues.push({ field: 'decision', key: 'approver:decide.decision.errors.required' });
    if (decision === 'declined' && !comment) issues.push({ field: 'comment', key: 'approver:decide.comment.errors.required' });
    if ([...comment].length > COMMENT_MAX) issues.push({ field: 'comment', key: 'approver:decide.comment.errors.tooLong', params: { max: COMMENT_MAX } });
    if (issues.length || !decision) return renderLink(req, res, await linkState(db, token, now), token, values, formErrors(issues));
    const result = await decide(db, { token, decision, comment: comment || null, now, timeZone: config.timeZone });
    if (!result.ok) return renderLink(req, res, result.state, token, values, null);
    req.log?.info({ applicationId: result.applicationId, decision }, 'additional approver decided');
    res.redirect(303, `${paths.approver.done}?decision=${decision}&lang=${req.lang}`);
  };

  const showDone: RequestHandler = (req, res) => {
    res.render('approver/done.njk', { decision: req.query.decision === 'declined' ? 'declined' : 'approved' });
  };

  router.route(paths.approver.decide).get(showDecision).post(submitDecision);
  router.get(paths.approver.done, showDone);

  return router;
}
