import * as v from "valibot";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { pathId } from "../middleware/path-resources";
import { Email, ListOf, ListQuery, PrefixedId } from "../schemas/fields";
import { InvitationObject } from "../schemas/sign-in-codes";
import {
  acceptUserInvitation,
  findInvitationByToken,
  getUserInvitation,
  listUserInvitations,
  resendInvitation,
  revokeUserInvitation,
  sendInvitation,
} from "../services/sign-in/invitations";
import { codeScope } from "./code-scope";
import { envDoc } from "./doc";

const RoleSlug = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a role slug (lowercase letters, digits, - and _)."),
);
const Locale = v.pipe(v.string(), v.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, "must be a locale such as en or en-US."));

const SendInvitation = v.pipe(
  v.strictObject({
    email: Email,
    organization_id: v.optional(PrefixedId("organization")),
    expires_in_days: v.optional(
      v.pipe(
        v.number(),
        v.integer("must be a whole number of days."),
        v.minValue(1, "must be 1 to 30 days."),
        v.maxValue(30, "must be 1 to 30 days."),
      ),
    ),
    inviter_user_id: v.optional(PrefixedId("user")),
    role_slug: v.optional(RoleSlug),
    locale: v.optional(Locale),
  }),
  v.forward(
    v.check((i) => i.role_slug === undefined || i.organization_id !== undefined, "needs an organization_id."),
    ["role_slug" as never],
  ),
);
const ResendInvitation = v.strictObject({ locale: v.optional(Locale) });
const ListInvitations = ListQuery({
  email: v.optional(v.pipe(v.string(), v.maxLength(320))),
  organization_id: v.optional(PrefixedId("organization")),
});
const invitationId = (c: Parameters<typeof pathId>[0]) => pathId(c, "userInvitation", "invitation");

/** `/user_management/invitations`: invitations of the environment's users (SDK `sendInvitation` … `resendInvitation`). */
export const userInvitationsRoutes = createRouter()
  .post(
    "/user_management/invitations",
    envDoc({
      summary: "Send an invitation",
      description:
        "To the environment, or to one of its organizations (`role_slug` then names the membership's role). Valid `expires_in_days` " +
        "(1–30, default 7). The application sends the email (`invitation.created`, without the token); `locale` is accepted for that.",
      tags: ["User management"],
      responses: { 201: InvitationObject },
      errors: ["invitation_already_pending", "email_not_available", "organization_membership_already_exists"],
      write: true,
      post: true,
    }),
    validate("json", SendInvitation),
    async (c) => c.json(await sendInvitation(await codeScope(c), c.req.valid("json")), 201),
  )
  .get(
    "/user_management/invitations",
    envDoc({
      summary: "List invitations",
      description: "Filter by `email` or `organization_id`.",
      tags: ["User management"],
      responses: { 200: ListOf(InvitationObject) },
    }),
    validate("query", ListInvitations),
    async (c) => c.json(await listUserInvitations(await codeScope(c), c.req.valid("query"))),
  )
  .get(
    "/user_management/invitations/by_token/:token",
    envDoc({
      summary: "Find an invitation by its token",
      tags: ["User management"],
      responses: { 200: InvitationObject },
      errors: ["invitation_not_found"],
    }),
    async (c) => c.json(await findInvitationByToken(await codeScope(c), c.req.param("token"))),
  )
  .get(
    "/user_management/invitations/:id",
    envDoc({
      summary: "Get an invitation",
      tags: ["User management"],
      responses: { 200: InvitationObject },
      errors: ["invitation_not_found"],
    }),
    async (c) => c.json(await getUserInvitation(await codeScope(c), invitationId(c))),
  )
  .post(
    "/user_management/invitations/:id/accept",
    envDoc({
      summary: "Accept an invitation",
      description:
        "Makes the user with the invitation's email when there is none (unverified: accepting through the API proves no inbox) and, " +
        "for an organization's invitation, their membership (`organization_membership.created`); then `invitation.accepted`.",
      tags: ["User management"],
      responses: { 200: InvitationObject },
      errors: ["invitation_not_found", "invitation_not_pending"],
      post: true,
      bodyless: true,
    }),
    async (c) => c.json(await acceptUserInvitation(await codeScope(c), invitationId(c))),
  )
  .post(
    "/user_management/invitations/:id/revoke",
    envDoc({
      summary: "Revoke an invitation",
      tags: ["User management"],
      responses: { 200: InvitationObject },
      errors: ["invitation_not_found", "invitation_not_pending"],
      post: true,
      bodyless: true,
    }),
    async (c) => c.json(await revokeUserInvitation(await codeScope(c), invitationId(c))),
  )
  .post(
    "/user_management/invitations/:id/resend",
    envDoc({
      summary: "Resend an invitation",
      description: "A pending invitation only; `invitation.resent` tells the application to send the email again.",
      tags: ["User management"],
      responses: { 200: InvitationObject },
      errors: ["invitation_not_found", "invitation_not_pending"],
      write: true,
      post: true,
    }),
    validate("json", ResendInvitation),
    async (c) => c.json(await resendInvitation(await codeScope(c), invitationId(c))),
  );
