#!/usr/bin/env node
// Runs before `npm test`: the browser tests drive Debian's Chromium (no browser download is possible
// on these machines). Installs it with apt-get when missing and we are root; otherwise says how.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(path)) {
  if (process.getuid?.() === 0) {
    console.log("Installing Debian's chromium for the browser tests…");
    execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", {
      stdio: "inherit",
      shell: "/bin/bash",
    });
  } else {
    console.warn(
      `Chromium is missing at ${path}: run \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH); the browser tests will fail without it.`,
    );
  }
}
