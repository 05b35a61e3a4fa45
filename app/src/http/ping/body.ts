import type http from 'node:http';

/** The request ended before its body did (the client went away); nothing is recorded. */
export class RequestAbortedError extends Error {
  override name = 'RequestAbortedError';
}

/**
 * Reads the whole request body and keeps its first `limit` bytes (all of it when `limit` is
 * null). The rest is read and dropped as it arrives, so an oversized body costs time, never
 * memory, and is truncated rather than refused.
 */
export function readCappedBody(req: http.IncomingMessage, limit: number | null): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (chunk: Buffer) => {
      const room = limit === null ? chunk.length : limit - kept;
      if (room <= 0) return;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(part);
      kept += part.length;
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, kept)));
    req.once('error', (error) => reject(new RequestAbortedError(error.message)));
    req.once('close', () => {
      if (!req.complete) reject(new RequestAbortedError('the client closed the connection before the body ended'));
    });
  });
}
