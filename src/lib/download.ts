import crypto from 'node:crypto';

/** SHA-256 of a file's bytes, in hex: what the archive, the signature evidence and the documents record. */
export function sha256Hex(buffer: Buffer): string {
  return crypto.createHash('sha256').update(buffer).digest('hex');
}

/** Response headers for a download: attachment (never rendered inline), no sniffing, sandboxed, not cached. */
export function attachmentHeaders(file: { contentType: string; fileName: string; size?: number }): Record<string, string> {
  return {
    'Content-Type': file.contentType,
    ...(file.size === undefined ? {} : { 'Content-Length': String(file.size) }),
    'Content-Disposition': `attachment; filename="${file.fileName}"`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'no-store',
  };
}

/** Response headers for a PDF download. */
export function pdfHeaders(fileName: string, size: number): Record<string, string> {
  return attachmentHeaders({ contentType: 'application/pdf', fileName, size });
}
