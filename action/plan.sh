# rdhooks action, command plan: the plan, as files, in the job summary and as ONE pull-request comment that every
# later run edits in place (found by a hidden marker). A failed plan still replaces the comment, with the error,
# so reviewers never read a stale plan; then the step fails.
# shellcheck shell=bash
plan_account

# One comment per manifest (or workspace): the marker names it unless it is ./webhooks.yaml.
dir=${RDHOOKS_WORKING_DIRECTORY:-.}
dir=${dir%/}
dir=${dir#./}
where=$RDHOOKS_SUBJECT
if [ -n "$dir" ] && [ "$dir" != . ]; then where="$dir/$RDHOOKS_SUBJECT"; fi
where=${where#./}
if [ "$where" = webhooks.yaml ]; then
  RDHOOKS_MARKER='<!-- rdhooks-plan -->'
else
  RDHOOKS_MARKER="<!-- rdhooks-plan ${where//--/-} -->" # "--" may not appear inside an HTML comment
fi
export RDHOOKS_MARKER

comment="$PLAN_DIR/comment.md"
sha=${RDHOOKS_HEAD_SHA:-$GITHUB_SHA}
{
  echo "$RDHOOKS_MARKER"
  if [ "$PLAN_CODE" -eq 0 ] || [ "$PLAN_CODE" -eq 2 ]; then
    cat "$PLAN_DIR/plan.md"
  else
    echo '### rdhooks plan failed'
    echo
    echo "\`rdhooks plan\` exited with code $PLAN_CODE: what it could not plan is below, and was not compared with the account."
    echo
    # A workspace plans the accounts that did not fail: their part still tells.
    if [ -s "$PLAN_DIR/plan.md" ]; then cat "$PLAN_DIR/plan.md"; echo; fi
    log_block "$PLAN_DIR/plan.log"
  fi
  echo
  echo "<sub>Commit ${sha:0:7} · [workflow run]($(run_url))</sub>"
} >"$comment"

if [ -z "${RDHOOKS_PR_NUMBER:-}" ]; then
  echo 'Not a pull request: no plan comment.'
elif [ "${RDHOOKS_COMMENT:-true}" = false ]; then
  echo 'comment is false: no plan comment.'
else
  # The first comment that starts with the marker; --jq runs once per page, so keep the first line.
  ids=$(gh api "repos/$GITHUB_REPOSITORY/issues/$RDHOOKS_PR_NUMBER/comments" --paginate \
    --jq '.[] | select(.body | startswith(env.RDHOOKS_MARKER)) | .id') ||
    fail 'Could not read the pull-request comments: the job needs permissions: pull-requests: write.'
  id=${ids%%$'\n'*}
  if [ -n "$id" ]; then
    gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$comment" --silent ||
      fail "Could not update the plan comment $id: the job needs permissions: pull-requests: write."
    echo "Updated the plan comment $id."
  else
    gh api -X POST "repos/$GITHUB_REPOSITORY/issues/$RDHOOKS_PR_NUMBER/comments" -F "body=@$comment" --silent ||
      fail 'Could not post the plan comment: the job needs permissions: pull-requests: write.'
    echo 'Posted the plan comment.'
  fi
fi

if [ "$PLAN_CODE" -ne 0 ] && [ "$PLAN_CODE" -ne 2 ]; then
  summarize_failure 'rdhooks plan failed'
  fail "rdhooks plan failed with exit code $PLAN_CODE"
fi
