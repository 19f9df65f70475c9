/**
 * What Bolt does not check: it rejects requests signed more than five minutes ago, but not ones
 * dated in the future, which a captured request replayed by a skewed or hostile sender can be.
 * Both receivers refuse a timestamp more than five minutes ahead, before Bolt reads the body.
 */
import type { IncomingMessage, RequestListener } from 'node:http';
import type { Clock } from '../functions/shared/ports';

export const MAX_CLOCK_SKEW_SECONDS = 300;

/** Why the request is refused, or undefined when its timestamp is acceptable (or absent: Bolt refuses that). */
export const futureTimestampProblem = (timestampHeader: string | undefined, clock: Clock): string | undefined => {
  if (timestampHeader === undefined) return undefined;
  const timestamp = Number(timestampHeader);
  if (!Number.isFinite(timestamp)) return 'X-Slack-Request-Timestamp is not a number';
  const ahead = timestamp - Math.floor(clock.now().getTime() / 1000);
  return ahead > MAX_CLOCK_SKEW_SECONDS ? `X-Slack-Request-Timestamp is ${ahead} s in the future` : undefined;
};

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Bolt's HTTP receiver behind the future-timestamp check. */
export const guardedListener =
  (listener: RequestListener, clock: Clock, onRefused: (reason: string) => void): RequestListener =>
  (req, res) => {
    const problem = futureTimestampProblem(header(req, 'x-slack-request-timestamp'), clock);
    if (problem === undefined) return listener(req, res);
    onRefused(problem);
    req.resume();
    res.writeHead(401, { 'content-type': 'text/plain' });
    res.end('request timestamp is too far in the future');
  };
