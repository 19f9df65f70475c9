/** The console page in Debian's chromium (headless), opened and ready, as the browser tests use it. */
import { chromium, type Browser, type Dialog, type Page } from 'playwright-core';

export const openConsole = async (url: string, options: { pageErrors: string[]; onDialog?: (dialog: Dialog) => void }): Promise<{ browser: Browser; page: Page }> => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
  if (options.onDialog) page.on('dialog', options.onDialog);
  page.on('pageerror', (error) => options.pageErrors.push(error.message));
  await page.goto(`${url}/`);
  await page.locator('body[data-ready="true"]').waitFor();
  return { browser, page };
};
