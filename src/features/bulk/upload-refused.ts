import type { ColumnKey } from './columns';

/**
 * A whole file refused before anything is stored: `key` is the translation key of the reason, `params` its values,
 * `columns` template columns to list by their label in the page language (e.g. the missing mandatory ones).
 */
export class UploadRefused extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
    readonly columns: ColumnKey[] = [],
  ) {
    super(`upload refused: ${key}`);
    this.name = 'UploadRefused';
  }
}
