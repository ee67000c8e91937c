import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Deps } from '../../platform/deps';
import { NotFoundError } from '../../lib/errors';
import { paths } from '../../platform/paths';
import { extractLinks, MAIL_HTML_CSP } from '../../core/outbox/render';
import { mailboxMessage, mailboxPage } from './service';

const PAGE_SIZE = 50;
const idSchema = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const pageSchema = z.coerce.number().int().min(1).max(100000).catch(1);

/**
 * The HTML body is shown on its own URL with a CSP that puts it in a unique, script-less origin (`sandbox`) and lets it
 * load nothing but its inline styles. The app's own CSP forbids frames and inline styles, so no iframe/srcdoc.
 */

/**
 * Development mailbox (no SMTP_URL, never in production): the e-mails the outbox "delivered" locally, so a newcomer
 * can follow an invitation end to end. Mounted only when config.mail.devMailbox is true; no sign-in, as there is no
 * real person's data on a development machine.
 */
export function devMailboxRoutes(deps: Deps): Router {
  const router = Router();
  const { config, db, clock } = deps;
  if (!config.mail.devMailbox || config.isProduction) return router;

  async function loadRow(rawId: unknown) {
    const id = idSchema.safeParse(rawId);
    const row = id.success ? await mailboxMessage(db, id.data, clock.now()) : undefined;
    if (!row) throw new NotFoundError('e-mail');
    return row;
  }

  const listMessages: RequestHandler = async (req, res) => {
    const page = pageSchema.parse(req.query.page);
    const { rows, total } = await mailboxPage(db, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
    res.render('outbox/mailbox.njk', {
      messages: rows.map((r) => ({
        id: r.id,
        href: paths.dev.message(r.id),
        createdAt: r.created_at,
        to: r.recipient,
        subject: r.subject,
        template: r.template,
        language: r.language,
        status: r.status,
      })),
      total,
      page,
      previousHref: page > 1 ? `${paths.dev.mailbox}?page=${page - 1}` : null,
      nextHref: page < pageCount ? `${paths.dev.mailbox}?page=${page + 1}` : null,
      pageCount,
    });
  };

  const showMessage: RequestHandler = async (req, res) => {
    const row = await loadRow(req.params.id);
    res.render('outbox/message.njk', {
      message: {
        id: row.id,
        to: row.recipient,
        subject: row.subject,
        template: row.template,
        language: row.language,
        status: row.status,
        attempts: row.attempts,
        createdAt: row.created_at,
        sentAt: row.sent_at,
        messageId: row.message_id,
        lastError: row.last_error,
        text: row.text,
        hasHtml: row.html !== null,
        htmlHref: paths.dev.messageHtml(row.id),
        links: row.text ? extractLinks(row.text) : [],
        codeSpent: row.codeSpent,
      },
      mailboxHref: paths.dev.mailbox,
    });
  };

  const showMessageHtml: RequestHandler = async (req, res) => {
    const row = await loadRow(req.params.id);
    if (row.html === null) throw new NotFoundError('e-mail body');
    res.setHeader('Content-Security-Policy', MAIL_HTML_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type('html').send(row.html);
  };

  router.get(paths.dev.mailbox, listMessages);
  router.get(paths.dev.message(), showMessage);
  router.get(paths.dev.messageHtml(), showMessageHtml);

  return router;
}
