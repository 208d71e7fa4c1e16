import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '#libs/config';

const root = findRepoRoot(__dirname);
const unit = (name: string) => readFileSync(join(root, 'deploy/vm/systemd', name), 'utf8');

describe('deploy/vm/systemd mp-backup.service and mp-backup.timer', () => {
  it('run the built backup tool once a day as the unprivileged user, writing only to the backup folder', () => {
    const service = unit('mp-backup.service');
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^User=miniprogram$/m);
    expect(service).toContain('ExecStart=/usr/bin/node /opt/miniprogram/current/dist/tools/backup/main.js');
    expect(existsSync(join(root, 'tools/backup/main.ts'))).toBe(true);
    expect(service).toMatch(/^EnvironmentFile=\/etc\/miniprogram\/backup\.env$/m);
    expect(service).toMatch(/^ReadWritePaths=\/var\/backups\/miniprogram$/m);
    const timer = unit('mp-backup.timer');
    expect(timer).toMatch(/^OnCalendar=\*-\*-\* \d\d:\d\d:00$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    expect(timer).toMatch(/^Unit=mp-backup\.service$/m);
  });

  it('pass systemd-analyze verify with nothing to say', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-units-'));
    try {
      for (const name of ['mp-backup.service', 'mp-backup.timer']) writeFileSync(join(dir, name), unit(name));
      const result = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, 'mp-backup.service'), join(dir, 'mp-backup.timer')], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
