import type { Database } from "../env";

export interface AddEmailDomainOp {
  teamId: string;
  projectId: string;
  actor: string;
  id: string;
  domain: string;
}
export interface DeleteEmailDomainOp {
  teamId: string;
  projectId: string;
  actor: string;
  id: string;
}
export async function applyAddEmailDomain(_db: Database, _op: AddEmailDomainOp): Promise<unknown> {
  throw new Error("not implemented yet");
}
export async function applyDeleteEmailDomain(_db: Database, _op: DeleteEmailDomainOp): Promise<{ deleted: true }> {
  throw new Error("not implemented yet");
}
