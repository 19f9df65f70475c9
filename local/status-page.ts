/**
 * The page at `/`: the console, a Slack-like view of the local workspace (local/console/), with
 * what runs and how to reach it in its Runtime panel, so the facts the old status page gave are
 * still one click away (and on /health).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Where the runtime's facts go in the page. */
const RUNTIME_SLOT = '{{RUNTIME}}';

export const renderStatusPage = (health: Record<string, unknown> | undefined): string =>
  // Read on each request, so an edit shows on reload without restarting the runtime.
  readFileSync(path.join(__dirname, 'console', 'console.html'), 'utf8').replace(RUNTIME_SLOT, () => escapeHtml(JSON.stringify(health ?? { status: 'starting' }, null, 2)));
