// End-to-end tests against one real bloop server started from the built jar (BLOOP_JAR).
import { after, before } from "node:test";
import { startBloop, type Bloop } from "./helpers/bloop.js";
import { browserE2E } from "./e2e/browser.js";
import { cliE2E } from "./e2e/cli.js";
import { nodeE2E } from "./e2e/node.js";

let bloop: Bloop | undefined;
before(async () => {
  bloop = await startBloop("errors:read,sourcemaps:write,sourcemaps:read");
});
after(async () => {
  await bloop?.stop();
});
const server = (): Bloop => {
  if (!bloop) throw new Error("bloop did not start");
  return bloop;
};

nodeE2E(server);
cliE2E(server);
browserE2E(server);
