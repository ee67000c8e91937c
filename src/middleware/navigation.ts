import type { Request, RequestHandler, Response } from 'express';
import { paths } from '../platform/paths';

export interface NavTab {
  href: string;
  labelKey: string;
  count: number;
  current: boolean;
}

/** Counts shown in tabs (e.g. pending approval); features register a provider. */
export type NavCountProvider = (accountIds: number[]) => Promise<Record<string, number>>;

/**
 * A page that has already counted what a tab shows (the queue's own totals) hands it over, and the tabs do not
 * count it again: `provideNavCounts(res, { pending: totals.all })` before rendering.
 */
export function provideNavCounts(res: Response, counts: Record<string, number>): void {
  res.locals.navCounts = { ...(res.locals.navCounts as Record<string, number> | undefined), ...counts };
}

function tabsFor(req: Request, counts: Record<string, number>): NavTab[] {
  const actor = req.actor;
  if (!actor) return [];
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
  return tabs.map((tab) => ({ ...tab, current: req.path === tab.href || req.path.startsWith(`${tab.href}/`) }));
}

/**
 * The administrator's tabs, as in the issuer's guide, plus the platform administrator's own. Built when a page is
 * rendered, not on every request: redirects, downloads and form posts never count anything, and a page that has the
 * counts already (provideNavCounts) is not counted twice.
 */
export function navigation(countProviders: NavCountProvider[] = []): RequestHandler {
  return (req, res, next) => {
    res.locals.nav = [];
    const actor = req.actor;
    if (!actor) return next();
    type Done = (err: Error, html: string) => void;
    const render = res.render.bind(res) as (view: string, options?: object, callback?: Done) => void;
    res.render = ((view: string, options?: object | Done, callback?: Done) => {
      const opts = typeof options === 'function' ? undefined : options;
      const cb: Done | undefined = typeof options === 'function' ? (options as Done) : callback;
      const provided = res.locals.navCounts as Record<string, number> | undefined;
      const finish = (counts: Record<string, number>) => {
        res.locals.nav = tabsFor(req, counts);
        render(view, opts, cb);
      };
      if (provided || !countProviders.length) return finish(provided ?? {});
      Promise.all(countProviders.map((provide) => provide(actor.accountIds))).then(
        (all) => finish(Object.assign({}, ...all) as Record<string, number>),
        (err: unknown) => {
          // The page is still shown (an error page above all), without the tabs whose counts failed.
          req.log?.warn({ err }, 'tab counts unavailable');
          res.locals.nav = [];
          render(view, opts, cb);
        },
      );
    }) as Response['render'];
    next();
  };
}
