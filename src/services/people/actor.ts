/**
 * Who did something: a person acting as a team member, or a platform client. Team events and transfer
 * records store it as JSON text; rows written before people existed hold a bare client id, read back as
 * `{type: "client", id}`.
 */
export type Actor = { type: "member"; id: string; email: string } | { type: "client"; id: string };

/** An actor as writers pass it: an Actor, or a bare platform client id (the older form). */
export type ActorRef = Actor | string;

export const clientActor = (id: string): Actor => ({ type: "client", id });

/** The stored form of an actor (a column of text). */
export const actorToColumn = (actor: ActorRef): string => (typeof actor === "string" ? actor : JSON.stringify(actor));

/** Reads an actor column: JSON from now on, a bare client id in older rows. */
export function actorFromColumn(value: string): Actor {
  if (value.startsWith("{")) {
    try {
      const parsed = JSON.parse(value) as Actor;
      if (parsed && (parsed.type === "member" || parsed.type === "client")) return parsed;
    } catch {
      // not JSON after all: a client id that starts with "{" is not one we issue, but read it as such
    }
  }
  return clientActor(value);
}
