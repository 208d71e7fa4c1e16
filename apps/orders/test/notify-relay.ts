import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A notification as it passed through the relay. */
export interface RelayedNotification {
  headers: IncomingHttpHeaders;
  body: string;
  /** Statuses the orders service answered to each copy delivered. */
  statuses: number[];
}

/**
 * Stands between the WeChat Pay sandbox and the orders service's notify route (whose address is only known once it
 * listens): forwards each notification byte for byte, `copies` times at once (WeChat Pay's duplicates), records it and
 * answers the sandbox with what the orders service answered to the first copy.
 */
export class NotifyRelay {
  readonly received: RelayedNotification[] = [];
  /** Where notifications go: an orders replica, or the load balancer. */
  target = '';
  copies = 1;
  private readonly server: Server;
  url = '';

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const entry: RelayedNotification = { headers: request.headers, body, statuses: [] };
        this.received.push(entry);
        void this.forward(entry, request.url ?? '/').then(
          (status) => response.writeHead(status).end(),
          () => response.writeHead(502).end(),
        );
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sends a recorded notification again, exactly as it came (a replay). */
  async replay(entry: RelayedNotification, overrides: { body?: string; headers?: Record<string, string> } = {}): Promise<number> {
    return this.post({ ...entry, body: overrides.body ?? entry.body }, '/api/orders/payments/wechat/notify', overrides.headers);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async forward(entry: RelayedNotification, path: string): Promise<number> {
    const statuses = await Promise.all(Array.from({ length: this.copies }, () => this.post(entry, path)));
    entry.statuses.push(...statuses);
    return statuses[0];
  }

  private async post(entry: RelayedNotification, path: string, overrides: Record<string, string> = {}): Promise<number> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(entry.headers)) {
      if (typeof value === 'string' && (name.startsWith('wechatpay-') || name === 'content-type')) headers[name] = value;
    }
    const response = await fetch(`${this.target}${path}`, { method: 'POST', headers: { ...headers, ...overrides }, body: entry.body });
    await response.arrayBuffer();
    return response.status;
  }
}
