import type { Database } from "../env";

/** Project-level feature flags (definitions) and their per-environment state. Runs in the project's coordinator where noted. */

export interface CreateFeatureFlagOp {
  teamId: string;
  projectId: string;
  actor: string;
  flag: { id: string; slug: string; name: string; description?: string | null; tags: string[]; default_value: boolean };
}

export interface DeleteFeatureFlagOp {
  teamId: string;
  projectId: string;
  actor: string;
  slug: string;
}

/** Defines a flag for the whole project (in the project's coordinator: serialized with transfers out). */
export async function applyCreateFeatureFlag(_db: Database, _op: CreateFeatureFlagOp): Promise<unknown> {
  throw new Error("not implemented yet");
}

export async function applyDeleteFeatureFlag(_db: Database, _op: DeleteFeatureFlagOp): Promise<{ deleted: true }> {
  throw new Error("not implemented yet");
}
