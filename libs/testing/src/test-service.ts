import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, ServiceDefinition } from '#libs/bootstrap';

/** A service running in the test process on a free loopback port. */
export interface TestService {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** Starts the service exactly as main.ts does (same wiring), listening on 127.0.0.1 and a free port. */
export async function startTestService(definition: ServiceDefinition): Promise<TestService> {
  const { app } = await createServiceApp(definition);
  if (definition.answersMessages) await app.startAllMicroservices();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
