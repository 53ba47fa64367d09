import { buildWebhookPayload, type WebhookEvent } from "../test/harness/webhooks.ts";
const cases: Array<[WebhookEvent, string | undefined]> = [["push", undefined], ["pull_request","opened"],["pull_request","synchronize"],["pull_request","reopened"],["pull_request","ready_for_review"],["pull_request","edited"],["check_suite","requested"],["check_suite","rerequested"],["check_run","rerequested"],["check_run","requested_action"],["issue_comment","created"],["issue_comment","edited"],["installation","created"],["installation","deleted"],["installation_repositories","added"],["installation_repositories","removed"]];
for (const [e,a] of cases) {
  try { const p = buildWebhookPayload({ event: e, action: a, installationId: 9, repository: { owner: "acme", name: "shop" } }); console.log(e, a, "OK", JSON.stringify(p).length); }
  catch (err) { console.log(e, a, String(err).slice(0, 600)); }
}
