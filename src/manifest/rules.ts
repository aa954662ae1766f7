/** The checks beyond the schema: identity clashes, uuids, urls, blank values, absent entries, ignore conflicts. Pure. */
import { canonicalUrl, canonicalUrlPattern } from '../shared/url.js';
import { isUuid } from '../shared/uuid.js';
import { CONVERSION_EVENT, identityKey } from '../shared/webhook.js';
import { matchesIgnoreRule } from './ignore.js';
import { error, showPath, warning, type Issue, type Path } from './issue.js';
import { quote } from './quote.js';


type Data = Record<string, unknown>;

/**
 * Every rule broken by `data` (the interpolated, trimmed manifest). Works on data the schema may have rejected,
 * looking only at values of the expected type, so one run reports everything. `lineOf` names other occurrences.
 */
export function checkRules(data: unknown, lineOf: (path: Path) => number): Issue[] {
  if (!isData(data)) return [];
  const issues: Issue[] = [];
  const entries = Array.isArray(data.webhooks) ? data.webhooks : [];
  const names = new Map<string, Path>();
  const uuids = new Map<string, Path>();
  const identities = new Map<string, { path: Path; absent: boolean }>();

  entries.forEach((entry, i) => {
    if (!isData(entry)) return;
    const at: Path = ['webhooks', i];
    const absent = entry.ensure === 'absent';
    for (const key of ['name', 'uuid', 'url'] as const) {
      if (entry[key] === '') issues.push(error([...at, key], 'empty-value', `${showPath([...at, key], data)} is empty; give it a value or remove the key.`));
    }
    const name = nonEmpty(entry.name);
    const uuid = nonEmpty(entry.uuid);
    const eventType = nonEmpty(entry.event_type);
    const url = nonEmpty(entry.url);

    if (name !== undefined) {
      const first = names.get(name);
      if (first) {
        issues.push(
          error(
            [...at, 'name'],
            'duplicate-name',
            `duplicate name ${quote(name)}: also at line ${lineOf(first)}; names tell entries apart in plans. Rename one.`,
          ),
        );
      } else names.set(name, [...at, 'name']);
    }

    if (uuid !== undefined) {
      if (!isUuid(uuid)) issues.push(invalidUuid([...at, 'uuid'], uuid));
      else {
        const first = uuids.get(uuid.toLowerCase());
        if (first) {
          issues.push(
            error(
              [...at, 'uuid'],
              'duplicate-uuid',
              `duplicate uuid ${quote(uuid)}: also at line ${lineOf(first)}; a uuid pins exactly one entry to one webhook. Remove one of the entries.`,
            ),
          );
        } else uuids.set(uuid.toLowerCase(), [...at, 'uuid']);
      }
    }

    if (url !== undefined) issues.push(...checkUrl([...at, 'url'], url));

    if (eventType !== undefined && url !== undefined) {
      // As RD Station and the planner see it: two spellings of one URL are one webhook.
      const key = identityKey({ event_type: eventType, url });
      const first = identities.get(key);
      if (!first) identities.set(key, { path: [...at, 'url'], absent });
      else if (first.absent === absent) {
        issues.push(
          error(
            [...at, 'url'],
            'duplicate-url',
            `duplicate (event_type, url) ${quote(key)}: also at line ${lineOf(first.path)}; RD Station keeps one webhook per event type and URL. Remove one entry or change its url.`,
          ),
        );
      } else {
        issues.push(
          error(
            [...at, 'url'],
            'conflicting-ensure',
            `(event_type, url) ${quote(key)} is ${absent ? 'absent' : 'present'} here but ${first.absent ? 'absent' : 'present'} at line ${lineOf(first.path)}; a webhook cannot be both kept and deleted. Remove one of the entries.`,
          ),
        );
      }
    }

    if (Array.isArray(entry.event_identifiers)) {
      issues.push(...emptyIdentifiers(entry.event_identifiers, [...at, 'event_identifiers'], data));
      if (eventType !== undefined && eventType !== CONVERSION_EVENT && entry.event_identifiers.length > 0) {
        issues.push(
          error(
            [...at, 'event_identifiers'],
            'event-identifiers-not-allowed',
            `event_identifiers only apply to ${CONVERSION_EVENT}, not to ${quote(eventType)}; remove them or change event_type.`,
            'key',
          ),
        );
      }
    }

    if (absent && entry.suspended !== undefined) {
      const where = showPath([...at, 'suspended'], data);
      issues.push(warning([...at, 'suspended'], 'ignored-key', `${where} has no effect on an "ensure: absent" entry, which deletes the webhook; remove it.`, 'key'));
    }

    if (absent && uuid === undefined && (eventType === undefined || url === undefined)) {
      issues.push(
        error(
          [...at, 'ensure'],
          'absent-without-identity',
          'ensure: absent needs a uuid, or both event_type and url, to know which webhook to delete. Add them (rdhooks export lists the uuids).',
        ),
      );
    }
  });

  if (data.account === '') {
    issues.push(error(['account'], 'empty-value', 'account is empty; give the name of the RD Station account this manifest is for, or remove the key.'));
  }

  if (isData(data.defaults) && Array.isArray(data.defaults.event_identifiers)) {
    issues.push(...emptyIdentifiers(data.defaults.event_identifiers, ['defaults', 'event_identifiers'], data));
  }

  const rules = Array.isArray(data.ignore) ? data.ignore : [];
  rules.forEach((rule, r) => {
    if (!isData(rule)) return;
    const at: Path = ['ignore', r];
    const ruleUuid = nonEmpty(rule.uuid);
    if (ruleUuid !== undefined && !isUuid(ruleUuid)) issues.push(invalidUuid([...at, 'uuid'], ruleUuid));
    for (const key of ['uuid', 'event_type', 'url'] as const) {
      if (rule[key] === '') issues.push(error([...at, key], 'empty-value', `${showPath([...at, key], data)} is empty; give it a value or remove the key.`));
    }
    const pattern = nonEmpty(rule.url);
    const given = { uuid: ruleUuid, event_type: nonEmpty(rule.event_type), url: pattern === undefined ? undefined : canonicalUrlPattern(pattern) };
    entries.forEach((entry, i) => {
      if (!isData(entry)) return;
      const webhook = { uuid: nonEmpty(entry.uuid), event_type: nonEmpty(entry.event_type), url: nonEmpty(entry.url) };
      if (!matchesIgnoreRule(given, webhook)) return;
      issues.push(
        error(
          at,
          'ignore-conflict',
          `${showPath(at)} matches ${showPath(['webhooks', i], data)} at line ${lineOf(['webhooks', i])}, which this manifest manages; rdhooks cannot both manage and ignore a webhook. Narrow the rule or remove the entry.`,
        ),
      );
    });
  });

  return issues;
}

