import fs from 'node:fs';
import path from 'node:path';
import { createEmailRenderer, EmailTemplateNotFoundError, extractLinks } from '../../src/core/outbox/render';
import { EMAIL_TEMPLATES } from '../../src/core/outbox/enqueue';
import { VIEWS_DIR } from '../../src/platform/root';

const renderer = createEmailRenderer({ baseUrl: 'https://sesame.example.com/' });
const person = { firstName: 'Zoé', lastName: 'Martin', title: 'ms' };

describe('e-mail rendering', () => {
  it.each([
    ['fr', 'Votre demande de carte Corporate : lien et numéro de référence', 'Votre numéro de référence : 1234567897', 'Bonjour Zoé Martin,'],
    ['en', 'Your corporate card application: link and reference number', 'Your reference number: 1234567897', 'Hello Zoé Martin,'],
  ] as const)('renders the invitation link in %s with the absolute link and the reference', (lang, subject, referenceLine, greeting) => {
    const mail = renderer.render('invitation-link', lang, { reference: '1234567897', ...person });
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(referenceLine);
    expect(mail.text).toContain(greeting);
    expect(mail.text).toContain('https://sesame.example.com/access?ref=1234567897');
    expect(mail.html).toContain('href="https://sesame.example.com/access?ref=1234567897"');
    expect(mail.html).toContain(`<html lang="${lang}">`);
    expect(mail.text).toContain('Sésame');
  });

  it.each(['fr', 'en'] as const)('renders the access key in %s with the entry link and never a reference', (lang) => {
    const mail = renderer.render('invitation-key', lang, { accessKey: 'AB12CD34', ...person });
    expect(mail.text).toContain('AB12CD34');
    expect(mail.html).toContain('AB12CD34');
    expect(extractLinks(mail.text)).toEqual(['https://sesame.example.com/access']);
    expect(mail.text).not.toContain('ref=');
  });

  it.each(['fr', 'en'] as const)('renders the signing code in %s, never in the subject', (lang) => {
    const mail = renderer.render('signing-code', lang, { code: '482913' });
    expect(mail.text).toContain('482913');
    expect(mail.html).toContain('482913');
    expect(mail.subject).not.toContain('482913');
  });

  it('shares compiled templates between renderers, each still writing its own links', () => {
    const other = createEmailRenderer({ baseUrl: 'https://autre.example.org' });
    const mine = renderer.render('invitation-link', 'fr', { reference: '1234567897', ...person });
    const theirs = other.render('invitation-link', 'fr', { reference: '1234567897', ...person });
    expect(mine.html).toContain('href="https://sesame.example.com/access?ref=1234567897"');
    expect(theirs.html).toContain('href="https://autre.example.org/access?ref=1234567897"');
    expect(theirs.html).not.toContain('sesame.example.com');
    expect(theirs.text.replaceAll('autre.example.org', 'sesame.example.com')).toBe(mine.text);
  });

  it('escapes the data in the HTML body but keeps the subject and text as typed', () => {
    const mail = renderer.render('invitation-link', 'fr', {
      reference: '1234567897',
      firstName: '<script>alert(1)</script>',
      lastName: 'O’Brien & "Co"',
      title: '',
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('O’Brien &amp; &quot;Co&quot;');
    expect(mail.text).toContain('Bonjour <script>alert(1)</script> O’Brien & "Co",');
  });

  it('greets without a name when none is known', () => {
    const mail = renderer.render('invitation-key', 'en', { accessKey: 'AB12CD34', firstName: '', lastName: '', title: '' });
    expect(mail.text.startsWith('Hello,\n')).toBe(true);
  });

  it('fails on a missing variable instead of sending a blank', () => {
    expect(() => renderer.render('invitation-link', 'fr', { firstName: 'A', lastName: 'B', title: '' })).toThrow(/undefined|null/);
  });

  it('never lets the data replace the links or the translation function', () => {
    const mail = renderer.render('invitation-key', 'fr', {
      accessKey: 'AB12CD34',
      ...person,
      links: { entry: 'https://evil.example' },
      baseUrl: 'https://evil.example',
    });
    expect(mail.text).not.toContain('evil');
  });

  it('refuses unknown templates and names that could leave the folder', () => {
    expect(() => renderer.render('no-such-mail', 'fr', {})).toThrow(EmailTemplateNotFoundError);
    expect(() => renderer.render('../layout', 'fr', {})).toThrow(EmailTemplateNotFoundError);
    expect(renderer.hasTemplate('invitation-link', 'en')).toBe(true);
  });

  it('pre-fills the reference in the entry link whenever an e-mail carries one, and only then', () => {
    expect(renderer.linksFor('reminder', { reference: '1234567897' }).entry).toBe('https://sesame.example.com/access?ref=1234567897');
    expect(renderer.linksFor('invitation-key', { accessKey: 'AB12CD34' }).entry).toBe('https://sesame.example.com/access');
  });

  it('has every e-mail folder in both languages, each a known template', () => {
    const dir = path.join(VIEWS_DIR, 'emails');
    const folders = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders).toEqual(expect.arrayContaining(['invitation-link', 'invitation-key', 'signing-code']));
    for (const folder of folders) {
      expect(EMAIL_TEMPLATES).toContain(folder);
      expect(
        fs
          .readdirSync(path.join(dir, folder))
          .filter((f) => f.endsWith('.njk'))
          .sort(),
      ).toEqual(['en.njk', 'fr.njk']);
    }
  });

  it('extracts absolute links from a text body', () => {
    expect(extractLinks('Go to https://a.example/x?ref=1. Or (http://b.example/y) https://a.example/x?ref=1')).toEqual([
      'https://a.example/x?ref=1',
      'http://b.example/y',
    ]);
  });
});
