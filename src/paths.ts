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
    batches: { list: '/admin/batches' },
    tracking: { summary: '/admin/tracking' },
    approvals: { list: '/admin/approvals' },
    emailTemplates: { list: '/admin/email-templates' },
  },
  platform: {
    accounts: {
      list: '/platform/accounts',
      create: '/platform/accounts/new',
      edit: (id: number | string = ':id') => `/platform/accounts/${id}/edit`,
      import: '/platform/accounts/import',
    },
    administrators: {
      list: '/platform/administrators',
      create: '/platform/administrators/new',
      edit: (id: number | string = ':id') => `/platform/administrators/${id}/edit`,
      deactivate: (id: number | string = ':id') => `/platform/administrators/${id}/deactivate`,
      reactivate: (id: number | string = ':id') => `/platform/administrators/${id}/reactivate`,
    },
  },
  dev: {
    mailbox: '/dev/mailbox',
  },
};

/** A `returnTo` value is accepted only when it is a local path of this app (never another origin). */
export function safeLocalPath(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
  return value;
}
