import { z } from 'zod';
import { FILE_NAMES } from '../../core/transmission/files';

const NAMES = Object.values(FILE_NAMES) as [string, ...string[]];

/** A file of a transmission, as the download link names it: /platform/transmissions/<number>/files/<name>. */
export const fileParamsSchema = z.object({
  number: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'transmissions:errors.notFound')
    .transform(Number),
  name: z.enum(NAMES, { message: 'transmissions:errors.notFound' }),
});

export type FileParams = z.infer<typeof fileParamsSchema>;
