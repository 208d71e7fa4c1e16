import { connect, Socket } from 'node:net';
import { OrdersHarness, startOrdersHarness } from './orders-test-harness';

/** Reads one HTTP response (headers and a Content-Length body) from `socket`, or resolves 'closed' / 'no answer'. */
function nextResponse(socket: Socket, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = (outcome: string) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? -1);
      if (end >= 0 && length >= 0 && text.length >= end + 4 + length) done(text.slice(0, end + 4 + length));
    };
    const onClose = () => done(text || 'closed');
    const timer = setTimeout(() => done('no answer'), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

describe('a body a hook gave up on does not stall the connection (real orders app)', () => {
  let h: OrdersHarness;
  beforeAll(async () => {
    h = await startOrdersHarness();
  }, 60000);
  afterAll(() => h?.close());

  it('answers the next request on the same keep-alive connection, or closes it, after a 1 MB payment notification', async () => {
    const { port } = new URL(h.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    const body = JSON.stringify({ resource: 'x'.repeat(1024 * 1024) });
    socket.write(
      `POST /api/orders/payments/wechat/notify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const first = await nextResponse(socket, 5000);
    expect(first).toMatch(/^HTTP\/1\.1 413 /);
    if (/connection: close/i.test(first)) {
      expect(await nextResponse(socket, 5000)).toBe('closed');
      return;
    }
    socket.write('GET /api/appointments/slots HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await nextResponse(socket, 5000)).toMatch(/^HTTP\/1\.1 400 /);
    socket.destroy();
  });

  it('reads the rest of a slowly sent 1 MB notification before answering 413, so the client gets the answer rather than a reset', async () => {
    const { port } = new URL(h.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    let sending = true;
    let closedWhileSending = false;
    socket.once('close', () => (closedWhileSending = sending));
    const total = 1024 * 1024;
    socket.write(`POST /api/orders/payments/wechat/notify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`);
    const answer = nextResponse(socket, 10000);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (let sent = 0; sent < total && !socket.destroyed; sent += chunk.length) {
      socket.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    sending = false;
    expect(await answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(closedWhileSending).toBe(false);
    socket.destroy();
  });
});