/**
 * An absolute http(s) URL is required; plain http is only a warning, since RD wants https, and so is a URL not in
 * the canonical form identity compares, which RD may well store differently from how it is written.
 */
function checkUrl(path: Path, url: string): Issue[] {
  const example = 'e.g. https://hooks.example.com/rd/converted';
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || /\s/.test(url) || !parsed.hostname) {
    return [error(path, 'invalid-url', `url ${quote(url)} is not an absolute http(s) URL; write it in full, ${example}.`)];
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return [error(path, 'invalid-url', `url ${quote(url)} uses ${quote(parsed.protocol.slice(0, -1))}; RD Station only calls http(s) URLs, ${example}.`)];
  }
  const issues: Issue[] = [];
  if (parsed.protocol === 'http:') {
    issues.push(
      warning(
        path,
        'insecure-url',
        `url ${quote(url)} uses plain http; RD Station requires https with a valid certificate and will likely refuse it. Use https://.`,
      ),
    );
  }
  const canonical = canonicalUrl(url);
  if (canonical !== url) {
    issues.push(
      warning(
        path,
        'non-canonical-url',
        `url ${quote(url)} is not in canonical form; write it as ${quote(canonical, 200)}, the form rdhooks compares and RD Station may store.`,
      ),
    );
  }
  return issues;
}

function invalidUuid(path: Path, uuid: string): Issue {
  return error(
    path,
    'invalid-uuid',
    `uuid ${quote(uuid)} is not a UUID (8-4-4-4-12 hex digits, e.g. 5408c5a3-4711-4f2e-8d0b-13407a3e30f3); copy it from "rdhooks export" or remove it.`,
  );
}

function emptyIdentifiers(values: unknown[], path: Path, data: Data): Issue[] {
  return values.flatMap((v, j) =>
    v === ''
      ? [error([...path, j], 'empty-identifier', `${showPath([...path, j], data)} is empty; remove it (an empty or absent list means every conversion).`)]
      : [],
  );
}

function isData(v: unknown): v is Data {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
