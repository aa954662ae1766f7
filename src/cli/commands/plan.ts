/** `rdhooks plan [MANIFEST]`: list the account once, diff it against the manifest, print the plan. */
import { connectionOptions } from '../connection.js';
import { useColor } from '../io.js';
import type { Command } from '../run.js';

const planCommand: Command = {
  command: 'plan [manifest]',
  describe: 'Show what apply would change in the account',
  builder: (y) =>
    connectionOptions(y)
      .positional('manifest', { type: 'string', default: 'webhooks.yaml', describe: 'The manifest' })
      .option('format', { choices: ['text', 'json', 'markdown'] as const, default: 'text', describe: 'Output format of the plan' })
      .option('out', { type: 'string', describe: 'Also save the JSON plan to FILE, for `rdhooks apply --plan FILE`' })
      .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 0 when nothing would change, 2 when something would, 1 on error' })
      .option('show-sensitive', { type: 'boolean', default: false, describe: 'Show URL credentials (user info, query values) instead of ***' })
      .option('summary-file', { type: 'string', describe: 'Append the Markdown plan to FILE (default: $GITHUB_STEP_SUMMARY when set)' }),
  async handler(argv, io) {
    const [{ loadValidManifest, listAndPlan, writeSavedPlan }, { openApi }, { renderPlan }, { appendSummary }] = await Promise.all([
      import('../planning.js'),
      import('../connection.js'),
      import('../output.js'),
      import('../summary.js'),
    ]);
    const showSensitive = argv['show-sensitive'] === true;
    const { manifest } = await loadValidManifest(String(argv.manifest), io, argv.color as boolean | undefined);
    const connection = await openApi(argv, io);
    let plan;
    try {
      ({ plan } = await listAndPlan(manifest, connection, io, showSensitive));
    } finally {
      await connection.close();
    }
    const format = argv.format as 'text' | 'json' | 'markdown';
    io.stdout.write(renderPlan(plan, format, { showSensitive, color: useColor(io.stdout, io.env, argv.color as boolean | undefined) }));
    if (typeof argv.out === 'string') await writeSavedPlan(argv.out, plan, io);
    await appendSummary(argv, io, async () => (await import('../../render/markdown.js')).renderMarkdown(plan, { showSensitive }));
    if (argv['detailed-exitcode'] === true && plan.changes.length > 0) return 2;
    return 0;
  },
};

export default planCommand;
