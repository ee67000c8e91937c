import fs from 'node:fs';
import type { Locator } from 'playwright-core';
import { BasePage } from './base';
import { escapeRegExp } from './admin';

export interface AccessKeyFormInput {
  name?: string;
  /** Visible label of the plastic-type radio, e.g. 'Carte Corporate Platinum'. */
  plasticLabel?: string;
  notificationRecipients?: string;
}

/** The access keys tab: list, create form (BC options table + form), key page, exports. Labels in the page language. */
export class AccessKeyPages extends BasePage {
  async openList(): Promise<void> {
    await this.page.goto('/admin/access-keys');
  }

  /** The list's "create" button (fr: 'Créer une nouvelle clé d’accès'). */
  async startCreate(linkName: string | RegExp): Promise<void> {
    await Promise.all([this.page.waitForURL('**/admin/access-keys/new'), this.page.getByRole('link', { name: linkName }).first().click()]);
  }

  /** In the BC options table of the create page, follows the link that creates the key of that BC. */
  async chooseAccount(accountNumber: string): Promise<void> {
    await Promise.all([
      this.page.waitForURL(/\/admin\/access-keys\/new\?accountId=\d+/),
      this.page.getByRole('link', { name: new RegExp(`${escapeRegExp(accountNumber)}$`) }).click(),
    ]);
  }

  /** The create page's first step without JavaScript: picks the BC in the select and shows its form (GET ?accountId=…). */
  async chooseAccountInSelect(accountNumber: string, buttonName: string | RegExp): Promise<void> {
    const value = await this.page.locator('select#accountId option', { hasText: accountNumber }).getAttribute('value');
    await this.page.locator('select#accountId').selectOption(value ?? '');
    await Promise.all([this.page.waitForURL(/\/admin\/access-keys\/new\?accountId=\d+/), this.page.getByRole('button', { name: buttonName }).click()]);
  }

  /** Values of the plastic-type radios the form offers. */
  async offeredPlasticTypes(): Promise<string[]> {
    return this.page.locator('input[name="plasticType"]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value') ?? ''));
  }

  get nameInput(): Locator {
    return this.page.locator('#name');
  }

  async fill(input: AccessKeyFormInput): Promise<void> {
    if (input.name !== undefined) await this.nameInput.fill(input.name);
    if (input.plasticLabel) await this.page.getByRole('radio', { name: input.plasticLabel, exact: true }).check();
    if (input.notificationRecipients !== undefined) await this.page.locator('#notificationRecipients').fill(input.notificationRecipients);
  }

  /** The list's table row whose text contains `text` (a key name or number). */
  row(text: string): Locator {
    return this.page.locator('table.access-keys-table tbody tr', { hasText: text });
  }

  /** The key number shown on a key's page. */
  async shownKeyNumber(): Promise<string> {
    return ((await this.page.locator('.key-number--large').textContent()) ?? '').trim();
  }

  /** Clicks an export link and returns the downloaded file's name and content (utf8). */
  async download(linkName: string | RegExp): Promise<{ fileName: string; content: string }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByRole('link', { name: linkName }).click()]);
    const file = await download.path();
    return { fileName: download.suggestedFilename(), content: fs.readFileSync(file, 'utf8') };
  }
}
