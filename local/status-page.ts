/** The page at `/` while the Slack console is not there yet: what runs, and how to talk to it. */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const renderStatusPage = (health: Record<string, unknown> | undefined): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Concord (local)</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:60rem;color:#1d1c1d}pre{background:#f4f4f4;padding:1rem;overflow:auto}code{background:#f4f4f4;padding:0 .2rem}</style>
</head><body>
<h1>Concord is running locally</h1>
<p>Webhooks are accepted at <code>POST /webhooks/&lt;system&gt;</code> for salesforce, hubspot, stripe, zendesk, netsuite and generic.
Unified ids are written back into fakes of each system: <a href="/sandbox">/sandbox</a> lists them, <code>/sandbox/&lt;system&gt;</code> shows every request one was asked and the records it holds.
Health: <a href="/health">/health</a>. Inspect data with <code>npm run concord -- quarantine list</code> and <code>npm run concord -- records</code>.</p>
<h2>Runtime</h2>
<pre>${escapeHtml(JSON.stringify(health ?? { status: 'starting' }, null, 2))}</pre>
</body></html>`;
