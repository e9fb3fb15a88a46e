// examples/App.tsx, run: rendered under the React Native preset and used as a person would, with
// bloop pointed at a loopback stand-in.
import * as React from "react";
import { Text } from "react-native";
import TestRenderer, { act } from "react-test-renderer";
import { App } from "../examples/App";
import { startBloop } from "../examples/bloop";
import { close, flush, whenRestored } from "../src";
import { recordingStorage, sleep, startStandIn, type StandIn } from "./helpers/standin";

const ErrorUtils = (globalThis as any).ErrorUtils;
const originalHandler = ErrorUtils.getGlobalHandler();
let server: StandIn;

beforeAll(async () => {
  server = await startStandIn();
});
afterAll(async () => {
  await close(200);
  ErrorUtils.setGlobalHandler(originalHandler);
  await server.close();
});

/** A press as React Native dispatches it: a throwing handler goes to ErrorUtils as fatal. */
function press(r: TestRenderer.ReactTestRenderer, testID: string) {
  act(() => {
    try {
      r.root.findByProps({ testID }).props.onPress();
    } catch (error) {
      ErrorUtils.reportFatalError(error);
    }
  });
}

test("the example app reports a handled error, a render error with its screen, and a crash that survives a restart", async () => {
  jest.spyOn(console, "error").mockImplementation(() => {});
  (globalThis as any).__DEV__ = false;
  const rnDefault = jest.fn(); // React Native's handler: would end the app
  ErrorUtils.setGlobalHandler(rnDefault);
  const storage = recordingStorage();
  server.respond((_req, i) => (i >= 2 ? { status: 503, headers: { "Retry-After": "60" } } : undefined));
  startBloop({ endpoint: server.url, storage, logger: false, shutdownTimeout: 500 });

  let r!: TestRenderer.ReactTestRenderer;
  act(() => {
    r = TestRenderer.create(<App />);
  });
  press(r, "report");
  expect(await flush(5000)).toBe(true);
  expect(server.events()[0]).toMatchObject({ error_type: "SyntaxError", screen: "Home", metadata: { action: "parse-banner" } });

  press(r, "to-cart");
  press(r, "break");
  expect(r.root.findAllByType(Text).map((t) => t.props.children)).toContain("Something went wrong. We have been told.");
  expect(await flush(5000)).toBe(true);
  expect(server.events()[1]).toMatchObject({ error_type: "TypeError", screen: "Cart", metadata: { mechanism: "ErrorBoundary" } });
  expect(server.events()[1].metadata.component_stack).toMatch(/CartTotal/);

  press(r, "retry");
  press(r, "to-cart");
  // bloop is now answering 503: the crash cannot go out before React Native ends the app.
  press(r, "crash");
  const deadline = Date.now() + 5000;
  while (rnDefault.mock.calls.length === 0 && Date.now() < deadline) await sleep(20);
  expect(rnDefault).toHaveBeenCalledWith(expect.objectContaining({ message: "Checkout state corrupted" }), true);
  expect(storage.stored()).toMatchObject([{ message: "Checkout state corrupted", screen: "Cart", metadata: { fatal: true } }]);
  act(() => r.unmount());

  // The next start of the app.
  server.respond(() => undefined);
  startBloop({ endpoint: server.url, storage, logger: false });
  expect(await whenRestored()).toBe(1);
  expect(await flush(5000)).toBe(true);
  expect(server.events().at(-1)).toMatchObject({ message: "Checkout state corrupted", screen: "Cart", release: "shop-mobile@1.4.2" });
  (globalThis as any).__DEV__ = true;
});
