# rdhooks action, command validate: the offline manifest check, as annotations on the pull request's diff.
# shellcheck shell=bash
set +e
rdhooks validate "${RDHOOKS_TARGET[@]}" --format github "${RDHOOKS_EXTRA[@]}"
code=$?
set -e
output exitcode "$code"
exit "$code"
