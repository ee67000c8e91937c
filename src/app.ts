import express, { type Express, type Router } from 'express';
import type { Deps } from './platform/deps';
import { PUBLIC_DIR } from './platform/root';
import { configureViews } from './platform/views';
import { requestLog } from './middleware/request-log';
import { securityHeaders, noStore } from './middleware/security-headers';
import { sessionMiddleware, sessionLifetime } from './middleware/session';
import { csrfProtection, csrfTokenLocal, rejectCrossSite } from './middleware/csrf';
import { locale } from './middleware/locale';
import { afterSigningScope } from './middleware/after-signing';
import { flashLocal } from './middleware/flash';
import { identifyAdministrator } from './middleware/auth';
import { absenceRoutes } from './features/absence/routes';
import { cachedActorLookup } from './core/administrators/actor-lookup';
import { navigation, type NavCountProvider } from './middleware/navigation';
import { errorHandler, notFound } from './middleware/errors';
import { enteredOnlyForItsPaths } from './platform/feature-router';
import { healthRoutes } from './features/health/routes';
import { authRoutes } from './features/auth/routes';
import { adminHomeRoutes } from './features/auth/home-routes';
import { accessKeyRoutes } from './features/access-keys/routes';
import { accountRoutes } from './features/accounts/routes';
import { administratorRoutes } from './features/administrators/routes';
import { bulkRoutes, BULK_UPLOAD_PATH } from './features/bulk/routes';
import { batchRoutes } from './features/batches/routes';
import { auditRoutes } from './features/audit/routes';
import { devMailboxRoutes } from './features/dev-mailbox/routes';
import { applicationAdminRoutes } from './features/applications/admin-routes';
import { countPendingApproval } from './core/application/repository';
import { approvalRoutes } from './features/approvals/routes';
import { employeeAccessRoutes } from './features/employee-access/routes';
import { applicationFormRoutes, DOCUMENT_UPLOAD_PATH } from './features/application-form/routes';
import { approverRoutes } from './features/approver/routes';
import { signatureRoutes } from './features/signature/routes';
import { statusPageRoutes } from './features/status-page/routes';
import { trackingRoutes } from './features/tracking/routes';
import { emailTemplateRoutes } from './features/email-templates/routes';
import { publicationRoutes } from './features/publications/routes';
import { helpRoutes } from './features/help/routes';
import { issuerStatusRoutes, ISSUER_STATUS_UPLOAD_PATH } from './features/issuer-status/routes';
import { informationRequestRoutes, INFORMATION_REQUEST_ANSWER_PATH } from './features/information-requests/routes';
import { complaintRoutes, COMPLAINT_UPLOAD_PATHS } from './features/complaints/routes';
import { metricsRoutes } from './features/metrics/routes';
import { emailDeliveryRoutes } from './features/email-delivery/routes';
import { metricsFor } from './platform/metrics';
import { httpMetrics } from './middleware/metrics';
import { searchRoutes } from './features/search/routes';
import { transmissionRoutes } from './features/transmissions/routes';
import { verifyRoutes, VERIFY_UPLOAD_PATH } from './features/verify/routes';

/** Multipart (upload) endpoints; each mounts multer then verifyCsrf itself. Everything else refuses multipart. */
const MULTIPART_PATHS: RegExp[] = [
  /^\/platform\/accounts\/import$/,
  BULK_UPLOAD_PATH,
  DOCUMENT_UPLOAD_PATH,
  ISSUER_STATUS_UPLOAD_PATH,
  INFORMATION_REQUEST_ANSWER_PATH,
  ...COMPLAINT_UPLOAD_PATHS,
  VERIFY_UPLOAD_PATH,
];

export function createApp(deps: Deps): Express {
  const { config, logger } = deps;
  const app = express();
  /** Tab counters (e.g. pending approval), each scoped to the actor's BCs. */
  const navCounts: NavCountProvider[] = [];
  navCounts.push(async (accountIds) => ({ pending: await countPendingApproval(deps.db, accountIds) }));
  app.disable('x-powered-by');
  // Pages are Cache-Control: no-store (never revalidated), so an ETag over each body would be hashed for nothing;
  // the static files under /public keep theirs (express.static sets its own).
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'extended');
  configureViews(app);

  // Request durations (by route pattern) for /metrics, then health and metrics: no session, no logs noise.
  const metrics = metricsFor(deps);
  app.use(httpMetrics(metrics));
  app.use(healthRoutes(deps));
  app.use(metricsRoutes(deps, metrics));

  app.use(requestLog(logger, { ignore: (path) => path.startsWith('/public/') }));
  app.use(securityHeaders(config.cookieSecure));
  app.use('/public', express.static(PUBLIC_DIR, { maxAge: config.isProduction ? '1h' : 0, index: false }));

  app.use(noStore);
  app.use(rejectCrossSite(config.publicBaseUrl));
  app.use(express.urlencoded({ extended: true, limit: '200kb', parameterLimit: 2000 }));
  app.use(sessionMiddleware(config, deps.sessionStore));
  app.use(sessionLifetime(config, deps.clock));
  app.use(locale(config.timeZone));
  app.use(csrfProtection(MULTIPART_PATHS));
  app.use(csrfTokenLocal);
  app.use(flashLocal);
  app.use(afterSigningScope());
  // Out of office: the actor's BCs include those of the absent administrators who delegated to them, while absent.
  // Read under the `administrators` data version: a change made anywhere counts from the next request.
  const actorLookup = cachedActorLookup(deps.db, config.timeZone);
  app.use(identifyAdministrator(config, (by) => actorLookup(by, deps.clock.now())));
  app.use(navigation(navCounts));
  app.use((req, res, next) => {
    res.locals.currentPath = req.path;
    res.locals.authMode = config.auth.mode;
    res.locals.devMailbox = config.mail.devMailbox && !config.isProduction;
    next();
  });

  // The page features, in this order; each router is entered only by the paths of its own routes.
  const features: Array<(deps: Deps) => Router> = [
    authRoutes,
    adminHomeRoutes,
    accessKeyRoutes,
    accountRoutes,
    administratorRoutes,
    bulkRoutes,
    batchRoutes,
    auditRoutes,
    emailDeliveryRoutes,
    devMailboxRoutes, // the development mailbox: mounts nothing unless config.mail.devMailbox (no SMTP_URL, never in production)
    applicationAdminRoutes,
    searchRoutes,
    absenceRoutes,
    approvalRoutes,
    employeeAccessRoutes,
    applicationFormRoutes,
    approverRoutes,
    signatureRoutes,
    statusPageRoutes,
    trackingRoutes,
    emailTemplateRoutes,
    publicationRoutes,
    helpRoutes,
    verifyRoutes,
    issuerStatusRoutes,
    informationRequestRoutes,
    complaintRoutes,
    transmissionRoutes,
  ];
  for (const routes of features) app.use(enteredOnlyForItsPaths(routes(deps)));
  app.use(notFound);
  app.use(errorHandler({ showStack: !config.isProduction, timeZone: config.timeZone }));
  return app;
}
