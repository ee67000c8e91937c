import type * as XlsxModule from 'xlsx';

let loaded: typeof XlsxModule | undefined;

/**
 * The xlsx library, loaded on first use: loading it costs about 34 MB of resident memory (its code-page tables), and
 * most processes never read or write a spreadsheet (a bulk upload, an export or the bulk template loads it).
 */
export function xlsx(): typeof XlsxModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('xlsx') as typeof XlsxModule);
}
