import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The xlsx library (about 34 MB of resident memory once loaded), pdfkit (13 MB) and the SFTP client (6 MB) are loaded
 * only when a spreadsheet is read or written, a PDF signed, a file sent by SFTP: building the whole app loads none.
 */
describe('heavy libraries are loaded on first use (xlsx, pdfkit, ssh2-sftp-client)', () => {
  const root = path.resolve(__dirname, '../..');
  const loadedAfter = (code: string): string => {
    const script = `${code}; process.stdout.write(String(Object.keys(require.cache).some((f) => /node_modules[\\\\/]xlsx[\\\\/]/.test(f))));`;
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    if (run.status !== 0) throw new Error(run.stderr);
    return run.stdout.trim();
  };

  it('is not loaded by building the app', () => {
    expect(loadedAfter("require('./src/app')")).toBe('false');
  });

  it.each(['pdfkit', 'ssh2-sftp-client'])('%s is not loaded by building the app either', (name) => {
    const script = `require('./src/app'); process.stdout.write(String(Object.keys(require.cache).some((f) => f.includes('/node_modules/' + '${name}' + '/'))));`;
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout.trim()).toBe('false');
  });

  it('is loaded by the first spreadsheet written', () => {
    expect(loadedAfter("require('./src/lib/spreadsheet-export').toXlsxBuffer(['a'], [['b']], 'Sheet')")).toBe('true');
  });
});
