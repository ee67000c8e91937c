import { pipeline, type Readable } from 'node:stream';
import type { Response } from 'express';

/**
 * Sends a file stream as the response body. pipeline, not pipe: when the browser goes away mid-way, or the file fails,
 * both ends are destroyed, so the file is closed at once instead of whenever the garbage collector comes by (an
 * abandoned download per open file descriptor). A browser that left is not an error; a failing file is reported.
 */
export function streamToResponse(stream: Readable, res: Response, onError: (err: Error) => void): void {
  pipeline(stream, res, (err) => {
    if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') onError(err);
  });
}
