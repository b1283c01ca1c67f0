// What the seed leaves out and some GET routes need: project-level configuration (a feature flag, a custom
// email domain, an Audit Logs schema), a webhook endpoint and a team invitation, made through the API in the big environment's
// project, and a second environment there. Made after the transfers, since configuration blocks a transfer out of its project.

export async function createFixtures(platform, environment, teamId, projectId) {
  const project = `/platform/teams/${teamId}/projects/${projectId}`;
  const flagSlug = "bench-flag";
  const auditAction = "bench.exported";
  const made = await Promise.all([
    platform.post(`${project}/feature_flags`, { slug: flagSlug, name: "Bench flag" }),
    platform.post(`${project}/email_domains`, { domain: "mail.bench.test" }),
    environment.post(`/audit_logs/actions/${auditAction}/schemas`, { targets: [{ type: "user" }] }),
    environment.post("/webhook_endpoints", { endpoint_url: "https://hooks.bench.test/workos", events: ["user.created"] }),
    platform.post(`/platform/teams/${teamId}/invitations`, { email: "invitee@bench.test", role_slug: "member" }),
    // A second environment in the big environment's project, so that the transfer wizard's review can show the
    // big environment (everything seeded) moving out of it.
    platform.post(`/platform/teams/${teamId}/environments`, { project_id: projectId, name: "Bench staging" }),
  ]);
  const failed = made.find((res) => res.status !== 201);
  if (failed) throw new Error(`A fixture was refused (${failed.status}): ${failed.text}`);
  const [, emailDomain, , webhookEndpoint, invitation] = made.map((res) => res.json());
  return {
    bigProject: projectId,
    flagSlug,
    auditAction,
    emailDomain: emailDomain.id,
    webhookEndpoint: webhookEndpoint.id,
    invitation: invitation.id,
  };
}
