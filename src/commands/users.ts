import * as users from "../services/users";
import { type EnvironmentScope, writerOf } from "./scope";

/** An environment's users (`user.*` events); each returns the user object the event carries, or nothing. */

export const createUser = (scope: EnvironmentScope, input: users.UserInput) => users.insertUser(writerOf(scope), input);

/** Changes the given fields; a change of nothing answers the user as they are, with no event. */
export const updateUser = (scope: EnvironmentScope, input: { id: string } & users.UserPatch) => {
  const { id, ...patch } = input;
  return users.changeUser(writerOf(scope), id, patch);
};

/** Deletes the user with their memberships. */
export const deleteUser = (scope: EnvironmentScope, input: { id: string }) => users.removeUser(writerOf(scope), input.id);
