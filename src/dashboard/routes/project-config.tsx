import type { Context } from "hono";
import * as emailDomains from "../../commands/email-domains";
import * as featureFlags from "../../commands/feature-flags";
import type { AppEnv } from "../../env";
import { notFound } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { projectScope, teamEnvironmentScope } from "../../middleware/command-scope";
import { pathId } from "../../middleware/path-resources";
import { AddEmailDomain } from "../../schemas/email-domains";
import { CreateFlag, UpdateFlag } from "../../schemas/feature-flags";
import { attempt, check, commas, done, formOf, text } from "../forms";
import { DOMAIN_LABELS, FLAG_LABELS, projectConfigPage } from "../pages/project-config";
import { projectUrl } from "../shell";

const C = "/teams/:team_id/projects/:project_id/config";

const configUrl = (c: Context<AppEnv>, anchor: "feature-flags" | "email-domains") =>
  `${projectUrl(c.var.team, c.var.project)}/config#${anchor}`;

const emailDomainId = (c: Context<AppEnv>) => pathId(c, "emailDomain", "email_domain", "email_domain_id");

/** Project-level configuration: feature flags (and their state per environment), custom email domains. */
export const projectConfigRoutes = createRouter()
  .get(C, (c) => projectConfigPage(c))
  .post(`${C}/feature_flags`, (c) =>
    attempt(
      c,
      "flag",
      FLAG_LABELS,
      async (f) => {
        const input = check(CreateFlag, {
          slug: text(f, "slug").trim(),
          name: text(f, "name"),
          description: text(f, "description").trim() || undefined,
          tags: commas(text(f, "tags")),
          default_value: text(f, "default_value") === "true",
        });
        await featureFlags.createFeatureFlag(projectScope(c), input);
        return done(c, configUrl(c, "feature-flags"), { message: `Feature flag ${input.slug} created.` });
      },
      (s) => projectConfigPage(c, s),
    ),
  )
  .post(`${C}/feature_flags/:slug`, (c) => {
    const slug = c.req.param("slug");
    return attempt(
      c,
      `flag-${slug}`,
      FLAG_LABELS,
      async (f) => {
        const patch = check(UpdateFlag, {
          name: text(f, "name"),
          description: text(f, "description").trim() || null,
          tags: commas(text(f, "tags")),
          default_value: text(f, "default_value") === "true",
        });
        await featureFlags.updateFeatureFlag(projectScope(c), { slug, ...patch });
        return done(c, configUrl(c, "feature-flags"), { message: `Feature flag ${slug} saved.` });
      },
      (s) => projectConfigPage(c, s),
    );
  })
  .post(`${C}/feature_flags/:slug/delete`, async (c) => {
    const slug = c.req.param("slug");
    await featureFlags.deleteFeatureFlag(projectScope(c), { slug });
    return done(c, configUrl(c, "feature-flags"), { message: `Feature flag ${slug} deleted.` });
  })
  // The path's environment is loaded (and checked to be the team's) by the dashboard's loaders; it must be the project's.
  .post(`${C}/feature_flags/:slug/environments/:environment_id`, async (c) => {
    const { project, environment: env } = c.var;
    if (env.projectId !== project.id) throw notFound("environment", env.id);
    const enabled = text(await formOf(c), "enabled") === "true";
    // The environment API's own command (PUT /feature-flags/:slug/enabled of that environment).
    const { flag } = await featureFlags.switchFeatureFlag(teamEnvironmentScope(c), { slug: c.req.param("slug"), enabled });
    return done(c, configUrl(c, "feature-flags"), { message: `${flag.slug} is ${enabled ? "on" : "off"} in ${env.name}.` });
  })
  .post(`${C}/email_domains`, (c) =>
    attempt(
      c,
      "domain",
      DOMAIN_LABELS,
      async (f) => {
        const { domain } = check(AddEmailDomain, { domain: text(f, "domain").trim() });
        await emailDomains.addEmailDomain(projectScope(c), { domain });
        return done(c, configUrl(c, "email-domains"), { message: `${domain} added: create its DNS records, then verify it.` });
      },
      (s) => projectConfigPage(c, s),
    ),
  )
  .post(`${C}/email_domains/:email_domain_id/verify`, (c) => {
    const id = emailDomainId(c);
    return attempt(
      c,
      `domain-${id}`,
      DOMAIN_LABELS,
      async () => {
        const checked = await emailDomains.verifyEmailDomain(projectScope(c), { id });
        return done(c, configUrl(c, "email-domains"), {
          kind: checked.state === "verified" ? "notice" : "warning",
          message:
            checked.state === "verified"
              ? `${checked.domain} is verified.`
              : `${checked.domain} is not verified yet: its DNS records were not found. DNS changes can take a while.`,
        });
      },
      (s) => projectConfigPage(c, s),
    );
  })
  .post(`${C}/email_domains/:email_domain_id/delete`, async (c) => {
    await emailDomains.deleteEmailDomain(projectScope(c), { id: emailDomainId(c) });
    return done(c, configUrl(c, "email-domains"), { message: "Email domain deleted." });
  });
