import { describe, expect, it } from "vitest";
import { newTeam, session } from "./helpers";

describe("smoke", () => {
  it("creates a team", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    expect(team.production_state).toBe("Inactive");
    expect(project.name).toBe("Default");
    expect(environments.map((e) => [e.name, e.production, e.locked])).toEqual([
      ["Staging", false, false],
      ["Production", true, true],
    ]);
  });
});
