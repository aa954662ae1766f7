/** `rdhooks emulator`: runs the local RD Station API emulator until interrupted. */
import type { Command } from '../run.js';

const emulatorCommand: Command = {
  command: 'emulator',
  describe: 'Run the local RD Station API emulator',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 0, describe: 'Port to listen on (0: a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('state', { type: 'string', describe: 'JSON file keeping the webhooks across restarts (written atomically)' })
      .option('seed', { type: 'string', describe: 'JSON file {"webhooks": [...]} (RD\'s list body) to start with when there is no state yet' })
      .option('latency', { type: 'number', default: 0, describe: 'Milliseconds of delay before each webhook request' })
      .option('fail-rate', { type: 'number', default: 0, describe: 'Probability (0-1) of a 500/503 with an HTML body' })
      .option('rate-limit', { type: 'number', default: 0, describe: 'Webhook requests per minute before answering 429 (0: no limit)' })
      .option('drop-after-commit', { type: 'number', default: 0, describe: 'Probability (0-1) that a write is performed, then the connection reset' })
      .option('validate-urls', { type: 'boolean', default: false, describe: 'On create, POST to the target URL and answer 401 unless it answers 2xx, as RD does' })
      .option('token-lifetime', { type: 'number', default: 86400, describe: 'Seconds an issued access token lasts' })
      .option('suspend', { type: 'string', array: true, describe: 'Mark these webhook uuids suspended' }),
  async handler(argv, io) {
    const [{ resolve }, { UserError }, { startEmulator, EMULATOR_CREDENTIALS }, { readWebhooksFile }] = await Promise.all([
      import('node:path'),
      import('../../shared/errors.js'),
      import('../../emulator/server.js'),
      import('../../emulator/state.js'),
    ]);
    const num = (name: string, max = Infinity): number => {
      const v = argv[name];
      if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || v > max) {
        throw new UserError(`--${name} must be a number${max === 1 ? ' between 0 and 1' : ' of at least 0'}, not ${String(v)}.`, "Run 'rdhooks emulator --help' for usage.");
      }
      return v;
    };
    const seedFile = typeof argv.seed === 'string' ? resolve(io.cwd, argv.seed) : undefined;
    const seed = seedFile ? await readWebhooksFile(seedFile) : undefined;
    if (seedFile && !seed) throw new UserError(`The seed file ${String(argv.seed)} does not exist.`, 'Pass a JSON file shaped like RD\'s list body: {"webhooks": [...]}.');
    const emulator = await startEmulator({
      host: String(argv.host),
      port: num('port', 65535),
      state: typeof argv.state === 'string' ? resolve(io.cwd, argv.state) : undefined,
      seed: seed?.webhooks,
      platformAccountId: seed?.platform_account_id,
      latencyMs: num('latency'),
      failRate: num('fail-rate', 1),
      rateLimitPerMinute: num('rate-limit'),
      dropAfterCommit: num('drop-after-commit', 1),
      validateUrls: argv['validate-urls'] === true,
      tokenLifetimeSec: num('token-lifetime'),
      logger: argv.debug === true ? (line) => void io.stderr.write(`emulator: ${line}\n`) : undefined,
    });
    for (const uuid of (argv.suspend as string[] | undefined) ?? []) {
      if (!(await emulator.store.suspend(uuid))) {
        await emulator.close();
        throw new UserError(`--suspend ${uuid}: no webhook has that uuid.`, 'Check the uuid against the seed or state file.');
      }
    }
    // Emulator tokens are not secrets: printing one is how users point rdhooks at the emulator.
    io.stderr.write(
      [
        `rdhooks emulator listening on ${emulator.url} (${emulator.store.snapshot().length} webhooks${argv.state ? `, state in ${String(argv.state)}` : ', state in memory'})`,
        'Point rdhooks at it with:',
        `  export RDSTATION_API_URL=${emulator.url}`,
        `  export RDSTATION_ACCESS_TOKEN=${emulator.issueToken()}`,
        'or, to exercise the refresh flow:',
        `  export RDSTATION_CLIENT_ID=${EMULATOR_CREDENTIALS.clientId} RDSTATION_CLIENT_SECRET=${EMULATOR_CREDENTIALS.clientSecret} RDSTATION_REFRESH_TOKEN=${EMULATOR_CREDENTIALS.refreshToken}`,
        'Stop it with Ctrl-C.',
        '',
      ].join('\n'),
    );
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await emulator.close();
    io.stderr.write('rdhooks emulator stopped.\n');
    return 0;
  },
};

export default emulatorCommand;
