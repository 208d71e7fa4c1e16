import type { DynamicModule } from '@nestjs/common';
import type { ServiceEnv } from '#libs/config';

/** What a service's main.ts tells the bootstrap: its name, root module, validated config and whether it answers bus messages. */
export interface ServiceDefinition {
  name: string;
  module: DynamicModule;
  config: ServiceEnv;
  answersMessages: boolean;
}
