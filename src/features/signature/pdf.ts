import type PDFDocument from 'pdfkit';
import signpdf, { Signer } from '@signpdf/signpdf';
import { DEFAULT_BYTE_RANGE_PLACEHOLDER, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { cadesDetachedSignature, cadesSignatureRoom, type SigningKey } from '../../lib/cades';

/**
 * The application rendered as a PDF (SPEC §3.5), in the employee's language: every answer of the review page (never
 * the PIN: the review only says whether one was chosen), the terms accepted with their version and SHA-256, the
 * supporting documents with their SHA-256, and a signature block — "to be signed" on the document shown before the
 * code is sent, the signing evidence on the final one.
 *
 * Deterministic: the same model gives the same bytes (fixed CreationDate, no random ID: pdfkit derives the file ID
 * from the info dictionary), so the hash of the document shown can be recomputed when the code is typed, and a
 * change of the answers in between is detected. Standard Helvetica (WinAnsi): accents, ’ and € are supported;
 * any other character is reduced to its base letter or "?" (see toWinAnsi).
 */
export interface PdfRow {
  label: string;
  value: string;
}

export interface PdfSection {
  title: string;
  rows: PdfRow[];
}

export interface PdfModel {
  /** All texts already translated into the document's language. */
  texts: {
    title: string;
    subtitle: string;
    productName: string;
    page: (n: number, total: number) => string;
  };
  /** Document language, for the PDF's /Lang. */
  language: string;
  /** Identification block at the top (reference, company, cardholder…). */
  header: PdfRow[];
  sections: PdfSection[];
  /** Terms and documents with their hashes. */
  evidence: PdfSection[];
  /** The signature block: "to be signed" or the signing evidence. */
  signature: PdfSection & { note?: string };
  /** The evidence page, on a page of its own at the end of a signed document (who, what, when, how). */
  evidencePage?: { title: string; sections: PdfSection[]; note?: string };
  /** The document's date (fixed: the last change of the answers for the document shown, the signing time once signed). */
  createdAt: Date;
  /** Searchable text for tests (pdfkit's default compression makes the content unreadable without inflating it). */
  compress?: boolean;
}

const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
const SPACES = /[\u2000-\u200a\u202f\u205f\u3000]/g;
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
const FALLBACK: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŀ: 'L',
  ŀ: 'l',
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '−': '-',
  '′': "'",
  '″': '"',
};

function isWinAnsi(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.includes(ch);
}

/** Text the standard PDF fonts can show: NFC, other spaces as spaces, unknown letters reduced to their base letter or "?". */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC').replace(SPACES, ' ').replace(ZERO_WIDTH, '').replace(/\r\n?/g, '\n').replace(/\t/g, ' ')) {
    if (isWinAnsi(ch)) out += ch;
    else if (FALLBACK[ch]) out += FALLBACK[ch];
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && [...base].every(isWinAnsi) ? base : '?';
    }
  }
  return out;
}

const MARGIN = 50;
const LABEL_WIDTH = 170;
const GAP = 12;

/**
 * The organisation's signature on the final document (PAdES baseline B-B): an invisible signature field on the last
 * page whose SubFilter is ETSI.CAdES.detached, and whose byte range covers the whole file but the signature itself.
 */
export interface PdfSeal {
  key: SigningKey;
  /** The claimed signing time (the signature dictionary's /M): when the employee signed. */
  signedAt: Date;
  /** Why the document is signed, in the document's language (/Reason). */
  reason: string;
}

/** What @signpdf/signpdf calls with the bytes the signature covers (the file without the placeholder). */
class CadesSigner extends Signer {
  constructor(private readonly key: SigningKey) {
    super();
  }

  override sign(content: Buffer): Promise<Buffer> {
    return Promise.resolve(cadesDetachedSignature(content, this.key));
  }
}

interface PdfObject {
  data: Record<string, unknown>;
  end(): void;
}

/** pdfkit's document catalog is private; the signature field has to be listed in its AcroForm (as @signpdf's pdfkit placeholder does). */
interface WithCatalog {
  _root: { data: { AcroForm: PdfObject } };
  ref(data: Record<string, unknown>): PdfObject;
}

/**
 * Adds the signature dictionary (its /ByteRange and /Contents to be filled by @signpdf/signpdf once the file is
 * written), an invisible signature widget on the current page, and the AcroForm that lists it.
 */
function addSignaturePlaceholder(doc: PDFKit.PDFDocument, seal: PdfSeal): void {
  const pdf = doc as unknown as WithCatalog;
  const placeholder = DEFAULT_BYTE_RANGE_PLACEHOLDER;
  const signature = pdf.ref({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: SUBFILTER_ETSI_CADES_DETACHED,
    // In this order: @signpdf finds /Contents after /ByteRange.
    ByteRange: [0, placeholder, placeholder, placeholder],
    Contents: Buffer.alloc(cadesSignatureRoom(seal.key)),
    Reason: new String(seal.reason),
    M: seal.signedAt,
  });
  const widget = pdf.ref({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: [0, 0, 0, 0],
    F: 132, // print, locked
    T: new String('Signature1'),
    V: signature,
    P: doc.page.dictionary,
  });
  (doc.page.annotations as unknown[]).push(widget);
  doc.initForm();
  const form = pdf._root.data.AcroForm;
  // pdfkit's form defaults (appearances to regenerate, default font) do not apply to a signature field.
  form.data = { SigFlags: 3, Fields: [widget], DR: form.data.DR };
  signature.end();
  widget.end();
}

