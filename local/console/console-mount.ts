/**
 * The console on the runtime's one server: the page's own files under `/console/assets/` and its
 * API under `/console/api/` (console-api.ts). The page itself is the answer to `GET /`
 * (../status-page.ts). No build step: the files are served as they are in the repository.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { SlackEmulator } from '../slack/slack-emulator';
import { createConsoleApi } from './console-api';
import type { SampleDeals } from './sample-deals';

export const CONSOLE_ASSETS_PATH = '/console/assets/';

/** The files the page loads, and nothing else: a name is looked up here, never joined to a path as given. */
const ASSETS: Readonly<Record<string, string>> = {
  'console.js': 'text/javascript; charset=utf-8',
  'block-kit.js': 'text/javascript; charset=utf-8',
  'mrkdwn.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

export interface ConsoleMountDeps {
  /** The local Slack whose channels the page shows. */
  emulator: SlackEmulator;
  /** What "Try a handoff" sends. */
  sampleDeals: SampleDeals;
}

export interface ConsoleMount {
  /** Serves the console's assets and API; resolves false, untouched, for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Ends the page's open event streams, which would otherwise keep the server from closing, and the sample deals' waits. */
  close(): void;
}

const serveAsset = async (req: IncomingMessage, res: ServerResponse, name: string): Promise<void> => {
  const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (type === undefined || req.method !== 'GET') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    return void res.end(`no console asset ${name}`);
  }
  // Read on each request, so an edit shows on reload without restarting the runtime.
  const body = await readFile(path.join(__dirname, 'assets', name));
  res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  res.end(body);
};

export const createConsoleMount = ({ emulator, sampleDeals }: ConsoleMountDeps): ConsoleMount => {
  const api = createConsoleApi(emulator, sampleDeals);
  return {
    async handle(req, res) {
      const pathname = new URL(req.url ?? '/', 'http://local').pathname;
      if (!pathname.startsWith(CONSOLE_ASSETS_PATH)) return api.handle(req, res);
      await serveAsset(req, res, pathname.slice(CONSOLE_ASSETS_PATH.length));
      return true;
    },
    close() {
      api.close();
      sampleDeals.close();
    },
  };
};
