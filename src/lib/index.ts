/**
 * rdhooks as a library: load a manifest (or a workspace of several accounts), plan an account, render the plan,
 * apply it with callbacks. These exports, the manifest and workspace formats and the JSON plans follow semantic
 * versioning (README, "Versioning").
 */
export { loadManifest, type LoadOptions } from '../manifest/load.js';
export { formatGithub, formatJson, formatText } from '../manifest/format.js';
export type { Diagnostic, LoadResult, Manifest, DesiredWebhook, AbsentEntry, IgnoreRule } from '../manifest/types.js';

export { planWebhooks, type PlanMeta } from '../plan/plan.js';
export { PLAN_FORMAT_VERSION } from '../plan/types.js';
export type { Change, CreateChange, UpdateChange, DeleteChange, FieldChange, Plan, PlanError, PlanResult, PlanWarning, UnmanagedWebhook } from '../plan/types.js';

export { renderText, type TextOptions } from '../render/text.js';
export { renderJson } from '../render/json.js';
export { renderMarkdown, type MarkdownOptions } from '../render/markdown.js';
export { renderReportText, renderReportMarkdown } from '../render/report.js';
export {
  renderWorkspaceText,
  renderWorkspaceMarkdown,
  renderWorkspaceJson,
  workspacePlanDocument,
  workspaceStatus,
  workspaceSummary,
  WORKSPACE_FORMAT_VERSION,
  type AccountPlan,
  type WorkspacePlanDocument,
  type WorkspaceStatus,
} from '../render/workspace.js';

export { planAccount, type PlanAccountOptions, type PlanAccountResult, type PlannedAccount } from '../reconcile/plan-account.js';
export { applyPlan, type ApplyOutcome, type ApplyPlanOptions } from '../reconcile/apply-plan.js';
export { checkSavedPlan, readSavedPlan, savedPlanDifference, writeSavedPlan, SavedPlanError } from '../reconcile/saved-plan.js';
export { WrongAccountError, type AccountSession } from '../reconcile/session.js';
export { runAccounts, type AccountOutcome, type RunAccountsOptions } from '../reconcile/accounts.js';
export type { ActionReport, ApplyReport } from '../apply/execute.js';
export type { Verification } from '../apply/verify.js';

export { loadWorkspace, findWorkspace, type LoadWorkspaceOptions } from '../workspace/load.js';
export { loadAccountManifest } from '../workspace/account.js';
export { selectAccounts } from '../workspace/select.js';
export { readWorkspacePlan, writeWorkspacePlan, parseWorkspacePlan } from '../workspace/plan-file.js';
export { WORKSPACE_FILE, type Workspace, type WorkspaceAccount, type WorkspaceLoadResult, type CredentialSource, type AccountManifestSource } from '../workspace/types.js';

export { createHttpApi, createAuthClient, type HttpApiOptions } from '../rdstation/http.js';
export type { WebhookApi, Logger } from '../rdstation/api.js';
export type { Credentials } from '../rdstation/auth.js';
export { ApiError } from '../rdstation/errors.js';

export { UserError, InterruptedError } from '../shared/errors.js';
export type { RemoteWebhook, WebhookSpec } from '../shared/webhook.js';
export { VERSION } from '../shared/version.js';
