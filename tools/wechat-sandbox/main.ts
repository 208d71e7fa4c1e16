import { readSandboxConfig } from './sandbox-config';
import { createWechatSandbox } from './wechat-sandbox.server';

async function main(): Promise<void> {
  const config = readSandboxConfig(process.env);
  const sandbox = createWechatSandbox(config);
  await sandbox.listen(config.port, config.host);
  log({
    level: 'info',
    msg: 'wechat sandbox listening',
    url: sandbox.url,
    appId: config.appId,
    ...(config.pay && { mchId: config.pay.mchId, platformPublicKey: `${sandbox.url}/sandbox/platform-public-key` }),
  });

  const stop = (signal: NodeJS.Signals) => {
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log({ level: 'error', msg: `wechat sandbox failed to stop on ${signal}`, error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function log(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  log({ level: 'error', msg: 'wechat sandbox failed to start', error: message });
  process.exit(1);
});
