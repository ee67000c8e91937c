/**
 * Every URL of the app in one place, for routes, templates (global `paths`) and tests.
 * Route patterns use Express syntax; builders fill them.
 */
export const paths = {
  home: '/',
  health: '/healthz',
  ready: '/readyz',
  /** Prometheus metrics: bearer token (METRICS_TOKEN) or, without one, loopback only and never in production. */
  metrics: '/metrics',
  /** Help & contacts: public (it holds only the issuer's public contact information). */
  help: '/help',
  /** Verify a copy: public; anyone uploads a PDF and learns whether it is a signed original archived by Sésame. */
  verify: '/verify',
  auth: {
    signIn: '/sign-in',
    signOut: '/sign-out',
  },
  admin: {
    home: '/admin',
    /** The search box of every administrator page (`?q=`): any application of the administrator's BCs. */
    search: '/admin/search',
    /** My absence (out of office): the absence, its delegate, and cancelling it. */
    absence: {
      show: '/admin/absence',
      cancel: '/admin/absence/cancel',
    },
    accessKeys: {
      list: '/admin/access-keys',
      export: '/admin/access-keys/export',
      create: '/admin/access-keys/new',
      show: (id: number | string = ':id') => `/admin/access-keys/${id}`,
      edit: (id: number | string = ':id') => `/admin/access-keys/${id}/edit`,
      delete: (id: number | string = ':id') => `/admin/access-keys/${id}/delete`,
    },
    applications: {
      /** Controlled send: initiate one application on a key. */
      initiate: (keyId: number | string = ':keyId') => `/admin/access-keys/${keyId}/applications/new`,
      show: (id: number | string = ':id') => `/admin/applications/${id}`,
      resend: (id: number | string = ':id') => `/admin/applications/${id}/resend`,
      /** An undelivered invitation: the corrected address, and a new link sent to it. */
      fixAddress: (id: number | string = ':id') => `/admin/applications/${id}/fix-address`,
      /** A cancelled application back to its previous status (until 90 days after initiation). */
      reactivate: (id: number | string = ':id') => `/admin/applications/${id}/reactivate`,
    },
    /** Requests for information (issue 14 part 3): asked from an application page, answered by the employee. */
    informationRequests: {
      /** The form asking for more information about an application (GET) and its creation (POST). */
      create: (applicationId: number | string = ':id') => `/admin/applications/${applicationId}/information-requests/new`,
      /** A request with its thread, and the forms to close it or ask again. */
      show: (id: number | string = ':id') => `/admin/information-requests/${id}`,
      close: (id: number | string = ':id') => `/admin/information-requests/${id}/close`,
      askAgain: (id: number | string = ':id') => `/admin/information-requests/${id}/ask-again`,
      /** A document of the thread, from the archive (each download is audited). */
      attachment: (id: number | string = ':id', attachmentId: number | string = ':attachmentId') =>
        `/admin/information-requests/${id}/attachments/${attachmentId}`,
    },
    bulk: {
      /** Bulk send on a key: instructions, template download, upload form. */
      start: (keyId: number | string = ':keyId') => `/admin/access-keys/${keyId}/bulk`,
      /** The spreadsheet template (xlsx, headers in the page language with format notes). */
      template: '/admin/bulk/template.xlsx',
      /** An uploaded file's preview (GET) and its priorities / "Validate" form (POST). */
      preview: (id: number | string = ':id') => `/admin/bulk/uploads/${id}`,
      /** The rows that will not be initiated, with an error column, to fix and upload again. */
      rejected: (id: number | string = ':id') => `/admin/bulk/uploads/${id}/rejected.xlsx`,
    },
    batches: { list: '/admin/batches', show: (id: number | string = ':id') => `/admin/batches/${id}` },
    tracking: {
      summary: '/admin/tracking',
      /** The charts of the last 26 weeks (`?key=` one key), a page of their own beside the summary. */
      charts: '/admin/tracking/charts',
      /** The applications list (filters: key, status, priority, origin, initiation dates, text), sortable, paginated. */
      list: '/admin/tracking/applications',
      /** The filtered list as a spreadsheet (`?format=xlsx|csv` + the list's filters). */
      export: '/admin/tracking/applications/export',
      /** A supporting document of an application, as an attachment (each download is audited). */
      document: (id: number | string = ':id', documentId: number | string = ':documentId') => `/admin/applications/${id}/documents/${documentId}`,
      /** A signed version's PDF from the archive, as an attachment (each download is audited). */
      signedPdf: (id: number | string = ':id', version: number | string = ':version') => `/admin/applications/${id}/signed/${version}/pdf`,
    },
    approvals: {
      list: '/admin/approvals',
      /** The queue's selection form (ticked rows or "select all matching the filter" + an action) → confirmation. */
      select: '/admin/approvals/selection',
      /** The confirmation page of one selection (its one-time token) and its form. */
      confirm: (token: string = ':token') => `/admin/approvals/confirm/${token}`,
      /** What was done, per application. */
      results: (token: string = ':token') => `/admin/approvals/results/${token}`,
    },
    /** Complaints (issue 14): the register of the actor's BCs, one complaint, its actions and documents. */
    complaints: {
      /** Filters: status, overdue, category; sortable. */
      list: '/admin/complaints',
      /** The filtered register as a spreadsheet (`?format=xlsx|csv` + the list's filters). */
      export: '/admin/complaints/export',
      /** Filing a complaint about an application (multipart: documents). */
      file: (applicationId: number | string = ':applicationId') => `/admin/applications/${applicationId}/complaints/new`,
      show: (id: number | string = ':id') => `/admin/complaints/${id}`,
      start: (id: number | string = ':id') => `/admin/complaints/${id}/start`,
      extend: (id: number | string = ':id') => `/admin/complaints/${id}/extend`,
      /** The answer (multipart: text and documents). */
      answer: (id: number | string = ':id') => `/admin/complaints/${id}/answer`,
      close: (id: number | string = ':id') => `/admin/complaints/${id}/close`,
      document: (id: number | string = ':id', documentId: number | string = ':documentId') => `/admin/complaints/${id}/documents/${documentId}`,
    },
    /** E-mail templates (SPEC §4.1): the list for every administrator; the editor for the platform administrator. */
    emailTemplates: {
      list: '/admin/email-templates',
      /** The editor of one e-mail in one language (GET), and its save (POST). */
      edit: (template: string = ':template', lang: string = ':lang') => `/admin/email-templates/${template}/${lang}`,
      /** Preview of the submitted draft on sample data (POST), shown on the editor page. */
      preview: (template: string = ':template', lang: string = ':lang') => `/admin/email-templates/${template}/${lang}/preview`,
      /** The HTML version of the preview alone, with a sandboxing CSP (`?draft=1`: the last previewed draft). */
      previewHtml: (template: string = ':template', lang: string = ':lang') => `/admin/email-templates/${template}/${lang}/preview.html`,
      /** Back to the default: confirmation (GET) and reset (POST). */
      reset: (template: string = ':template', lang: string = ':lang') => `/admin/email-templates/${template}/${lang}/reset`,
    },
  },
  platform: {
    /** Help & contacts: the directory's entries, edited per language, ordered, shown to cardholders or administrators. */
    help: {
      list: '/platform/help',
      create: '/platform/help/new',
      edit: (id: number | string = ':id') => `/platform/help/${id}/edit`,
      remove: (id: number | string = ':id') => `/platform/help/${id}/remove`,
      move: (id: number | string = ':id') => `/platform/help/${id}/move`,
    },
    accounts: {
      list: '/platform/accounts',
      create: '/platform/accounts/new',
      edit: (id: number | string = ':id') => `/platform/accounts/${id}/edit`,
      import: '/platform/accounts/import',
      importSample: '/platform/accounts/import/sample.csv',
    },
    administrators: {
      list: '/platform/administrators',
      create: '/platform/administrators/new',
      edit: (id: number | string = ':id') => `/platform/administrators/${id}/edit`,
      deactivate: (id: number | string = ':id') => `/platform/administrators/${id}/deactivate`,
      reactivate: (id: number | string = ':id') => `/platform/administrators/${id}/reactivate`,
    },
    /** E-mail delivery: counts by state, failing and dead e-mails of every kind, resend one or all. */
    emailDelivery: {
      list: '/platform/email-delivery',
      resend: (id: number | string = ':id') => `/platform/email-delivery/${id}/resend`,
      resendAll: '/platform/email-delivery/resend-all',
    },
    /** The audit log, searchable (platform administrators only). */
    audit: '/platform/audit',
    /** New versions of the cardholder / signature terms and of the application form (each sends e-mail 9). */
    publications: {
      list: '/platform/publications',
      terms: '/platform/publications/terms',
      formVersion: '/platform/publications/form-version',
    },
    /** The issuer's card status file (issue 13 part 4): upload (GET form, POST multipart), preview, apply once. */
    issuerStatus: {
      start: '/platform/issuer-status',
      preview: (token: string = ':token') => `/platform/issuer-status/${token}`,
      apply: (token: string = ':token') => `/platform/issuer-status/${token}/apply`,
    },
    /** Transmissions of approved applications to the issuer: the list, "Transmit now", each file again. */
    transmissions: {
      list: '/platform/transmissions',
      transmit: '/platform/transmissions/transmit',
      file: (number: number | string = ':number', name: string = ':name') => `/platform/transmissions/${number}/files/${name}`,
    },
  },
  employee: {
    /** Key + reference entry page; the e-mailed link is entry?ref=<reference>. */
    entry: '/access',
    /** Lost link: the employee's e-mail address → a new link to each of their open applications (issue 16). */
    lost: '/access/lost',
    /** Its answer, the same whatever happened. */
    lostSent: '/access/lost/check-your-mailbox',
    /** Self-service start (generic URL published on the intranet). */
    apply: '/apply',
    /** Self-service neutral answer ("check your mailbox"), the same whatever happened. */
    applySent: '/apply/check-your-mailbox',
    /** The employee's application, bound to the session. */
    application: '/application',
    signOut: '/application/sign-out',
    /** "Before you start" instructions (also shown on the task list until something is saved) and the form's FAQ. */
    beforeYouStart: '/application/before-you-start',
    faq: '/application/faq',
    /** The form's sections (task list), bound to the session's application: never an application id in the URL. */
    form: {
      company: '/application/company',
      priority: '/application/priority',
      cardholder: '/application/cardholder',
      payment: '/application/payment',
      pin: '/application/pin',
      documents: '/application/documents',
      /** Multipart upload (multer → CSRF), listed in app.ts MULTIPART_PATHS. */
      upload: '/application/documents/upload',
      document: (id: number | string = ':id') => `/application/documents/${id}`,
      removeDocument: (id: number | string = ':id') => `/application/documents/${id}/remove`,
      approval: '/application/additional-approval',
      terms: '/application/terms',
    },
    /** Check your answers, each section with its "Change" link; its "Sign" button leads to the signature. */
    review: '/application/review',
    /** After "Quit": the session is closed, what was saved is kept. */
    left: '/application/left',
    signature: '/application/signature',
    /** The signature's next steps (step 1, the signature terms, is `signature`). */
    signing: {
      /** Step 2: the application as a PDF, and "send me a code". */
      document: '/application/signature/document',
      /** The PDF shown at step 2 (the code is bound to its SHA-256). */
      documentPdf: '/application/signature/document/pdf',
      sendCode: '/application/signature/send-code',
      /** Step 3: type the code. */
      code: '/application/signature/code',
      /** Confirmation, with the signed PDF. */
      signed: '/application/signature/signed',
    },
    /** A signed version's PDF from the archive (the session's application only). */
    signedPdf: (version: number | string = ':version') => `/application/signed/${version}/pdf`,
    status: '/application/status',
    /**
     * Requests for information, bound to the session's application (a request of another application is a 404). Under
     * /application/information-requests/ so that a session reduced to the status page after signing reaches them
     * (middleware/after-signing.ts).
     */
    informationRequests: {
      show: (id: number | string = ':id') => `/application/information-requests/${id}`,
      /** Multipart (message + documents): listed in app.ts MULTIPART_PATHS. */
      answer: (id: number | string = ':id') => `/application/information-requests/${id}/answer`,
      attachment: (id: number | string = ':id', attachmentId: number | string = ':attachmentId') =>
        `/application/information-requests/${id}/attachments/${attachmentId}`,
    },
    /** The employee's complaints about the session's application (allowed after signing: src/middleware/after-signing.ts). */
    complaints: {
      /** Filing (multipart: documents). */
      file: '/application/complaints/new',
      show: (id: number | string = ':id') => `/application/complaints/${id}`,
      /** "The answer does not satisfy me": the page then gives the mediator's contact. */
      dissatisfied: (id: number | string = ':id') => `/application/complaints/${id}/dissatisfied`,
      document: (id: number | string = ':id', documentId: number | string = ':documentId') => `/application/complaints/${id}/documents/${documentId}`,
    },
  },
  /** The additional approver's page, reached with the single-use link of e-mail 3 (`?token=`; never in a path, which is logged). */
  approver: {
    decide: '/approve',
    /** After the decision (no token: the link is used). */
    done: '/approve/done',
  },
  dev: {
    mailbox: '/dev/mailbox',
    message: (id: number | string = ':id') => `/dev/mailbox/${id}`,
    /** The HTML body alone, served with a sandboxing CSP (the message page links to it). */
    messageHtml: (id: number | string = ':id') => `/dev/mailbox/${id}/html`,
  },
};

/** A `returnTo` value is accepted only when it is a local path of this app (never another origin). */
export function safeLocalPath(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
  return value;
}
