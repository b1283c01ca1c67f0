import { rotateSigningKeys as rotate } from "../services/sign-in";
import type { TeamEnvironmentScope } from "./scope";

/**
 * Rotates the environment's token signing key: a new key signs from now on, the previous one keeps verifying
 * what it signed until those tokens expire. Returns the published keys (the new current one and the previous).
 */
export const rotateSigningKey = (scope: TeamEnvironmentScope, _input: Record<string, never> = {}) =>
  rotate(scope.env, scope.store, scope.environment.id);