/** The application as a PDF; with `seal`, signed with the organisation's certificate (the archived, final document). */
export async function renderApplicationPdf(model: PdfModel, seal?: PdfSeal): Promise<Buffer> {
  const pdf = await renderPdf(model, seal);
  return seal ? signpdf.sign(pdf, new CadesSigner(seal.key)) : pdf;
}

function renderPdf(model: PdfModel, seal: PdfSeal | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Loaded on first use (about 13 MB of memory, its fonts' metrics): only signing writes a PDF.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Pdf = require('pdfkit') as typeof PDFDocument;
    const doc = new Pdf({
      size: 'A4',
      // PAdES signatures (ETSI.CAdES.detached) are defined on ISO 32000-1 (PDF 1.7).
      pdfVersion: seal ? '1.7' : '1.3',
      margins: { top: MARGIN, bottom: MARGIN + 20, left: MARGIN, right: MARGIN },
      bufferPages: true,
      compress: model.compress ?? true,
      lang: model.language,
      displayTitle: true,
      info: {
        Title: toWinAnsi(model.texts.title),
        Subject: toWinAnsi(model.texts.subtitle),
        Creator: toWinAnsi(model.texts.productName),
        Producer: toWinAnsi(model.texts.productName),
        CreationDate: model.createdAt,
        ModDate: model.createdAt,
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const width = doc.page.width - MARGIN * 2;
    const valueX = MARGIN + LABEL_WIDTH + GAP;
    const valueWidth = width - LABEL_WIDTH - GAP;
    const bottom = () => doc.page.height - doc.page.margins.bottom;
    const ensure = (height: number) => {
      if (doc.y + height > bottom()) doc.addPage();
    };
    /** Hex digests and other long unbroken strings: monospace, small, so they fit on one line. */
    const isDigest = (v: string) => /^[0-9a-f]{64}$/.test(v);

    const heading = (text: string, size: number) => {
      doc.font('Helvetica-Bold').fontSize(size);
      const h = doc.heightOfString(toWinAnsi(text), { width });
      ensure(h + 30);
      doc.moveDown(0.6);
      doc.text(toWinAnsi(text), MARGIN, doc.y, { width });
      doc
        .moveTo(MARGIN, doc.y + 2)
        .lineTo(MARGIN + width, doc.y + 2)
        .lineWidth(0.5)
        .strokeColor('#8a96a3')
        .stroke();
      doc.moveDown(0.5);
    };

    const row = (r: PdfRow) => {
      const label = toWinAnsi(r.label);
      const value = toWinAnsi(r.value);
      doc.font('Helvetica-Bold').fontSize(9);
      const hl = doc.heightOfString(label, { width: LABEL_WIDTH });
      const mono = isDigest(value);
      doc.font(mono ? 'Courier' : 'Helvetica').fontSize(mono ? 7.5 : 9.5);
      const hv = doc.heightOfString(value, { width: valueWidth });
      const h = Math.max(hl, hv);
      ensure(h + 4);
      const y = doc.y;
      doc.font('Helvetica-Bold').fontSize(9).fillColor('#1b1f24').text(label, MARGIN, y, { width: LABEL_WIDTH });
      doc
        .font(mono ? 'Courier' : 'Helvetica')
        .fontSize(mono ? 7.5 : 9.5)
        .text(value, valueX, y + (mono ? 1 : 0), { width: valueWidth });
      doc.x = MARGIN;
      doc.y = y + h + 5;
    };

    const section = (s: PdfSection) => {
      heading(s.title, 12);
      for (const r of s.rows) row(r);
    };

    // Title block
    doc.font('Helvetica').fontSize(9).fillColor('#4a5460').text(toWinAnsi(model.texts.productName), MARGIN, MARGIN, { width });
    doc.font('Helvetica-Bold').fontSize(18).fillColor('#083a66').text(toWinAnsi(model.texts.title), { width });
    doc.font('Helvetica').fontSize(11).fillColor('#1b1f24').text(toWinAnsi(model.texts.subtitle), { width });
    doc.moveDown(0.8);
    for (const r of model.header) row(r);

    for (const s of model.sections) section(s);
    for (const s of model.evidence) section(s);
    section(model.signature);
    if (model.signature.note) {
      doc.font('Helvetica-Oblique').fontSize(9);
      const note = toWinAnsi(model.signature.note);
      ensure(doc.heightOfString(note, { width }) + 6);
      doc.moveDown(0.4);
      doc.text(note, MARGIN, doc.y, { width });
    }

    if (model.evidencePage) {
      doc.addPage();
      doc.font('Helvetica-Bold').fontSize(16).fillColor('#083a66').text(toWinAnsi(model.evidencePage.title), MARGIN, MARGIN, { width });
      doc.fillColor('#1b1f24');
      for (const s of model.evidencePage.sections) section(s);
      if (model.evidencePage.note) {
        doc.font('Helvetica-Oblique').fontSize(9);
        const note = toWinAnsi(model.evidencePage.note);
        ensure(doc.heightOfString(note, { width }) + 6);
        doc.moveDown(0.4);
        doc.text(note, MARGIN, doc.y, { width });
      }
    }

    // Footer on every page: "page n / total".
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const saved = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc
        .font('Helvetica')
        .fontSize(8)
        .fillColor('#4a5460')
        .text(toWinAnsi(model.texts.page(i - range.start + 1, range.count)), MARGIN, doc.page.height - MARGIN, { width, align: 'center', lineBreak: false });
      doc.page.margins.bottom = saved;
    }
    // On the last page (the evidence page of a signed document).
    if (seal) addSignaturePlaceholder(doc, seal);
    doc.end();
  });
}
