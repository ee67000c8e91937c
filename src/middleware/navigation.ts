import type { Request, RequestHandler } from 'express';
import { paths } from '../platform/paths';

interface NavTab {
  href: string;
  labelKey: string;
  count: number;
  current: boolean;
}

/** Counts shown in tabs (e.g. pending approval); features register a provider. */
export type NavCountProvider = (accountIds: number[]) => Promise<Record<string, number>>;

/** Tab counts by name (`pending`: applications pending approval). */
export type NavCounts = Record<string, number>;

/**
 * The tabs of the request, in res.locals.nav; the layout awaits `nav.tabs(navCounts)`. A page that has already
 * counted what a tab shows (the queue's own totals) puts it in its model, `navCounts: { pending: totals.all }`, and the
 * tabs do not count it again.
 */
export interface Nav {
  tabs(provided?: NavCounts | null): Promise<NavTab[]>;
}

function tabsFor(req: Request, counts: NavCounts): NavTab[] {
  const actor = req.actor;
  if (!actor) return [];
  const tabs: Array<Omit<NavTab, 'current'>> = [
    { href: paths.admin.accessKeys.list, labelKey: 'common:nav.accessKeys', count: 0 },
    { href: paths.admin.batches.list, labelKey: 'common:nav.batches', count: 0 },
    { href: paths.admin.tracking.summary, labelKey: 'common:nav.tracking', count: 0 },
    { href: paths.admin.approvals.list, labelKey: 'common:nav.approvals', count: counts.pending ?? 0 },
    { href: paths.admin.complaints.list, labelKey: 'common:nav.complaints', count: 0 },
    { href: paths.admin.emailTemplates.list, labelKey: 'common:nav.emailTemplates', count: 0 },
  ];
  if (actor.isPlatform) {
    tabs.push(
      { href: paths.platform.accounts.list, labelKey: 'common:nav.accounts', count: 0 },
      { href: paths.platform.administrators.list, labelKey: 'common:nav.administrators', count: 0 },
      { href: paths.platform.audit, labelKey: 'common:nav.audit', count: 0 },
      { href: paths.platform.emailDelivery.list, labelKey: 'common:nav.emailDelivery', count: 0 },
      { href: paths.platform.publications.list, labelKey: 'common:nav.publications', count: 0 },
      { href: paths.platform.help.list, labelKey: 'common:nav.help', count: 0 },
      { href: paths.platform.transmissions.list, labelKey: 'common:nav.transmissions', count: 0 },
    );
  }
  return tabs.map((tab) => ({ ...tab, current: req.path === tab.href || req.path.startsWith(`${tab.href}/`) }));
}

/**
 * The administrator's tabs, as in the issuer's guide, plus the platform administrator's own. Counted when the layout
 * asks for them, not on every request: redirects, downloads and form posts never count anything, a page is counted
 * at most once (an error page rendered after a failed one included), and a page that has the counts already (its
 * model's `navCounts`) is not counted at all.
 */
export function navigation(countProviders: NavCountProvider[] = []): RequestHandler {
  return function navigationTabs(req, res, next) {
    let counted: Promise<NavTab[]> | undefined;
    const count = (accountIds: number[]): Promise<NavTab[]> =>
      Promise.all(countProviders.map((provide) => provide(accountIds))).then(
        (all) => tabsFor(req, Object.assign({}, ...all) as NavCounts),
        (err: unknown) => {
          // The page is still shown (an error page above all), without the tabs whose counts failed.
          req.log?.warn({ err }, 'tab counts unavailable');
          return [];
        },
      );
    const nav: Nav = {
      tabs(provided) {
        const actor = req.actor;
        if (!actor) return Promise.resolve([]);
        if (provided || !countProviders.length) return Promise.resolve(tabsFor(req, provided ?? {}));
        return (counted ??= count(actor.accountIds));
      },
    };
    res.locals.nav = nav;
    next();
  };
}
