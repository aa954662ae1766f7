/**
 * The CI files `rdhooks init` writes, as data: the single source of the example workflows under examples/
 * (`npm run examples` writes them from here; a test keeps them byte-identical). Every one runs the rdhooks the
 * repository locked (`npx --no-install rdhooks`, or the action in node_modules), never a package fetched by name.
 */

/** A CI system `rdhooks init` can set up. */
export type CiSystem = 'github' | 'gitlab';

/** One file `init` writes: its path in the user's repository, its text, and where its copy lives in examples/. */
export interface CiTemplate {
  path: string;
  example: string;
  text: string;
}

// `\${{` below is GitHub's expression syntax, escaped from TypeScript's template literals.

/** The steps every GitHub workflow starts with: the checkout, Node, and the locked dependencies (rdhooks among them). */
const SETUP = `      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - name: Install
        run: npm ci
`;

/** What the GitHub workflows work on: the manifest, or a workspace and its accounts' credentials. */
interface Subject {
  /** The action's input naming it. */
  input: string;
  /** The files whose changes trigger a plan or an apply, besides the pinned rdhooks and the workflows. */
  paths: readonly string[];
  /** The environment variables holding the RD Station credentials, each from the secret of its name. */
  secrets: readonly string[];
}

const CREDENTIAL_NAMES = ['CLIENT_ID', 'CLIENT_SECRET', 'REFRESH_TOKEN'] as const;

const MANIFEST_SUBJECT: Subject = { input: 'manifest: webhooks.yaml', paths: ['webhooks.yaml'], secrets: CREDENTIAL_NAMES.map((n) => `RDSTATION_${n}`) };

/** The accounts of the workspace `rdhooks init --workspace` writes: names and their credentials' prefixes. */
export const SAMPLE_ACCOUNTS = [
  { name: 'acme', account: 'ACME Marketing', prefix: 'RDSTATION_ACME_' },
  { name: 'globex', account: 'Globex Inc', prefix: 'RDSTATION_GLOBEX_' },
] as const;

const WORKSPACE_SUBJECT: Subject = {
  input: 'workspace: rdhooks.workspace.yaml',
  paths: ['rdhooks.workspace.yaml', 'accounts/**'],
  secrets: SAMPLE_ACCOUNTS.flatMap((a) => CREDENTIAL_NAMES.map((n) => `${a.prefix}${n}`)),
};

/** The RD Station credentials, given only to the steps that call the API. */
const rdSecrets = (s: Subject): string => `        env:\n${s.secrets.map((name) => `          ${name}: \${{ secrets.${name} }}\n`).join('')}`;

/** The header comment's list of secrets. */
const secretsComment = (s: Subject): string =>
  s === MANIFEST_SUBJECT
    ? '# Secrets: RDSTATION_CLIENT_ID, RDSTATION_CLIENT_SECRET, RDSTATION_REFRESH_TOKEN; RDHOOKS_SECRETS_TOKEN to store a\n# refresh token RD rotates.'
    : "# Secrets: each account's <PREFIX>CLIENT_ID, <PREFIX>CLIENT_SECRET and <PREFIX>REFRESH_TOKEN (listed under env:\n# below: add an account's when you add it to the workspace); RDHOOKS_SECRETS_TOKEN to store refresh tokens RD rotates.";

/**
 * A concurrency group per workflow, never cancelling a job in progress: RD may answer a token refresh with a new
 * refresh token and retire the old one, and a job killed halfway could lose it. One group for all three would
 * also keep two workflows from refreshing at once, but GitHub cancels a pending job when another queues in its
 * group, so a drift check could cancel a pending apply; a race instead fails one job (its refresh token was just
 * retired), while the other stores the new token: nothing is lost, and a re-run succeeds.
 */
const concurrency = (group: string): string => `concurrency:
  group: ${group}
  cancel-in-progress: false
`;

/**
 * After the step with \`id\`: store each refresh token RD rotated as the secret it replaces. GITHUB_TOKEN cannot write secrets, so this
 * needs RDHOOKS_SECRETS_TOKEN, a token allowed to (a fine-grained token with "Secrets: read and write" on this
 * repository). The token is masked in the log by rdhooks before it is handed over.
 */
const storeRotated = (id: string): string => `      - name: Store rotated refresh tokens
        if: \${{ always() && steps.${id}.outputs.refresh-tokens != '' }}
        env:
          GH_TOKEN: \${{ secrets.RDHOOKS_SECRETS_TOKEN }}
          TOKENS: \${{ steps.${id}.outputs.refresh-tokens }}
        run: |
          jq -r 'to_entries[] | "\\(.key) \\(.value)"' <<<"$TOKENS" | while read -r name value; do
            gh secret set "$name" --body "$value"
          done
`;

