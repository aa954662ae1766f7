import { describe, expect, it } from '@jest/globals';
import { chmod, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderJson } from '../../src/render/json.js';
import {
  renderWorkspaceJson,
  renderWorkspaceMarkdown,
  renderWorkspaceText,
  workspaceStatus,
  workspaceSummary,
  type AccountPlan,
} from '../../src/render/workspace.js';
import { parseWorkspacePlan, readWorkspacePlan, writeWorkspacePlan } from '../../src/workspace/plan-file.js';
import { aDesired, aManifest } from '../builders.js';
import { emptyPlan, planOf, richPlan } from '../render/fixtures.js';
import { tempDirs } from '../helpers/tmp.js';

/** A run of three accounts: every kind of change, nothing to do, and a failure whose message carries a secret and escapes. */
function run(): AccountPlan[] {
  return [
    { name: 'acme', account: 'Acme Marketing', plan: richPlan() },
    { name: 'beta', account: 'Beta Corp', plan: emptyPlan() },
    {
      name: 'gamma',
      account: 'Gamma \u001b[31mRed\u001b[0m',
      error: 'GET https://user:hunter2@api.example.com/x?token=OLDSECRET failed: 401 \u202eevil\u0085\nCheck the credentials of gamma.',
    },
  ];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

describe('renderWorkspaceText', () => {
  it('prints each account under a header naming it and its RD account, then a summary line', () => {
    expect(renderWorkspaceText(run())).toMatchSnapshot();
  });

  it('masks credentials and strips control characters, as the single-plan renderer does', () => {
    const out = renderWorkspaceText(run());
    for (const secret of ['hunter2', 'OLDSECRET', 'NEWSECRET']) expect(out).not.toContain(secret);
    expect(out).not.toMatch(CONTROL);
    const shown = renderWorkspaceText(run(), { showSensitive: true });
    expect(shown).toContain('hunter2');
    expect(shown).not.toMatch(CONTROL);
  });
});

describe('renderWorkspaceMarkdown', () => {
  it('puts the summary table first, then a collapsed section per account', () => {
    expect(renderWorkspaceMarkdown(run())).toMatchSnapshot();
  });

  it('masks credentials and strips control characters', () => {
    const out = renderWorkspaceMarkdown(run());
    for (const secret of ['hunter2', 'OLDSECRET', 'NEWSECRET']) expect(out).not.toContain(secret);
    expect(out).not.toMatch(CONTROL);
    expect(renderWorkspaceMarkdown(run(), { showSensitive: true })).toContain('hunter2');
  });

  it('keeps 300 accounts under GitHub\'s limit: the whole table, sections shortened or left out, a closing note', () => {
    const entries: AccountPlan[] = Array.from({ length: 300 }, (_, i) => {
      const name = `client-${String(i).padStart(3, '0')}`;
      if (i % 50 === 7) return { name, account: `Client ${i}`, error: `The credentials belong to another account than "Client ${i}".\nUse its own credentials.` };
      const webhooks = Array.from({ length: i % 3 === 0 ? 0 : 15 }, (_, j) => aDesired({ name: `hook-${j}`, url: `https://hooks.example.com/${name}/${j}` }));
      return { name, account: `Client ${i}`, plan: planOf(aManifest({ webhooks }), []) };
    });
    const out = renderWorkspaceMarkdown(entries);
    expect(out.length).toBeLessThanOrEqual(65_000);
    for (const e of entries) expect(out).toContain(`| \`${e.name}\` (`);
    expect(out).toMatch(/> \d+ accounts' sections left out.* to stay under 65000 characters; the table counts every change\./);
    expect(out.split('<details>').length).toBe(out.split('</details>').length);
    expect(out.split('\n').filter((l) => /^`{3,}/.test(l)).length % 2).toBe(0);
    // The sections kept are the accounts with something to say: errors and changes before accounts without changes.
    const sections = [...out.matchAll(/<details><summary><b>(client-\d+)<\/b>/g)].map((m) => m[1]);
    expect(sections).toContain('client-007');
    expect(sections.every((n) => Number(n!.slice(-3)) % 3 !== 0)).toBe(true);
  });

  it('shortens sections to fit a smaller limit, each still whole Markdown', () => {
    const entries: AccountPlan[] = ['a', 'b', 'c'].map((name) => ({
      name,
      account: name.toUpperCase(),
      plan: planOf(aManifest({ webhooks: Array.from({ length: 40 }, (_, j) => aDesired({ url: `https://hooks.example.com/${name}/${j}` })) }), []),
    }));
    const out = renderWorkspaceMarkdown(entries, { maxLength: 12_000 });
    expect(out.length).toBeLessThanOrEqual(12_000);
    expect(out.match(/<details><summary><b>[abc]<\/b>/g)).toHaveLength(3);
    expect(out).toMatch(/> 3 shortened to stay under 12000 characters/);
    expect(out.split('<details>').length).toBe(out.split('</details>').length);
  });

  it('cuts the table only when it alone is over the limit, and says how many rows it left out', () => {
    const entries: AccountPlan[] = Array.from({ length: 2000 }, (_, i) => ({ name: `c${i}`, account: `C${i}`, plan: emptyPlan() }));
    const out = renderWorkspaceMarkdown(entries);
    expect(out.length).toBeLessThanOrEqual(65_000);
    const rows = out.split('\n').filter((l) => l.startsWith('| `c')).length;
    expect(out).toContain(`> 2000 accounts' sections left out, ${2000 - rows} accounts left out of the table to stay under 65000 characters`);
  });
});

describe('the workspace JSON document', () => {
  it('holds each plan exactly as renderJson makes it, and each error masked', () => {
    const doc = JSON.parse(renderWorkspaceJson(run())) as { accounts: { name: string; plan: unknown; error: string | null }[] };
    expect(doc).toMatchObject({ format_version: 2, kind: 'workspace' });
    expect(doc.accounts.map((a) => a.name)).toEqual(['acme', 'beta', 'gamma']);
    expect(doc.accounts[0]?.plan).toEqual(JSON.parse(renderJson(richPlan())));
    expect(doc.accounts[1]?.plan).toEqual(JSON.parse(renderJson(emptyPlan())));
    expect(doc.accounts[2]).toEqual({
      name: 'gamma',
      plan: null,
      error: 'GET https://***:***@api.example.com/x?token=*** failed: 401 \u202eevil\u0085\nCheck the credentials of gamma.',
    });
    // The data stays exact, with DEL, C1 and bidi controls as \u escapes for the terminal.
    expect(renderWorkspaceJson(run())).toContain('\\u202eevil\\u0085');
    expect(renderWorkspaceJson(run())).not.toMatch(/[\u0080-\u009f\u202a-\u202e]/);
  });

  it('is valid against schemas/workspace-plan.schema.json, and read back as it was written', () => {
    expect(parseWorkspacePlan(renderWorkspaceJson(run()))).toEqual(JSON.parse(renderWorkspaceJson(run())));
  });

  it.each([
    ['a single account\'s plan', () => renderJson(emptyPlan()), "it is a single account's plan (it has no \"kind\": \"workspace\"); apply it without --workspace"],
    ['another version', () => renderWorkspaceJson(run()).replace('"format_version": 2', '"format_version": 3'), 'format_version is 3, and this rdhooks reads format_version 2'],
    ['an account with both a plan and an error', () => edit((d) => (d.accounts[0]!.error = 'x')), '/accounts/0/error must be null'],
    ['an account with neither', () => edit((d) => (d.accounts[2]!.error = null)), '/accounts/2/error must be string'],
    ['a plan not of the plan schema', () => edit((d) => delete (d.accounts[0]!.plan as Record<string, unknown>).fingerprint_of_nothing && delete (d.accounts[0]!.plan as Record<string, unknown>).remote), "/accounts/0/plan must have required property 'remote'"],
    ['an account twice', () => edit((d) => (d.accounts[1]!.name = 'acme')), 'the account "acme" appears twice'],
    ['not JSON', () => '{', 'it is not JSON'],
  ])('refuses %s, saying why', (_what, text, why) => {
    expect(parseWorkspacePlan(text())).toBe(why);
  });
});

/** The document of run(), changed by `change`, as text. */
function edit(change: (doc: { accounts: { name: string; plan: unknown; error: string | null }[] }) => unknown): string {
  const doc = JSON.parse(renderWorkspaceJson(run())) as { accounts: { name: string; plan: unknown; error: string | null }[] };
  change(doc);
  return JSON.stringify(doc);
}

describe('saved workspace plans', () => {
  const freshDir = tempDirs('workspace-plan');

  it('are written whole for apply, readable by their owner only, and read back', async () => {
    const cwd = await freshDir();
    await writeWorkspacePlan('plan.json', run(), cwd);
    expect((await stat(join(cwd, 'plan.json'))).mode & 0o777).toBe(0o600);
    const doc = await readWorkspacePlan('plan.json', cwd);
    expect(doc.accounts[0]?.plan?.sensitive_values).toBe('shown');
    expect(doc.accounts[2]?.error).toContain('hunter2');
  });

  it('refuse a file that is missing, not a workspace plan, or a FIFO, naming it', async () => {
    const cwd = await freshDir();
    await expect(readWorkspacePlan('nope.json', cwd)).rejects.toThrow('cannot read the saved workspace plan nope.json: no such file.');
    await writeFile(join(cwd, 'single.json'), renderJson(emptyPlan()));
    await expect(readWorkspacePlan('single.json', cwd)).rejects.toThrow("single.json is not a workspace plan this rdhooks can read: it is a single account's plan");
    await writeFile(join(cwd, 'locked.json'), '{}');
    await chmod(join(cwd, 'locked.json'), 0o000);
    if (process.getuid?.() !== 0) await expect(readWorkspacePlan('locked.json', cwd)).rejects.toThrow('cannot read the saved workspace plan locked.json');
  });
});

describe('workspaceStatus and workspaceSummary', () => {
  it('fail when any account failed, else have changes when any has changes or findings, else are clean', () => {
    const [acme, beta, gamma] = run();
    expect([workspaceStatus([acme!, beta!, gamma!]), workspaceStatus([acme!, beta!]), workspaceStatus([beta!])]).toEqual(['failed', 'changes', 'clean']);
    expect(workspaceSummary([acme!, beta!, gamma!])).toBe('3 accounts: 1 with changes, 1 without changes, 1 failed.');
  });
});
