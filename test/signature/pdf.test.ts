import { renderApplicationPdf, toWinAnsi, type PdfModel } from '../../src/features/signature/pdf';
import { sha256Hex } from '../../src/lib/download';
import { sealEmailData, openEmailData } from '../../src/core/outbox/sealed';
import { createKeyring } from '../../src/lib/field-crypto';
import { createEmailRenderer } from '../../src/core/outbox/render';
import crypto from 'node:crypto';
import { pdfText } from './support';

function model(overrides: Partial<PdfModel> = {}): PdfModel {
  return {
    texts: { title: 'Demande de carte Corporate', subtitle: 'Document à signer', productName: 'Sésame', page: (n, total) => `Page ${n} sur ${total}` },
    language: 'fr-FR',
    header: [{ label: 'Numéro de référence', value: '1234567897' }],
    sections: [{ title: 'Titulaire', rows: [{ label: 'Accents', value: 'é è à ç ’ € « Œuvre » — Łukasz Dvořák' }] }],
    evidence: [{ title: 'Justificatifs', rows: [{ label: 'SHA-256', value: 'ab'.repeat(32) }] }],
    signature: { title: 'Signature électronique', rows: [{ label: 'Statut', value: 'À signer' }], note: 'Note.' },
    createdAt: new Date('2026-11-24T09:00:00Z'),
    compress: false,
    ...overrides,
  };
}

describe('application PDF', () => {
  it('keeps French accents, the typographic apostrophe and the euro sign (WinAnsi)', async () => {
    const text = pdfText(await renderApplicationPdf(model()));
    expect(text).toContain('é è à ç ’ € « Œuvre » — Lukasz Dvorák');
    expect(text).toContain('ab'.repeat(32));
    expect(text).toContain('Page 1 sur 1');
  });

  it('is readable when compressed too (content streams inflated)', async () => {
    const text = pdfText(await renderApplicationPdf(model({ compress: true })));
    expect(text).toContain('é è à ç ’ €');
  });

  it('is deterministic: the same model gives the same bytes, any change another hash', async () => {
    const a = await renderApplicationPdf(model());
    const b = await renderApplicationPdf(model());
    expect(sha256Hex(a)).toBe(sha256Hex(b));
    const c = await renderApplicationPdf(model({ header: [{ label: 'Numéro de référence', value: '1234567898' }] }));
    expect(sha256Hex(c)).not.toBe(sha256Hex(a));
  });

  it('spreads long content over several pages with numbered footers', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({ label: `Champ ${i}`, value: `Valeur ${i}` }));
    const text = pdfText(await renderApplicationPdf(model({ sections: [{ title: 'Long', rows }] })));
    expect(text).toMatch(/Page 3 sur \d/);
    expect(text).toContain('Valeur 119');
  });

  it.each([
    ['Zoë d’Arc', 'Zoë d’Arc'],
    ['Łódź', 'Lódz'],
    ['Ærø\u202f10', 'Ærø 10'],
    ['名前', '??'],
  ])('toWinAnsi(%s) = %s', (input, expected) => {
    expect(toWinAnsi(input)).toBe(expected);
  });
});

describe('sealed outbox data', () => {
  const keyring = createKeyring(crypto.randomBytes(32));
  it('round-trips for its own row and fails for another row', () => {
    const sealed = sealEmailData(keyring, 'signing-code:1:1', { code: '123456', other: 'x' }, ['code']);
    expect(JSON.stringify(sealed)).not.toContain('123456');
    expect(openEmailData(keyring, 'signing-code:1:1', sealed)).toEqual({ code: '123456', other: 'x' });
    expect(() => openEmailData(keyring, 'signing-code:1:2', sealed)).toThrow();
    expect(() => openEmailData(undefined, 'signing-code:1:1', sealed)).toThrow();
  });
});

describe('e-mail 7 (urgent-alert)', () => {
  const renderer = createEmailRenderer({ baseUrl: 'https://sesame.example.com' });
  const data = {
    reference: '1234567897',
    employeeName: 'Élodie Dupré',
    companyName: 'Acme & Fils',
    accountNumber: '00820400012',
    keyName: 'Finance',
    signedOn: '24 novembre 2026 à 10:00',
    awaitingAdditionalApproval: true,
  };
  it.each([
    ['fr', 'Demande de carte urgente à approuver – référence 1234567897', 'approbateur supplémentaire'],
    ['en', 'Urgent card application to approve – reference 1234567897', 'additional approver'],
  ] as const)('renders in %s with the approval queue link', (lang, subject, approverText) => {
    const mail = renderer.render('urgent-alert', lang, data);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain('https://sesame.example.com/admin/approvals');
    expect(mail.text).toContain('Élodie Dupré');
    expect(mail.text).toContain(approverText);
    expect(mail.html).toContain('Acme &amp; Fils');
  });
  it('says nothing about the additional approver when there is none to wait for', () => {
    expect(renderer.render('urgent-alert', 'en', { ...data, awaitingAdditionalApproval: false }).text).not.toContain('additional approver');
  });
});
