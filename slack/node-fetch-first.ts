/**
 * Loaded before @slack/bolt (slack/bolt.ts). Bolt loads @slack/socket-mode, which loads the undici
 * package (v7), and undici installs its own Agent as the process-wide fetch dispatcher when none
 * is set yet. Node 20's built-in fetch (undici 6) would then send every request through that v7
 * Agent, which refuses some of what it builds: the Stripe SDK's requests fail with "invalid
 * content-length header" before leaving the process. Node sets up its own dispatcher on its first
 * fetch, so one of a data: URL (no network) keeps Node's, and undici leaves it in place.
 */
void fetch('data:,').catch(() => undefined);
