import { ClientProxyFactory, NatsOptions, ServerNats, Transport } from '@nestjs/microservices';
import { randomBytes } from 'node:crypto';
import { firstValueFrom, timeout } from 'rxjs';
import { TEST_NATS_URL } from '#libs/testing';
import { DrainingNatsServer } from './draining-nats-server';

const RUN = `drain${randomBytes(4).toString('hex')}`;

/** A listener of `subject` in the queue group of that name, whose handler answers with its name after `workMs`. */
async function listener(
  subject: string,
  name: string,
  workMs: number,
  make: (options: Required<NatsOptions>['options']) => ServerNats = (options) => new DrainingNatsServer(options),
): Promise<ServerNats> {
  const server = make({ servers: [TEST_NATS_URL], queue: subject, gracePeriod: 3000 });
  server.addHandler(subject, async (n: number) => {
    await new Promise((resolve) => setTimeout(resolve, workMs));
    return { n, by: name };
  });
  await new Promise<void>(
    (resolve, reject) => void server.listen((error?: unknown) => (error ? reject(error instanceof Error ? error : new Error('listen failed')) : resolve())),
  );
  return server;
}

describe('DrainingNatsServer: a replica that stops loses none of the messages NATS routed to it (real NATS)', () => {
  const client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [TEST_NATS_URL] } });
  const servers: ServerNats[] = [];
  /** Until NATS has the listeners' subscriptions: `listen` answers before the server has processed the SUB. */
  const subscribed = async (subject: string) => {
    for (const deadline = Date.now() + 5000; ;) {
      try {
        return await firstValueFrom(client.send(subject, -1).pipe(timeout(2500)));
      } catch (error) {
        if (!/no subscribers/i.test((error as Error).message) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  afterAll(async () => {
    await Promise.allSettled([client.close(), ...servers.map((server) => server.close())]);
  });

  it('answers every request sent while one of two replicas closes: the closing one finishes what it got, the other takes the rest', async () => {
    const subject = `${RUN}.pair`;
    const [closing, staying] = [await listener(subject, 'closing', 50), await listener(subject, 'staying', 5)];
    servers.push(closing, staying);
    await client.connect();
    await subscribed(subject);
    const ask = (n: number) => firstValueFrom(client.send<{ n: number; by: string }>(subject, n).pipe(timeout(2500)));
    const early = Array.from({ length: 40 }, (_, n) => ask(n));
    // The requests go out (nats.js writes on a microtask) and NATS routes about half of them to `closing`, which has not
    // read them yet when it closes: the event loop is held, so the messages wait in its socket behind its UNSUB.
    for (let turn = 0; turn < 20; turn++) await Promise.resolve();
    for (const until = Date.now() + 100; Date.now() < until;);
    const closed = closing.close();
    const late = Array.from({ length: 40 }, (_, n) => ask(100 + n));
    const replies = await Promise.all([...early, ...late]);
    await closed;
    expect(replies.map((reply) => reply.n)).toEqual([...Array.from({ length: 40 }, (_, n) => n), ...Array.from({ length: 40 }, (_, n) => 100 + n)]);
    // A request sent after the close has been answered is the other replica's.
    expect(await ask(1000)).toEqual({ n: 1000, by: 'staying' });
  });

  it('closes as soon as its handlers have answered, not after a fixed grace period', async () => {
    const server = await listener(`${RUN}.solo`, 'solo', 200);
    servers.push(server);
    await subscribed(`${RUN}.solo`);
    const reply = firstValueFrom(client.send<{ by: string }>(`${RUN}.solo`, 1).pipe(timeout(2500)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.close();
    // Under the 3 s grace period: it closed when the handler answered, with room for a busy machine.
    expect(Date.now() - started).toBeLessThan(2500);
    await expect(reply).resolves.toEqual({ n: 1, by: 'solo' });
  });
});
