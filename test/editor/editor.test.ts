/**
 * The editor experience: the real yaml-language-server (the engine of VS Code's YAML extension and of most
 * editors' YAML support), started over stdio in a repository where rdhooks is installed from its tarball, opens
 * a manifest carrying the modeline `rdhooks export` writes, loads the installed schema through it, and reports
 * mistakes where they are.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SCHEMA_LINE } from '../../src/adopt/export.js';
import { ROOT } from '../helpers/cli.js';
import { installRdhooks, type InstalledRepo } from '../package/install.js';
import { startYamlLanguageServer, type LanguageClient } from './lsp.js';

const HANG_GUARD = 30_000;

interface Diagnostic {
  range: { start: { line: number; character: number } };
  message: string;
  source?: string;
  data?: { schemaUri?: string[] };
}

let repo: InstalledRepo;
let server: LanguageClient;
let version = 0;

beforeAll(async () => {
  repo = await installRdhooks();
  server = await startYamlLanguageServer(repo.dir, join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), HANG_GUARD);
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await repo?.remove();
});

/** Writes `name` into the repository, opens it in the server, and returns the diagnostics it publishes. */
async function diagnose(name: string, text: string): Promise<Diagnostic[]> {
  const file = join(repo.dir, name);
  await writeFile(file, text);
  const uri = pathToFileURL(file).href;
  server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: ++version, text } });
  const published = await server.waitFor(`diagnostics for ${name}`, (n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri);
  return (published.params as { diagnostics: Diagnostic[] }).diagnostics;
}

describe('yaml-language-server on a manifest with the export modeline', () => {
  it('loads the installed schema and reports a misspelled key at its line', async () => {
    const text = [
      `# ${SCHEMA_LINE}`,
      'version: 1',
      'webhooks:',
      '  - name: leads',
      '    evnt_type: WEBHOOK.CONVERTED',
      '    url: https://hooks.example.com/rd/leads',
      '',
    ].join('\n');
    const diagnostics = await diagnose('webhooks.yaml', text);
    expect(diagnostics.map((d) => d.message)).not.toContainEqual(expect.stringContaining('Unable to load schema'));
    const misspelled = diagnostics.find((d) => d.message.includes('evnt_type'));
    expect(misspelled).toMatchObject({ message: 'Property evnt_type is not allowed.', range: { start: { line: 4, character: 4 } } });
    expect(misspelled?.source).toContain('rdhooks manifest'); // the schema's title
    expect(misspelled?.data?.schemaUri).toEqual([pathToFileURL(join(repo.dir, 'node_modules/rdhooks/schemas/webhooks.schema.json')).href]);
  });

  it('accepts the demo manifest: the schema, $id and all, agrees with rdhooks validate', async () => {
    const demo = (await readFile(join(ROOT, 'webhooks.yaml'), 'utf8')).replace(/^# yaml-language-server: .*$/m, `# ${SCHEMA_LINE}`);
    expect(await diagnose('demo.yaml', demo)).toEqual([]);
  });

  it('says so when the modeline points at no schema, so the test above cannot pass by loading nothing', async () => {
    const diagnostics = await diagnose('elsewhere.yaml', '# yaml-language-server: $schema=./schemas/webhooks.schema.json\nversion: 1\nevnt_type: x\n');
    expect(diagnostics.map((d) => d.message)).toContainEqual(expect.stringContaining('Unable to load schema'));
  });
});
