import type { RequestHandler } from 'express';
import { paths } from '../paths';

export interface NavTab {
  href: string;
  labelKey: string;
  count: number;
  current: boolean;
}

/** Counts shown in tabs (e.g. pending approval); features register a provider. */
export type NavCountProvider = (accountIds: number[]) => Promise<Record<string, number>>;

/** The administrator's tabs, as in the issuer's guide, plus the platform administrator's own. */
export function navigation(countProviders: NavCountProvider[] = []): RequestHandler {
  return async (req, res, next) => {
    try {
      const actor = req.actor;
      if (!actor) {
        res.locals.nav = [];
        return next();
      }
      const counts: Record<string, number> = {};
      for (const provide of countProviders) Object.assign(counts, await provide(actor.accountIds));
      const tabs: Array<Omit<NavTab, 'current'>> = [
        { href: paths.admin.accessKeys.list, labelKey: 'common:nav.accessKeys', count: 0 },
        { href: paths.admin.batches.list, labelKey: 'common:nav.batches', count: 0 },
        { href: paths.admin.tracking.summary, labelKey: 'common:nav.tracking', count: 0 },
        { href: paths.admin.approvals.list, labelKey: 'common:nav.approvals', count: counts.pending ?? 0 },
        { href: paths.admin.emailTemplates.list, labelKey: 'common:nav.emailTemplates', count: 0 },
      ];
      if (actor.isPlatform) {
        tabs.push(
          { href: paths.platform.accounts.list, labelKey: 'common:nav.accounts', count: 0 },
          { href: paths.platform.administrators.list, labelKey: 'common:nav.administrators', count: 0 },
          { href: paths.platform.audit, labelKey: 'common:nav.audit', count: 0 },
          { href: paths.platform.publications.list, labelKey: 'common:nav.publications', count: 0 },
        );
      }
      res.locals.nav = tabs.map((tab) => ({ ...tab, current: req.path === tab.href || req.path.startsWith(`${tab.href}/`) }));
      next();
    } catch (err) {
      next(err);
    }
  };
}
