/** `rdhooks pin [MANIFEST] [--check]`: writes the uuids of matched webhooks into the manifest, keeping its layout. */
import type { RemoteWebhook } from '../../shared/webhook.js';
import type { Command } from '../run.js';
import { connectionOptions } from '../connection.js';
import { count } from '../../shared/wording.js';

const pinCommand: Command = {
  command: 'pin [manifest]',
  describe: 'Write the uuids of matched webhooks into the manifest, keeping comments and layout',
  builder: (y) =>
    connectionOptions(y)
      .positional('manifest', { type: 'string', default: 'webhooks.yaml', describe: 'The manifest to pin' })
      .option('check', { type: 'boolean', default: false, describe: 'Write nothing; exit 1 when some entry would get a uuid (and print which)' }),
  async handler(argv, io) {
    const [{ UserError }, { openApi }, { listAccount, loadValidManifest }, { pinManifest }, { renderPlanErrors }, { printable }, { escapeControl }] =
      await Promise.all([
        import('../../shared/errors.js'),
        import('../connection.js'),
        import('../planning.js'),
        import('../../adopt/pin.js'),
        import('../../render/errors.js'),
        import('../../render/redactor.js'),
        import('../../shared/text.js'),
      ]);
    const file = String(argv.manifest);
    const name = escapeControl(file);
    const check = argv.check === true;

    const loaded = await loadValidManifest(file, io, argv.color as boolean | undefined);
    const connection = await openApi(argv, io);
    let remote: RemoteWebhook[];
    try {
      remote = await listAccount(connection, io);
    } finally {
      await connection.close();
    }

    const result = pinManifest(loaded.text, loaded.manifest, remote);
    if (result.errors.length > 0) {
      io.stderr.write(renderPlanErrors(result.errors));
      const n = result.errors.length;
      throw new UserError(`Nothing can be pinned: ${count(n, 'problem')} above. ${name} was not changed.`);
    }

    // Addresses may be `event_type url`: masked and stripped like plans.
    const text = printable().text;
    const where = (e: { address: string; source: { line: number } }): string => `${text(e.address)} (${name}:${e.source.line})`;
    for (const e of result.pinned) io.stdout.write(`${check ? 'would pin' : 'pinned'} ${where(e)}: uuid: ${e.uuid}\n`);
    for (const e of result.unmatched) io.stderr.write(`note: ${where(e)} ${e.message}\n`);
    for (const e of [...result.stale, ...result.skipped]) io.stderr.write(`warning: ${where(e)} ${text(e.message)}\n`);

    const n = result.pinned.length;
    const webhooks = `${count(n, 'webhook')}`;
    if (n === 0) {
      io.stderr.write(
        result.skipped.length > 0
          ? `Nothing pinned: the ${result.skipped.length === 1 ? 'entry' : 'entries'} above need${result.skipped.length === 1 ? 's' : ''} the uuid added by hand.\n`
          : 'Nothing to pin: every matched entry has its uuid.\n',
      );
      return 0;
    }
    if (check) {
      io.stderr.write(`${webhooks} would be pinned in ${name}; run rdhooks pin to write ${n === 1 ? 'it' : 'them'}.\n`);
      return 1;
    }
    await writeManifest(file, loaded.text, result.text, io.cwd);
    io.stderr.write(`Pinned ${webhooks} in ${name}.\n`);
    return 0;
  },
};

/**
 * Replaces the manifest atomically (a temporary file beside it, then rename), keeping its mode, a byte-order mark,
 * and a symbolic link pointing at it; refuses when the file changed since it was read.
 */
async function writeManifest(file: string, before: string, after: string, cwd: string): Promise<void> {
  const [{ readFile, writeFile, rename, realpath, stat, rm }, { resolve }, { UserError }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('../../shared/errors.js'),
  ]);
  const target = await realpath(resolve(cwd, file));
  const bytes = await readFile(target);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (new TextDecoder('utf-8').decode(bytes) !== before) {
    throw new UserError(`${file} changed while rdhooks pin was running; nothing was written.`, 'Run rdhooks pin again.');
  }
  const { mode } = await stat(target);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, `${bom ? '\uFEFF' : ''}${after}`, { encoding: 'utf8', mode: mode & 0o777 });
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export default pinCommand;
