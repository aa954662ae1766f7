import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rdhooks } from '../helpers/cli.js';

const FIXTURES = 'test/fixtures/manifests';

describe('rdhooks validate', () => {
  it('validates ./webhooks.yaml by default, offline, with an empty environment', async () => {
    expect(await rdhooks(['validate'])).toEqual({ code: 0, stdout: 'webhooks.yaml: valid (4 webhooks)\n', stderr: '' });
  });

  it.each(['examples/minimal.yaml', 'examples/every-field.yaml', 'examples/environments.yaml', 'examples/prune-and-ignore.yaml'])(
    'accepts %s',
    async (file) => {
      const r = await rdhooks(['validate', file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^${file}: valid \\(\\d+ webhooks?(, \\d+ absent)?\\)\\n$`));
      expect(r.stderr).toBe('');
    },
  );

  it('prints each problem with a code frame and a summary, and exits 1', async () => {
    const r = await rdhooks(['validate', `${FIXTURES}/bad-duplicate-url.yaml`]);
    const F = `${FIXTURES}/bad-duplicate-url.yaml`;
    expect(r).toEqual({
      code: 1,
      stdout: [
        `${F}:7:10: error: duplicate (event_type, url) "WEBHOOK.CONVERTED https://hooks.example.com/a": also at line 5; RD Station keeps one webhook per event type and URL. Remove one entry or change its url.`,
        '  6 |   - event_type: WEBHOOK.CONVERTED',
        '> 7 |     url: " https://hooks.example.com/a "',
        '    |          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
        '',
        `${F}: 1 error`,
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('reports every problem of a file in one run', async () => {
    const r = await rdhooks(['validate', `${FIXTURES}/bad-many-problems.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/^\S+:\d+:\d+: error: /gm)).toHaveLength(4);
    expect(r.stdout).toMatch(/: 4 errors\n$/);
  });

  it('prints warnings and still exits 0', async () => {
    const r = await rdhooks(['validate', `${FIXTURES}/warn-http-url.yaml`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(':5:10: warning: url "http://hooks.example.com/a" uses plain http;');
    expect(r.stdout).toMatch(/warn-http-url.yaml: valid \(1 webhook, 1 warning\)\n$/);
  });

  it('reads ${VAR} from the environment', async () => {
    const file = `${FIXTURES}/bad-undefined-variable.yaml`;
    expect((await rdhooks(['validate', file])).code).toBe(1);
    const r = await rdhooks(['validate', file], { env: { RDHOOKS_TEST_UNSET_BASE: 'https://ci.example.com' } });
    expect(r).toEqual({ code: 0, stdout: `${file}: valid (1 webhook)\n`, stderr: '' });
  });

  it('reports a missing file without a stack trace', async () => {
    const r = await rdhooks(['validate', 'missing.yaml']);
    expect(r).toEqual({
      code: 1,
      stdout:
        "missing.yaml:1:1: error: missing.yaml does not exist. Create it (examples/minimal.yaml is a start) or pass the manifest's path: rdhooks validate path/to/webhooks.yaml\nmissing.yaml: 1 error\n",
      stderr: '',
    });
  });

  it.each(['bad-binary.yaml', 'bad-empty.yaml', 'bad-alias-bomb.yaml', 'bad-tabs.yaml', 'bad-yaml-syntax.yaml', 'bad-not-a-mapping.yaml'])(
    'refuses %s with a message, never a stack trace',
    async (file) => {
      const r = await rdhooks(['validate', `${FIXTURES}/${file}`]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^\S+:\d+:\d+: error: /);
      expect(r.stdout).not.toMatch(/\n\s+at /);
      expect(r.stderr).toBe('');
    },
  );

  it('--format json prints the documented array, and only that', async () => {
    const r = await rdhooks(['validate', `${FIXTURES}/bad-unknown-key.yaml`, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([
      {
        file: `${FIXTURES}/bad-unknown-key.yaml`,
        line: 4,
        column: 5,
        severity: 'error',
        code: 'unknown-key',
        message: 'unknown key "event_typ" in webhooks[0]; did you mean "event_type"?',
      },
    ]);
  });

  it('--format json prints an empty array for a valid manifest', async () => {
    expect(await rdhooks(['validate', '--format', 'json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('--format github prints workflow commands', async () => {
    const r = await rdhooks(['validate', `${FIXTURES}/bad-event-type.yaml`, '--format', 'github']);
    expect(r).toEqual({
      code: 1,
      stdout: `::error file=${FIXTURES}/bad-event-type.yaml,line=4,col=17,title=rdhooks invalid-value::webhooks[0].event_type: "WEBHOOK.CONVERT" is not a valid value; did you mean "WEBHOOK.CONVERTED"?\n`,
      stderr: '',
    });
  });

  it('strips control characters from echoed values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdhooks-validate-'));
    writeFileSync(join(dir, 'webhooks.yaml'), 'version: 1\nwebhooks:\n  - event_type: "WEBHOOK.\\e[31mX"\n    url: https://a.example.com\n');
    const r = await rdhooks(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('"WEBHOOK.\\u001b[31mX" is not a valid value');
  });

  it('does not colour a pipe, unless --color or FORCE_COLOR asks for it; --no-color and NO_COLOR win', async () => {
    const bad = `${FIXTURES}/bad-uuid.yaml`;
    expect((await rdhooks(['validate', bad])).stdout).not.toContain('\u001b');
    expect((await rdhooks(['validate', bad, '--color'])).stdout).toContain('\u001b[31merror');
    expect((await rdhooks(['validate', bad], { env: { FORCE_COLOR: '1' } })).stdout).toContain('\u001b[31merror');
    expect((await rdhooks(['validate', bad], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).toContain('\u001b[31merror');
    expect((await rdhooks(['validate', bad, '--no-color'], { env: { FORCE_COLOR: '1' } })).stdout).not.toContain('\u001b');
    expect((await rdhooks(['validate', bad], { env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b');
  });
});
