import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { MessagePage } from "../page";
import { authorizeRoutes } from "./authorize";
import { linkRoutes } from "./links";
import { logoutRoutes } from "./logout";
import { passwordResetRoutes } from "./password-reset";
import { DEFAULT_LOOK, page } from "./request";
import { verifyEmailRoutes } from "./verify-email";

/**
 * The hosted sign-in surface: `GET /user_management/authorize` (the authorization endpoint of every application),
 * the hosted page's views and forms under `/user_management/authorize/…`, `GET /user_management/sessions/logout`, and
 * the links the environment API hands out (`/user_management/{client_id}/reset_password`, `…/accept_invitation`).
 * Pages for people, not API: HTML in, HTML out, no environment key. The rules live in services/, the writes in
 * commands/sign-in.ts. The flows' routes do not overlap, and are mounted in the order they were written.
 */
export const signInSurface = createRouter()
  // Pages answer with pages: a refusal the views did not expect is shown, not answered as the API's JSON. The
  // flows' routers have no error handler of their own, so this one answers for them.
  .onError((err, c) => {
    if (err instanceof ApiError) {
      return page(
        c,
        err.status,
        <MessagePage look={DEFAULT_LOOK} title="Sign-in failed">
          <p>{err.message}</p>
        </MessagePage>,
      );
    }
    console.error(JSON.stringify({ request_id: c.var.requestId, error: String(err), stack: err?.stack }));
    return page(
      c,
      500,
      <MessagePage look={DEFAULT_LOOK} title="Something went wrong">
        <p>Something went wrong on our side. Go back to the application and try again. Request id: {c.var.requestId}.</p>
      </MessagePage>,
    );
  })
  .route("/", authorizeRoutes)
  .route("/", verifyEmailRoutes)
  .route("/", passwordResetRoutes)
  .route("/", logoutRoutes)
  .route("/", linkRoutes);
