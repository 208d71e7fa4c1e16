import type { IncomingMessage } from 'node:http';

/** The largest refused body that is read and thrown away before answering, and the longest wait for it. */
const DRAIN_LIMIT = { bytes: 4 * 1024 * 1024, ms: 3000 };

/**
 * Calls `answer` once the rest of `request`'s body has arrived (read and discarded), or at once when there is none
 * or it is too large to be worth reading. `answer` learns whether the body was read to its end: when it was not, the
 * connection must close after the answer, or the unread bytes (or a stream a hook gave up on) would stall the next
 * request on it (HAProxy reuses connections to the apps).
 * Answering an error while the client is still sending (a body over the limit, an upload refused before it was
 * read) makes Node close the socket with bytes unread, the kernel then resets the connection, and the client sees
 * a network error instead of the 413 or 401 (nginx's `lingering_close` exists for the same reason).
 */
export function afterUnreadBody(request: IncomingMessage, answer: (bodyRead: boolean) => void): void {
  // A body of unannounced or huge length is not worth reading: for those the answer goes at once.
  const announced = Number(request.headers['content-length']);
  if (request.complete || request.destroyed || request.readableEnded || !(announced <= DRAIN_LIMIT.bytes)) {
    answer(request.complete && !request.destroyed);
    return;
  }
  let received = 0;
  let answered = false;
  const finish = () => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    request.off('data', onData);
    answer(request.complete && !request.destroyed);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > DRAIN_LIMIT.bytes) finish();
  };
  const timer = setTimeout(finish, DRAIN_LIMIT.ms);
  request.on('data', onData);
  request.once('end', finish);
  request.once('close', finish);
  request.once('error', finish);
  request.resume();
}
