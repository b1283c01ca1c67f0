import * as connections from "../services/connections";
import { type EnvironmentScope, type TeamEnvironmentScope, writerOf } from "./scope";

/** An active SSO connection for an organization of the environment (`connection.activated`). Returns the connection object. */
export const createConnection = (
  scope: TeamEnvironmentScope,
  input: { organization_id: string; connection_type: string; name: string },
) => connections.insertConnection(writerOf(scope), input);

/** Deletes a connection of the environment (`connection.deleted`). */
export const deleteConnection = (scope: EnvironmentScope, input: { id: string }) =>
  connections.removeConnection(writerOf(scope), input.id);
