import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Deps } from '../../platform/deps';
import { paths, safeLocalPath } from '../../platform/paths';
import { recordAudit } from '../../core/audit/audit';
import { destroySession, regenerateSession, saveSession } from '../../middleware/session';
import { activeAdministrator, signInChoices } from './service';

const signInSchema = z.object({ administratorId: z.coerce.number().int().positive() });

/** Dev sign-in (AUTH_MODE=dev only; config refuses it in production) and sign-out for both modes. */
export function authRoutes(deps: Deps): Router {
  const router = Router();
  const { config, db } = deps;

  const showSignIn: RequestHandler = async (req, res) => {
    const administrators = await signInChoices(db);
    res.render('auth/sign-in.njk', { administrators, returnTo: safeLocalPath(req.query.returnTo, paths.admin.home), error: null });
  };

  const signIn: RequestHandler = async (req, res) => {
    const parsed = signInSchema.safeParse(req.body);
    const admin = parsed.success ? await activeAdministrator(db, parsed.data.administratorId) : undefined;
    const returnTo = safeLocalPath(req.body.returnTo, paths.admin.home);
    if (!admin) {
      const administrators = await signInChoices(db);
      return res.status(400).render('auth/sign-in.njk', { administrators, returnTo, error: 'auth:signIn.errors.choose' });
    }
    await recordAudit(db, {
      at: deps.clock.now(),
      actor: { type: 'admin', id: admin.id, email: admin.email },
      action: 'admin.sign_in',
      object: { type: 'administrator', id: admin.id },
      ip: req.ip,
      userAgent: req.get('user-agent'),
      details: { mode: 'dev' },
    });
    const lang = req.session.lang;
    await regenerateSession(req);
    req.session.adminId = admin.id;
    req.session.userKey = `admin:${admin.id}`;
    req.session.startedAt = deps.clock.now().getTime();
    req.session.lang = lang ?? admin.language;
    await saveSession(req);
    res.redirect(303, returnTo);
  };

  const signOut: RequestHandler = async (req, res) => {
    const lang = req.session.lang;
    await destroySession(req);
    res.redirect(303, config.auth.mode === 'dev' ? `${paths.auth.signIn}?lang=${lang ?? req.lang}` : `/?lang=${req.lang}`);
  };

  if (config.auth.mode === 'dev' && !config.isProduction) {
    router.route(paths.auth.signIn).get(showSignIn).post(signIn);
  }
  router.post(paths.auth.signOut, signOut);

  return router;
}
