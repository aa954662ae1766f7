# Shared by the rdhooks action's scripts; sourced, never run alone.
# shellcheck shell=bash

# The repository's installed rdhooks, never a package fetched by name with the RD Station secrets around. The
# GitHub token is for gh alone: rdhooks does not need it.
rdhooks() {
  env -u GH_TOKEN npx --no-install rdhooks "$@"
}

# Extra flags from the args input, split on whitespace.
read -r -a RDHOOKS_EXTRA <<<"${RDHOOKS_ARGS:-}"

# What rdhooks runs on: every account of the workspace input when it is set, else the manifest; and its name
# (RDHOOKS_SUBJECT, which plan.sh and drift.sh use).
# shellcheck disable=SC2034
if [ -n "${RDHOOKS_WORKSPACE:-}" ]; then
  RDHOOKS_TARGET=(--workspace "$RDHOOKS_WORKSPACE")
  RDHOOKS_SUBJECT=$RDHOOKS_WORKSPACE
else
  RDHOOKS_TARGET=("$RDHOOKS_MANIFEST")
  RDHOOKS_SUBJECT=$RDHOOKS_MANIFEST
fi

# TEXT made safe as the message of a workflow command (GitHub's own escaping of %, CR and LF).
escape_data() {
  local s=${1//'%'/%25}
  s=${s//$'\r'/%0D}
  printf '%s' "${s//$'\n'/%0A}"
}

# Reports MESSAGE as an error annotation and fails the step.
fail() {
  echo "::error::$(escape_data "$1")"
  exit 1
}

# Sets the step output NAME to the one-line VALUE.
output() {
  echo "$1=$2" >>"$GITHUB_OUTPUT"
}

# The link to this workflow run.
run_url() {
  echo "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
}

# The end of the log FILE as a fenced block (comments and issues have size limits). Workflow command lines are
# left out: they are for the runner, and ::add-mask:: carries the secret it hides.
log_block() {
  echo '```text'
  tail -c 20000 "$1" | grep -v '^::' || true
  echo '```'
}

# Plans the manifest (or workspace) with --detailed-exitcode (and the flags given) into a fresh directory under
# $RUNNER_TEMP; sets PLAN_CODE (0: nothing to do, 2: changes or findings, else failed), PLAN_DIR, and the outputs
# exitcode, has-changes and the plan files. A workspace with a failed account still has a Markdown plan (the others'
# plans, and the error in the failed one's row).
# rdhooks itself appends the Markdown plan to $GITHUB_STEP_SUMMARY.
plan_account() {
  PLAN_DIR=$(mktemp -d "$RUNNER_TEMP/rdhooks-XXXXXX")
  set +e
  rdhooks plan "${RDHOOKS_TARGET[@]}" --format markdown --detailed-exitcode --out "$PLAN_DIR/plan.json" "$@" "${RDHOOKS_EXTRA[@]}" \
    >"$PLAN_DIR/plan.md" 2>"$PLAN_DIR/plan.log"
  PLAN_CODE=$?
  set -e
  cat "$PLAN_DIR/plan.log" >&2
  output exitcode "$PLAN_CODE"
  case "$PLAN_CODE" in
    0 | 2)
      if [ "$PLAN_CODE" -eq 2 ]; then output has-changes true; else output has-changes false; fi
      output plan-markdown-file "$PLAN_DIR/plan.md"
      output plan-json-file "$PLAN_DIR/plan.json"
      ;;
  esac
}

# Appends a failed plan's log to the job summary under TITLE.
summarize_failure() {
  { echo "### $1"; echo; log_block "$PLAN_DIR/plan.log"; } >>"$GITHUB_STEP_SUMMARY"
}
