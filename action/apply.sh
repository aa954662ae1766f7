# rdhooks action, command apply: converge the account to the manifest, without asking. rdhooks appends the plan
# and the apply report to the job summary.
# shellcheck shell=bash
set +e
rdhooks apply "${RDHOOKS_TARGET[@]}" --auto-approve "${RDHOOKS_EXTRA[@]}"
code=$?
set -e
output exitcode "$code"
if [ "$code" -ne 0 ]; then
  fail "rdhooks apply failed with exit code $code"
fi
