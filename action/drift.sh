# rdhooks action, command drift: plan --detailed-exitcode on a schedule. On drift (someone changed the account by
# hand) or on an error it opens ONE issue, or updates the open one with the same title; once the account matches
# the manifest again it closes that issue. The step fails on drift and on errors, so the run is red too.
# shellcheck shell=bash
plan_account --drift
case "$PLAN_CODE" in
  0) status=clean ;;
  2) status=drift ;;
  *) status=error ;;
esac

report="$PLAN_DIR/issue.md"
{
  if [ "$status" = drift ]; then
    echo '**Drift:** the RD Station account is not as the manifest wants: changed outside rdhooks, suspended by RD Station, or a target failing.'
    echo "Run \`rdhooks apply\` to restore the manifest (\`--replace\` recreates a suspended webhook once its target answers), or change \`$RDHOOKS_SUBJECT\` to keep what the account has now."
    echo
    cat "$PLAN_DIR/plan.md"
  elif [ "$status" = error ]; then
    echo "**Error:** the drift check itself failed (\`rdhooks plan\` exited with code $PLAN_CODE), so drift is unknown."
    echo
    # A workspace plans the accounts that did not fail: their part still tells.
    if [ -s "$PLAN_DIR/plan.md" ]; then cat "$PLAN_DIR/plan.md"; echo; fi
    log_block "$PLAN_DIR/plan.log"
  fi
  echo
  echo "Last checked by [workflow run]($(run_url)) at commit ${GITHUB_SHA:0:7}."
} >"$report"

# Search narrows by title; the exact comparison picks the issue, so similar titles never match.
export RDHOOKS_DRIFT_ISSUE_TITLE
numbers=$(gh issue list --repo "$GITHUB_REPOSITORY" --state open --search "in:title \"$RDHOOKS_DRIFT_ISSUE_TITLE\"" \
  --json number,title --jq '.[] | select(.title == env.RDHOOKS_DRIFT_ISSUE_TITLE) | .number') ||
  fail 'Could not list the issues: the job needs permissions: issues: write.'
number=${numbers%%$'\n'*}

if [ "$status" = clean ]; then
  if [ -n "$number" ]; then
    gh issue close "$number" --repo "$GITHUB_REPOSITORY" \
      --comment "The account matches the manifest again ([workflow run]($(run_url))). Closing." ||
      fail "Could not close the drift issue #$number: the job needs permissions: issues: write."
    echo "Closed drift issue #$number."
  else
    echo 'No drift and no open drift issue.'
  fi
  echo "No drift: the account matches $RDHOOKS_SUBJECT."
  exit 0
fi

if [ -n "$number" ]; then
  gh issue edit "$number" --repo "$GITHUB_REPOSITORY" --body-file "$report" ||
    fail "Could not update the drift issue #$number: the job needs permissions: issues: write."
  echo "Updated drift issue #$number ($status)."
else
  gh issue create --repo "$GITHUB_REPOSITORY" --title "$RDHOOKS_DRIFT_ISSUE_TITLE" --body-file "$report" ||
    fail 'Could not open the drift issue: the job needs permissions: issues: write.'
  echo "Opened a drift issue ($status)."
fi

if [ "$status" = drift ]; then
  fail "Drift: the account no longer matches $RDHOOKS_SUBJECT."
fi
summarize_failure 'rdhooks drift check failed'
fail "The drift check failed: rdhooks plan exited with code $PLAN_CODE."
