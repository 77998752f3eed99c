/**
 * Reading the rest of a refused body before answering, so that the client can read the answer.
 *
 * A body over the limit is refused (413) as soon as the limit is passed, or at once when its
 * Content-Length says so, and the connection is then closed. Closing a socket whose peer is still
 * writing makes the kernel answer with a reset, which throws away the 413 before a client that
 * writes its whole body before reading gets to read it (raw TLS clients saw EPIPE: issue 11,
 * finding 18). So the rest of the body is read and discarded first, within bounds, since an
 * unbounded drain would let anyone keep the server reading forever: at most DRAIN_MAX_BYTES more,
 * for at most DRAIN_TIMEOUT_MS. Past either bound the 413 goes out anyway and that client may
 * still see a reset.
 */
import type { IncomingMessage } from 'node:http';

export const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
export const DRAIN_TIMEOUT_MS = 3_000;

/** Resolves once the request body has been read to its end, or a bound was reached. */
export function drainRequestBody(request: IncomingMessage): Promise<void> {
  if (request.readableEnded || request.destroyed) return Promise.resolve();
  const declared = Number(request.headers['content-length']);
  // A declared length far past the bound would only be half drained: no point waiting for it.
  if (Number.isFinite(declared) && declared > DRAIN_MAX_BYTES) return Promise.resolve();
  return new Promise((resolve) => {
    let drained = 0;
    const finish = () => {
      clearTimeout(timer);
      request.removeListener('data', onData);
      request.removeListener('end', finish);
      request.removeListener('error', finish);
      request.removeListener('close', finish);
      request.pause();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > DRAIN_MAX_BYTES) finish();
    };
    const timer = setTimeout(finish, DRAIN_TIMEOUT_MS);
    timer.unref();
    request.on('data', onData);
    request.once('end', finish);
    request.once('error', finish);
    request.once('close', finish);
    request.resume();
  });
}
