/**
 * Every URL of the app in one place, for routes, templates (global `paths`) and tests.
 * Route patterns use Express syntax; builders fill them.
 */
export const paths = {
  home: '/',
  health: '/healthz',
  ready: '/readyz',
  auth: {
    signIn: '/sign-in',
    signOut: '/sign-out',
  },
  admin: {
    home: '/admin',
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
      /** A cancelled application back to its previous status (until 90 days after initiation). */
      reactivate: (id: number | string = ':id') => `/admin/applications/${id}/reactivate`,
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
    /** The audit log, searchable (platform administrators only). */
    audit: '/platform/audit',
    /** New versions of the cardholder / signature terms and of the application form (each sends e-mail 9). */
    publications: {
      list: '/platform/publications',
      terms: '/platform/publications/terms',
      formVersion: '/platform/publications/form-version',
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
