/** `rdhooks export [--out FILE]`: a manifest of what the account has now, for adopting an existing account. */
import type { Command } from '../run.js';
import { connectionOptions } from '../connection.js';
import { count } from '../../shared/wording.js';

const exportCommand: Command = {
  command: 'export',
  describe: 'Write a manifest of what the account has now',
  builder: (y) =>
    connectionOptions(y)
      .option('out', { type: 'string', describe: 'Write the manifest to FILE instead of stdout' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite --out FILE if it exists' }),
  async handler(argv, io) {
    const [{ existsSync }, { writeFile, rename }, { resolve }, { UserError }, { openApi }, { renderExport }, { VERSION }] =
      await Promise.all([
        import('node:fs'),
        import('node:fs/promises'),
        import('node:path'),
        import('../../shared/errors.js'),
        import('../connection.js'),
        import('../../adopt/export.js'),
        import('../../shared/version.js'),
      ]);
    const out = typeof argv.out === 'string' ? resolve(io.cwd, argv.out) : undefined;
    const refuse = (): never => {
      throw new UserError(`${String(argv.out)} already exists; export does not overwrite it.`, 'Pass --force to overwrite it, or choose another --out.');
    };
    // Checked before listing, so a refused export makes no API call.
    if (out && !argv.force && existsSync(out)) refuse();
    const connection = await openApi(argv, io);
    let text: string;
    let listed: number;
    try {
      const webhooks = await connection.api.list();
      listed = webhooks.length;
      text = renderExport(webhooks, { apiUrl: connection.apiUrl, date: new Date().toISOString().slice(0, 10), version: VERSION });
    } finally {
      await connection.close();
    }
    if (!out) {
      io.stdout.write(text);
      io.stderr.write(`Exported ${count(listed, 'webhook')}.\n`);
      return 0;
    }
    if (argv.force) {
      const tmp = `${out}.${process.pid}.tmp`;
      await writeFile(tmp, text, 'utf8');
      await rename(tmp, out);
    } else {
      try {
        await writeFile(out, text, { encoding: 'utf8', flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') refuse();
        throw err;
      }
    }
    io.stderr.write(`Exported ${count(listed, 'webhook')} to ${String(argv.out)}.\n`);
    return 0;
  },
};

export default exportCommand;