/** The files whose changes trigger a plan or an apply: the manifest (or workspace), the pinned rdhooks, these workflows. */
const paths = (s: Subject): string => `    paths:\n${[...s.paths, 'package.json', 'package-lock.json', '.github/workflows/rdhooks-*.yml'].map((p) => `      - ${p}\n`).join('')}`;

const plan = (s: Subject): string => `# rdhooks plan on pull requests (.github/workflows/rdhooks-plan.yml).
#
# Validates the manifest (problems become annotations on the diff), then plans it against the account: the plan
# goes to the job summary and to one pull-request comment, edited in place on every push. The job fails when
# validation or the plan fails, after the comment shows the error instead of a stale plan.
#
# rdhooks is a pinned dev dependency of this repository: \`npm ci\` installs the locked version, and the action runs
# from node_modules, so the lockfile decides what runs with your secrets.
${secretsComment(s)}
# Pull requests from forks get no secrets: they are validated, not planned.
name: rdhooks plan

on:
  pull_request:
${paths(s)}
permissions:
  contents: read
  pull-requests: write

${concurrency('rdhooks-plan-${{ github.event.pull_request.number }}')}
jobs:
  plan:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
${SETUP}      - name: Validate
        id: validate
        uses: ./node_modules/rdhooks
        with:
          command: validate
          ${s.input}
      - name: Plan
        id: plan
        # Also after a failed Validate, so the comment shows the problems instead of a stale plan.
        if: \${{ !cancelled() && steps.validate.outcome != 'skipped' && github.event.pull_request.head.repo.full_name == github.repository }}
        uses: ./node_modules/rdhooks
        with:
          command: plan
          ${s.input}
${rdSecrets(s)}${storeRotated('plan')}`;

const apply = (s: Subject): string => `# rdhooks apply on the main branch (.github/workflows/rdhooks-apply.yml).
#
# Converges the account to the merged manifest. The concurrency group queues applies instead of overlapping
# them; a queued apply that a newer push replaces is not lost, since the newer run applies the newer manifest.
# rdhooks writes the plan and the apply report to the job summary.
#
${secretsComment(s)}
# Consider an environment with required reviewers (\`environment: production\` on the job) to gate applies.
name: rdhooks apply

on:
  push:
    branches: [main]
${paths(s)}  workflow_dispatch:

permissions:
  contents: read

${concurrency('rdhooks-apply')}
jobs:
  apply:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
${SETUP}      - name: Validate
        uses: ./node_modules/rdhooks
        with:
          command: validate
          ${s.input}
      - name: Apply
        id: apply
        uses: ./node_modules/rdhooks
        with:
          command: apply
          ${s.input}
${rdSecrets(s)}${storeRotated('apply')}`;

const drift = (s: Subject): string => `# rdhooks drift detection on a schedule (.github/workflows/rdhooks-drift.yml).
#
# Plans the manifest of the default branch against the account and probes every target. On drift (someone changed
# the account by hand, RD suspended a webhook, a target stopped answering) or on an error, it opens one issue, or
# updates the open one with the same title; when the account matches the manifest again, it closes that issue.
# The job fails on drift and on errors, so the run is red too.
#
${secretsComment(s)}
name: rdhooks drift

on:
  schedule:
    - cron: '17 6 * * *'
  workflow_dispatch:

permissions:
  contents: read
  issues: write

${concurrency('rdhooks-drift')}
jobs:
  drift:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
${SETUP}      - name: Detect drift
        id: drift
        uses: ./node_modules/rdhooks
        with:
          command: drift
          ${s.input}
          drift-issue-title: rdhooks found drift in the RD Station webhooks
          # Probe every managed target ({"leads": []}, User-Agent rdhooks-target-check), so a dead receiver is
          # found before RD suspends its webhook.
          args: --check-targets=all
${rdSecrets(s)}${storeRotated('drift')}`;

