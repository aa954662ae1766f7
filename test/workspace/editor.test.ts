/**
 * The workspace schema in an editor: the real yaml-language-server opens a workspace file whose modeline names
 * schemas/workspace.schema.json and reports mistakes where they are, inside inline manifests too (the schema is
 * self-contained: a language server cannot follow a reference out of a schema with a urn $id).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startYamlLanguageServer, type LanguageClient } from '../editor/lsp.js';
import { ROOT } from '../helpers/cli.js';

const HANG_GUARD = 30_000;
let dir: string;
let server: LanguageClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rdhooks-workspace-editor-'));
  server = await startYamlLanguageServer(dir, join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), HANG_GUARD);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('yaml-language-server on a workspace file', () => {
  it('loads the schema and points at mistakes in accounts, defaults and inline manifests', async () => {
    const schema = pathToFileURL(join(ROOT, 'schemas/workspace.schema.json')).href;
    const text = [
      `# yaml-language-server: $schema=${schema}`,
      'version: 1',
      'accounts:',
      '  - name: acme',
      '    manifest: accounts/acme.yaml',
      '    account: ACME Marketing',
      '    credentials: {env_prefx: RDSTATION_ACME_}',
      '    defaults: {include_relations: [COMPNY]}',
      '  - name: beta',
      '    account: Beta Corp',
      '    acount: typo',
      '    manifest:',
      '      webhooks:',
      '        - event_type: WEBHOOK.CONVERTED',
      '          url: https://hooks.example.com/beta',
      '          evnt_type: typo',
      '',
    ].join('\n');
    const file = join(dir, 'rdhooks.workspace.yaml');
    await writeFile(file, text);
    const uri = pathToFileURL(file).href;
    server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const published = await server.waitFor('diagnostics', (n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri);
    const diagnostics = (published.params as { diagnostics: { range: { start: { line: number; character: number } }; message: string }[] }).diagnostics;
    expect(diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.message]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [6, 18, 'Property env_prefx is not allowed.'],
      [7, 35, 'Value is not accepted. Valid values: "COMPANY", "CONTACT_FUNNEL".'],
      [10, 4, 'Property acount is not allowed.'],
      [15, 10, 'Property evnt_type is not allowed.'],
    ]);
  });
});
