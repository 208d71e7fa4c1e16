import { resolve } from 'node:path';
import { LocalRunner, SshRunner } from './host-runner';
import { readInventory } from './inventory';
import { VmDeployer } from './vm-deployer';

const USAGE = `usage: deploy/vm/rolling-deploy.sh <command> [--inventory FILE] [--local]

  render-haproxy <balancer>   print that balancer's HAProxy config for the inventory's hosts
  push-haproxy                install the rendered config on every balancer (haproxy -c, then reload)
  rolling-restart [--host NAME]... [--before-restart CMD]
                              host by host: drain in every balancer, wait for in-flight requests,
                              (run CMD on the host,) systemctl restart its units, wait for
                              /health/ready, back in rotation
  add-host NAME               scale out: start NAME's units, wait ready, route to them (config + reload)
  remove-host NAME            scale in: drain NAME, drop it from the config (reload), stop its units

  --inventory FILE   hosts and roles (default deploy/vm/inventory.yml)
  --local            run the hosts' commands on this machine instead of over SSH (tests, one-box trials)`;

function take(args: string[], flag: string): string[] {
  const values: string[] = [];
  for (let i = args.indexOf(flag); i >= 0; i = args.indexOf(flag)) {
    if (args[i + 1] === undefined) throw new Error(`${flag} needs a value\n\n${USAGE}`);
    values.push(args[i + 1]);
    args.splice(i, 2);
  }
  return values;
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const local = args.includes('--local');
  if (local) args.splice(args.indexOf('--local'), 1);
  const inventoryFile = resolve(take(args, '--inventory').pop() ?? 'deploy/vm/inventory.yml');
  const hosts = take(args, '--host');
  const beforeRestart = take(args, '--before-restart').pop();
  const [command, name, ...rest] = args;
  if (!command || command === '--help' || rest.length) throw new Error(USAGE);

  const inventory = readInventory(inventoryFile);
  const deployer = new VmDeployer(inventory, local ? new LocalRunner() : new SshRunner(inventory.ssh));
  const needName = (what: string) =>
    name ??
    (() => {
      throw new Error(`${command} needs ${what}\n\n${USAGE}`);
    })();
  switch (command) {
    case 'render-haproxy':
      process.stdout.write(deployer.renderBalancerConfig(needName('a balancer name')));
      return;
    case 'push-haproxy':
      return deployer.pushConfig();
    case 'rolling-restart':
      return deployer.rollingRestart({ hosts, beforeRestart });
    case 'add-host':
      return deployer.addHost(needName('a host name'));
    case 'remove-host':
      return deployer.removeHost(needName('a host name'));
    default:
      throw new Error(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`rolling-deploy: ${(error as Error).message}\n`);
  process.exit(1);
});
