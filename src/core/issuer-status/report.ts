import type { TFunction } from 'i18next';
import type { RowError } from './file';

/** A refused line's reason in one language, its status codes written as their labels (the page, the command line). */
export function errorText(t: TFunction, e: RowError): string {
  const params: Record<string, string | number> = { ...(e.params ?? {}) };
  for (const name of ['from', 'to']) if (typeof params[name] === 'string') params[name] = t(`applications:statuses.${params[name]}`);
  return t(e.key, params);
}

export function errorLine(t: TFunction, line: number, e: RowError): string {
  return `line ${line}${e.column ? ` (${e.column})` : ''}: ${errorText(t, e)}`;
}