const GITLAB = `# rdhooks on GitLab CI (.gitlab-ci.yml of a repository that holds the manifest).
#
#   validate  merge requests and the default branch: the offline manifest check.
#   plan      merge requests: posts the Markdown plan as one MR comment, updated in place on every push
#             (found by the hidden <!-- rdhooks-plan --> marker); fails after posting when the plan fails.
#   apply     pushes to the default branch: \`rdhooks apply --auto-approve\`; resource_group keeps two applies
#             from ever overlapping.
#   drift     scheduled pipelines (CI/CD > Schedules): on drift or on an error it opens one issue, or updates
#             the open one with the same title; it closes the issue once the account is clean; the job fails
#             on drift and on errors.
#
# rdhooks is a pinned dev dependency of this repository: \`npm ci\` installs the locked version and every job runs
# it with \`npx --no-install rdhooks\`, which never downloads a package by name.
# CI/CD variables (masked): RDSTATION_CLIENT_ID, RDSTATION_CLIENT_SECRET, RDSTATION_REFRESH_TOKEN, and
# GITLAB_TOKEN, a project access token with the \`api\` scope and at least the Reporter role (for the MR comment
# and the drift issue; CI_JOB_TOKEN cannot write notes or issues). Protected variables only reach pipelines of
# protected branches, so leave them unprotected if merge requests from other branches should be planned.
stages:
  - validate
  - plan
  - apply

variables:
  MANIFEST: webhooks.yaml
  DRIFT_ISSUE_TITLE: 'rdhooks found drift in the RD Station webhooks'

default:
  image: node:20
  cache:
    key:
      files:
        - package-lock.json
    paths:
      - .npm/
  before_script:
    - npm ci --cache .npm --prefer-offline

validate:
  stage: validate
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - npx --no-install rdhooks validate "$MANIFEST"

plan:
  stage: plan
  # Not waiting for validate: an invalid manifest then replaces the MR comment with its problems, not a stale plan.
  needs: []
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  artifacts:
    when: always
    expire_in: 1 week
    paths:
      - rdhooks-plan.md
  script:
    - |
      set -euo pipefail
      # 0: no changes, 2: changes (both fine here), anything else: the plan failed.
      set +e
      npx --no-install rdhooks plan "$MANIFEST" --format markdown --detailed-exitcode >rdhooks-plan.md 2>rdhooks-plan.log
      code=$?
      set -e
      cat rdhooks-plan.log >&2

      {
        echo '<!-- rdhooks-plan -->'
        if [ "$code" -eq 0 ] || [ "$code" -eq 2 ]; then
          cat rdhooks-plan.md
        else
          echo '### rdhooks plan failed'
          echo
          echo "\\\`rdhooks plan\\\` exited with code $code; the account was not compared with the manifest."
          echo
          echo '\`\`\`text'
          tail -c 20000 rdhooks-plan.log
          echo '\`\`\`'
        fi
        echo
        echo "<sub>Commit $CI_COMMIT_SHORT_SHA · [pipeline]($CI_PIPELINE_URL)</sub>"
      } >rdhooks-comment.md

      # The first note carrying the marker, page by page.
      notes="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
      id=
      page=1
      while :; do
        curl -sS --fail-with-body -H "PRIVATE-TOKEN: $GITLAB_TOKEN" \\
          "$notes?sort=asc&order_by=created_at&per_page=100&page=$page" >rdhooks-notes.json
        found=$(node -e '
          const notes = JSON.parse(require("fs").readFileSync(0, "utf8"));
          const mine = notes.find((n) => typeof n.body === "string" && n.body.startsWith("<!-- rdhooks-plan -->"));
          console.log(\`\${notes.length} \${mine ? mine.id : ""}\`);
        ' <rdhooks-notes.json)
        count=\${found%% *}
        id=\${found#* }
        if [ -n "$id" ] || [ "$count" -lt 100 ]; then break; fi
        page=$((page + 1))
      done

      if [ -n "$id" ]; then
        curl -sS --fail-with-body -o /dev/null -X PUT -H "PRIVATE-TOKEN: $GITLAB_TOKEN" \\
          --data-urlencode "body@rdhooks-comment.md" "$notes/$id"
        echo "Updated the plan comment $id."
      else
        curl -sS --fail-with-body -o /dev/null -X POST -H "PRIVATE-TOKEN: $GITLAB_TOKEN" \\
          --data-urlencode "body@rdhooks-comment.md" "$notes"
        echo "Posted the plan comment."
      fi

      if [ "$code" -ne 0 ] && [ "$code" -ne 2 ]; then
        echo "rdhooks plan failed with exit code $code." >&2
        exit 1
      fi

apply:
  stage: apply
  resource_group: rdhooks-apply
  rules:
    - if: $CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - npx --no-install rdhooks apply "$MANIFEST" --auto-approve

drift:
  stage: plan
  resource_group: rdhooks-drift
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
  artifacts:
    when: always
    expire_in: 1 week
    paths:
      - rdhooks-drift.md
  script:
    - |
      set -euo pipefail
      # 0: the account matches the manifest, 2: drift, anything else: the check itself failed.
      set +e
      npx --no-install rdhooks plan "$MANIFEST" --format markdown --drift --detailed-exitcode --check-targets=all >rdhooks-drift.md 2>rdhooks-drift.log
      code=$?
      set -e
      cat rdhooks-drift.log >&2
      case "$code" in
        0) status=clean ;;
        2) status=drift ;;
        *) status=error ;;
      esac

      {
        if [ "$status" = drift ]; then
          echo '**Drift:** the RD Station account is not as the manifest wants: changed outside rdhooks, suspended by RD Station, or a target failing.'
          echo "Run \\\`rdhooks apply\\\` to restore the manifest, or change \\\`$MANIFEST\\\` to keep what the account has now."
          echo
          cat rdhooks-drift.md
        elif [ "$status" = error ]; then
          echo "**Error:** the drift check itself failed (\\\`rdhooks plan\\\` exited with code $code), so drift is unknown."
          echo
          echo '\`\`\`text'
          tail -c 20000 rdhooks-drift.log
          echo '\`\`\`'
        fi
        echo
        echo "Last checked by [pipeline]($CI_PIPELINE_URL) at commit $CI_COMMIT_SHORT_SHA."
      } >rdhooks-drift-issue.md

      # Search narrows by title; the exact comparison picks the issue, so similar titles never match.
      issues="$CI_API_V4_URL/projects/$CI_PROJECT_ID/issues"
      curl -sS --fail-with-body -G -H "PRIVATE-TOKEN: $GITLAB_TOKEN" \\
        --data-urlencode state=opened --data-urlencode in=title --data-urlencode per_page=100 \\
        --data-urlencode "search=$DRIFT_ISSUE_TITLE" "$issues" >rdhooks-issues.json
      iid=$(node -e '
        const issues = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const open = issues.find((i) => i.title === process.env.DRIFT_ISSUE_TITLE && i.state === "opened");
        console.log(open ? open.iid : "");
      ' <rdhooks-issues.json)

      if [ "$status" = clean ]; then
        if [ -n "$iid" ]; then
          curl -sS --fail-with-body -o /dev/null -X POST -H "PRIVATE-TOKEN: $GITLAB_TOKEN" \\
            --data-urlencode "body=The account matches the manifest again ([pipeline]($CI_PIPELINE_URL)). Closing." \\
            "$issues/$iid/notes"
          curl -sS --fail-with-body -o /dev/null -X PUT -H "PRIVATE-TOKEN: $GITLAB_TOKEN" \\
            --data-urlencode state_event=close "$issues/$iid"
          echo "Closed drift issue #$iid."
        else
          echo 'No drift and no open drift issue.'
        fi
        exit 0
      fi

      if [ -n "$iid" ]; then
        curl -sS --fail-with-body -o /dev/null -X PUT -H "PRIVATE-TOKEN: $GITLAB_TOKEN" \\
          --data-urlencode "description@rdhooks-drift-issue.md" "$issues/$iid"
        echo "Updated drift issue #$iid ($status)."
      else
        curl -sS --fail-with-body -o /dev/null -X POST -H "PRIVATE-TOKEN: $GITLAB_TOKEN" \\
          --data-urlencode "title=$DRIFT_ISSUE_TITLE" --data-urlencode "description@rdhooks-drift-issue.md" "$issues"
        echo "Opened a drift issue ($status)."
      fi
      if [ "$status" = drift ]; then
        echo "Drift: the account no longer matches $MANIFEST." >&2
      else
        echo "The drift check failed: rdhooks plan exited with code $code." >&2
      fi
      exit 1
`;

/** The GitHub workflows for a subject: plan, apply and drift. */
const githubTemplates = (s: Subject, examples: string): CiTemplate[] => [
  { path: '.github/workflows/rdhooks-plan.yml', example: `${examples}/plan.yml`, text: plan(s) },
  { path: '.github/workflows/rdhooks-apply.yml', example: `${examples}/apply.yml`, text: apply(s) },
  { path: '.github/workflows/rdhooks-drift.yml', example: `${examples}/drift.yml`, text: drift(s) },
];

/**
 * The files `rdhooks init` writes for each CI system, and for the workspace `init --workspace` writes (its
 * accounts' secrets listed). GitLab gets a whole .gitlab-ci.yml: init is for a repository that holds the manifest.
 */
export const CI_TEMPLATES: Readonly<Record<CiSystem | 'github-workspace', readonly CiTemplate[]>> = {
  github: githubTemplates(MANIFEST_SUBJECT, 'examples/github-actions'),
  gitlab: [{ path: '.gitlab-ci.yml', example: 'examples/gitlab-ci.yml', text: GITLAB }],
  'github-workspace': githubTemplates(WORKSPACE_SUBJECT, 'examples/github-actions/workspace'),
};
