import zlib from 'node:zlib';

/** Windows-1252 0x80–0x9F (Node's TextDecoder may treat windows-1252 as Latin-1 without full ICU). */
const CP1252_HIGH = [...'€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'];

/**
 * The text a PDF shows, without any system tool: content streams inflated with zlib when compressed, then the
 * strings of the text operators (hex or literal) decoded as WinAnsi (Windows-1252). Lines joined with newlines.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const streams: string[] = [];
  const re = /stream\r?\n([\s\S]*?)\r?\nendstream/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const body = Buffer.from(m[1] as string, 'latin1');
    try {
      streams.push(zlib.inflateSync(body).toString('latin1'));
    } catch {
      streams.push(body.toString('latin1'));
    }
  }
  const lines: string[] = [];
  for (const s of streams) {
    const ops = s.match(/\[(?:[^\]]*)\]\s*TJ|<[0-9a-fA-F]*>\s*Tj|\((?:\\.|[^\\)])*\)\s*Tj/g) ?? [];
    for (const op of ops) {
      const parts = op.match(/<[0-9a-fA-F]*>|\((?:\\.|[^\\)])*\)/g) ?? [];
      const bytes: number[] = [];
      for (const p of parts) {
        if (p.startsWith('<')) {
          const hex = p.slice(1, -1);
          for (let i = 0; i < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
        } else {
          for (const ch of p.slice(1, -1).replace(/\\(.)/g, '$1')) bytes.push(ch.charCodeAt(0));
        }
      }
      lines.push(bytes.map((b) => (b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] ?? '?') : String.fromCharCode(b))).join(''));
    }
  }
  return lines.join('\n');
}
