/**
 * The console's live updates: every change of the local Slack's state, told to each open page as
 * a Server-Sent Event. A notice says only what changed and where (the kind, the conversation, the
 * person); the page asks for the state again when it concerns what it shows, so a notice never
 * has to carry (or leak) a message meant for someone else.
 */
import type { ServerResponse } from 'node:http';
import type { SlackChange } from '../slack/slack-state';

export interface ChangeNotice {
  kind: SlackChange['kind'];
  /** The conversation whose messages changed. */
  channel?: string;
  /** The person whose ephemeral messages, Home tab or modals changed. */
  user?: string;
}

export const noticeOf = (change: SlackChange): ChangeNotice => {
  switch (change.kind) {
    case 'conversation-opened':
      return { kind: change.kind, channel: change.conversation.id, ...(change.conversation.imUser === undefined ? {} : { user: change.conversation.imUser }) };
    case 'message-posted':
    case 'message-updated':
    case 'message-deleted':
      return { kind: change.kind, channel: change.channel };
    case 'ephemeral-posted':
    case 'ephemeral-replaced':
    case 'ephemeral-deleted':
      return { kind: change.kind, channel: change.channel, user: change.user };
    case 'home-published':
    case 'modal-changed':
      return { kind: change.kind, user: change.user };
  }
};

/** Proxies and browsers drop a stream that stays silent too long; a comment line keeps it open. */
const KEEP_ALIVE_MS = 15_000;
/** How soon a browser reconnects when the stream drops (the server restarted, a laptop woke up). */
const RECONNECT_MS = 1_000;

export class ChangeStreams {
  private readonly open = new Set<ServerResponse>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor() {
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  /** Turns the response into an event stream that lasts until the page goes away or `close()`. */
  add(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`retry: ${RECONNECT_MS}\n\n`);
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
  }

  tell(notice: ChangeNotice): void {
    this.write(`event: change\ndata: ${JSON.stringify(notice)}\n\n`);
  }

  /** Ends every stream: an open one would keep the HTTP server from closing. */
  close(): void {
    clearInterval(this.keepAlive);
    for (const res of this.open) res.end();
    this.open.clear();
  }

  private write(chunk: string): void {
    for (const res of this.open) res.write(chunk);
  }
}
