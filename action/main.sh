#!/usr/bin/env bash
# The rdhooks action's one step (see action.yml): checks the command and that rdhooks is installed, then runs
# action/<command>.sh. Inputs arrive as RDHOOKS_* environment variables.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=action/lib.sh
. "$here/lib.sh"

case "${RDHOOKS_COMMAND:-}" in
  validate | plan | apply | drift) ;;
  *) fail "rdhooks action: the command input must be validate, plan, apply or drift, not '${RDHOOKS_COMMAND:-}'." ;;
esac

# With --no-install nothing is downloaded: a missing rdhooks is an error here, never a package fetched by name.
if ! rdhooks --version >/dev/null 2>&1; then
  fail "rdhooks action: rdhooks is not installed in $PWD. Add it as a dev dependency (npm install --save-dev --save-exact rdhooks) and run npm ci before this step."
fi

# shellcheck source=/dev/null
. "$here/$RDHOOKS_COMMAND.sh"
