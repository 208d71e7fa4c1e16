import { BackupLog } from './create-backup';

/** JSON lines on stdout, like the migrate tool: `{"time":...,"event":"database dumped","service":"auth",...}`. */
export const jsonLineLog: BackupLog = (event, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
};
