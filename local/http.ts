/** Small helpers for the local HTTP server: bounded body reading and JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface BodyRead {
  body: Buffer;
  /** True when the sender sent more than the limit; `body` then holds the first limit+1 bytes. */
  overLimit: boolean;
}

/** Reads at most `limit + 1` bytes, so an oversize body never sits in memory whole. */
export const readBody = (req: IncomingMessage, limit: number): Promise<BodyRead> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overLimit = false;
    req.on('data', (chunk: Buffer) => {
      if (overLimit) return;
      const room = limit + 1 - size;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      size += kept.length;
      if (size > limit) overLimit = true;
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), overLimit }));
    req.on('error', reject);
  });

export const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
};

/** Node lower-cases header names; repeated ones arrive as arrays, which API Gateway joins with commas. */
export const flatHeaders = (req: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
};
