import { revokeUserSession } from "../services/sign-in";
import { type EnvironmentScope, writerOf } from "./scope";

/** Ends a user's session at once (`session.revoked`); the revoked session, or undefined when it had already ended. */
export const revokeSession = (scope: EnvironmentScope, input: { id: string }) =>
  revokeUserSession(writerOf(scope), scope.environment.id, input.id);
