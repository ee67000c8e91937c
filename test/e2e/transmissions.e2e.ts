import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';
import { TransmissionsPage } from './pages/transmissions';

describe('transmissions to the issuer in the browser', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  it('a platform administrator opens Transmissions, clicks "Transmit now" and sees the transmission with its files', async () => {
    const admin = new AdminPages(e2e.page);
    const transmissions = new TransmissionsPage(e2e.page);
    await admin.signIn('Paula Plateforme', 'en');
    await transmissions.open('en');
    await admin.expectHeading('Transmissions to the issuer');
    expect(await e2e.page.getByText('No transmission yet.').count()).toBe(1);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'transmissions, none yet' });

    await transmissions.transmitNow('en');
    await admin.expectHeading('Transmissions to the issuer');
    expect(await e2e.page.locator('[role="status"]').first().textContent()).toContain('Transmission 1 sent: 3 applications.');
    const row = transmissions.row(1);
    expect(await row.textContent()).toContain('Paula Plateforme');
    expect(await row.textContent()).toContain('Delivered on');
    const files = await transmissions.files(1);
    expect(files.map((f) => f.text.split(' ')[0])).toEqual(['applications.csv', 'applications.jsonl', 'pins.jsonl', 'manifest.json']);
    expect(files[2]!.text).toContain('erased once delivered');
    // The SHA-256 shown are those of the files delivered to the issuer's folder.
    const folder = path.join(e2e.deps.config.transmission.dir, 'SESAME-000001');
    for (const f of files) {
      const name = f.text.split(' ')[0] as string;
      expect(f.sha256).toBe(
        crypto
          .createHash('sha256')
          .update(fs.readFileSync(path.join(folder, name)))
          .digest('hex'),
      );
    }
    await expectNoSeriousA11yViolations(e2e.page, { label: 'transmissions, after Transmit now' });

    // A file again, as a download.
    const [download] = await Promise.all([e2e.page.waitForEvent('download'), row.getByRole('link', { name: 'applications.csv' }).click()]);
    expect(download.suggestedFilename()).toBe('SESAME-000001-applications.csv');
    expect(fs.readFileSync((await download.path()) as string).equals(fs.readFileSync(path.join(folder, 'applications.csv')))).toBe(true);
    expectNoConsoleErrors(e2e);
  });
});
