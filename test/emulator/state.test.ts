/** State and seed files the emulator cannot use: a clear UserError naming the file and what to do, never a hang. */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type EmulatorOptions } from '../../src/emulator/server.js';
import { readWebhooksFile } from '../../src/emulator/state.js';
import { UserError } from '../../src/shared/errors.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('state');

/** The error startEmulator fails with; a hang fails the test by its guard, well before jest's own timeout. */
async function startFailure(options: EmulatorOptions): Promise<UserError> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('startEmulator hung')), 20_000);
  });
  try {
    const e = await Promise.race([startEmulator(options), guard]);
    await e.close();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  } finally {
    clearTimeout(timer);
  }
  throw new Error('expected a UserError');
}

const VALID_WEBHOOK = { event_type: 'crm_deal_created', url: 'https://hooks.example.com/a' };

describe('a state file the emulator cannot use', () => {
  it.each([
    ['not JSON', '{"webhooks": [', /is not valid JSON/],
    ['an array', '[]', /is not RD's list body: it is not a JSON object\.$/],
    ['without webhooks', '{"hooks": []}', /it has no "webhooks" array\.$/],
    ['webhooks of the wrong type', '{"webhooks": {}}', /it has no "webhooks" array\.$/],
    ['a webhook that is a number', '{"webhooks": [1]}', /webhooks\[0\] is not a JSON object\.$/],
    ['a webhook without url', JSON.stringify({ webhooks: [VALID_WEBHOOK, { event_type: 'crm_deal_created' }] }), /webhooks\[1\] has no "url" string\.$/],
    ['a webhook with a numeric uuid', JSON.stringify({ webhooks: [{ ...VALID_WEBHOOK, uuid: 7 }] }), /webhooks\[0\] has a "uuid" that is not a string\.$/],
    ['another version', JSON.stringify({ version: 2, webhooks: [] }), /"version" is 2; this emulator reads version 1\.$/],
    ['a non-numeric account id', JSON.stringify({ platform_account_id: 'acme', webhooks: [] }), /"platform_account_id" is not a number\.$/],
  ])('%s', async (_what, text, message) => {
    const file = join(await tempDir(), 'state.json');
    await writeFile(file, text);
    const err = await startFailure({ state: file });
    expect(err.message).toContain(`The emulator state file ${file} `);
    expect(err.message).toMatch(message);
    expect(err.hint).toBe(`It is the emulator's state file: fix it, or delete ${file} to start over (the emulator writes a new one).`);
  });

  it('a directory', async () => {
    const file = join(await tempDir(), 'state.json');
    await mkdir(file);
    const err = await startFailure({ state: file });
    expect(err.message).toBe(`The emulator state file ${file} is a directory, not a file.`);
    expect(err.hint).toBe(`Remove ${file} (the emulator then writes a new state file there), or keep the state at another path.`);
  });

  it('a FIFO, refused without waiting for a writer', async () => {
    const file = join(await tempDir(), 'state.json');
    execFileSync('mkfifo', [file]);
    const err = await startFailure({ state: file });
    expect(err.message).toBe(`The emulator state file ${file} is a named pipe (FIFO), not a file.`);
  });

  it('one in a place that cannot be written', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'not-a-dir'), '');
    const file = join(dir, 'not-a-dir', 'state.json');
    const err = await startFailure({ state: file });
    // mkdir -p answers EEXIST when a file stands where a directory should be; others say ENOTDIR.
    expect(err.message).toMatch(new RegExp(`^Cannot write the emulator state file ${file} \\((EEXIST|ENOTDIR)\\)\\.$`));
    expect(err.hint).toMatch(/writable directory/);
  });

  it('an account of several whose state file is corrupt', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'b.json'), 'nope');
    const err = await startFailure({ accounts: [{ name: 'A', state: join(dir, 'a.json') }, { name: 'B', state: join(dir, 'b.json') }] });
    expect(err.message).toContain(`${join(dir, 'b.json')} is not valid JSON`);
  });
});

describe('seeds the emulator cannot use', () => {
  it('an inline seed webhook without url', async () => {
    const err = await startFailure({ seed: [{ event_type: 'crm_deal_created' }] });
    expect(err.message).toBe('A seeded webhook has no "url" string.');
  });

  it('a seed file of the wrong shape, with what a seed holds', async () => {
    const file = join(await tempDir(), 'seed.json');
    await writeFile(file, '{"webhooks": [{"url": 5, "event_type": "x"}]}');
    const err = await readWebhooksFile(file).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({
      message: `The emulator seed file ${file} is not RD's list body: webhooks[0] has no "url" string.`,
      hint: `Fix ${file}: a seed holds RD's list body, {"webhooks": [{"event_type": "…", "url": "…"}, …]}.`,
    });
  });

  it('a missing file is no error: there is no state yet', async () => {
    expect(await readWebhooksFile(join(await tempDir(), 'none.json'), 'state')).toBeUndefined();
  });
});
