import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { ServiceEnv } from '#libs/config';

/** What a service's main.ts tells the bootstrap: its name, root module, validated config and whether it answers bus messages. */
export interface ServiceDefinition {
  name: string;
  module: DynamicModule;
  config: ServiceEnv;
  answersMessages: boolean;
  /** The public path prefixes it serves (`/api/auth`), as the load balancer routes them; used when several services share one process. */
  routes?: readonly string[];
  /** Optional: app-specific Fastify set-up (hooks, parsers), run once the shared hooks are installed and before routes are registered. */
  configureFastify?: (fastify: FastifyInstance) => void;
  /** Optional: app-specific routes outside Nest's controllers (the API document), added once the app is built. */
  configureApp?: (app: NestFastifyApplication) => void;
}
