// The React pieces, rendered with react-test-renderer under the real React Native preset:
// ErrorBoundary / withErrorBoundary, navigation tracking (React Navigation's container contract,
// without React Navigation), useScreen.
import * as React from "react";
import { Text, View } from "react-native";
import TestRenderer, { act } from "react-test-renderer";
import {
  ErrorBoundary, close, createNavigationTracker, currentScreenName, getClient, init, setScreen, useNavigationTracking,
  useScreen, withErrorBoundary,
} from "../src";
import { startStandIn, type StandIn } from "./helpers/standin";

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(() => server.close());
beforeEach(() => {
  init({ endpoint: server.url, secret: "components-secret-0123456789", environment: "test", release: "1.0.0",
    storage: false, autoCapture: false, flushOnBackground: false, flushInterval: 60000, logger: false });
  jest.spyOn(console, "error").mockImplementation(() => {}); // React reports caught errors too
});
afterEach(async () => {
  await close(200);
  server.requests.length = 0;
  jest.restoreAllMocks();
});

function Broken({ explode }: { explode: boolean }): React.ReactElement {
  if (explode) throw new Error("Cannot render the order summary");
  return <Text>order summary</Text>;
}

function render(element: React.ReactElement): TestRenderer.ReactTestRenderer {
  let r!: TestRenderer.ReactTestRenderer;
  act(() => {
    r = TestRenderer.create(element);
  });
  return r;
}

function texts(r: TestRenderer.ReactTestRenderer): string[] {
  return r.root.findAllByType(Text).map((t) => String(([] as unknown[]).concat(t.props.children).join("")));
}

describe("ErrorBoundary", () => {
  test("renders the fallback, reports the error with React's component stack, and can reset", async () => {
    const onError = jest.fn();
    const order = { broken: true };
    function Summary() {
      return <Broken explode={order.broken} />;
    }
    const App = () => (
      <View>
        <ErrorBoundary
          onError={onError}
          context={{ screen: "Cart", metadata: { cart_items: 2 } }}
          fallback={({ error, resetError }) => (
            <Text onPress={() => { order.broken = false; resetError(); }}>{`Something went wrong: ${(error as Error).message}`}</Text>
          )}
        >
          <Summary />
        </ErrorBoundary>
      </View>
    );
    const r = render(<App />);
    expect(texts(r)).toEqual(["Something went wrong: Cannot render the order summary"]);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "Cannot render the order summary" }), expect.any(String));
    expect(await getClient()!.flush(5000)).toBe(true);
    const [event] = server.events();
    expect(event).toMatchObject({
      error_type: "Error", message: "Cannot render the order summary", screen: "Cart",
      metadata: { cart_items: 2, mechanism: "ErrorBoundary", handled: true },
    });
    expect(event.metadata.component_stack).toMatch(/Broken/);
    expect(event.stack).toMatch(/^\s+at Broken \(.*components\.test\.tsx:\d+:\d+\)/);
    act(() => {
      r.root.findByType(Text).props.onPress();
    });
    expect(texts(r)).toEqual(["order summary"]);
  });

  test("without a fallback it renders nothing; withErrorBoundary wraps a component", async () => {
    const r = render(<ErrorBoundary><Broken explode /></ErrorBoundary>);
    expect(r.toJSON()).toBeNull();
    const Safe = withErrorBoundary(Broken, { fallback: <Text>fallback</Text> });
    expect(Safe.displayName).toBe("withErrorBoundary(Broken)");
    const r2 = render(<Safe explode />);
    expect(texts(r2)).toEqual(["fallback"]);
    expect(await getClient()!.flush(5000)).toBe(true);
    expect(server.events()).toHaveLength(2);
  });

  test("before init (no client) it still renders the fallback and reports nothing", async () => {
    await close();
    const r = render(<ErrorBoundary fallback={<Text>offline fallback</Text>}><Broken explode /></ErrorBoundary>);
    expect(texts(r)).toEqual(["offline fallback"]);
  });
});

describe("navigation", () => {
  const nested = {
    index: 1,
    routes: [
      { name: "Home" },
      { name: "Shop", state: { index: 0, routes: [{ name: "Product" }, { name: "Cart" }] } },
    ],
  };

  test("currentScreenName follows nested navigators to the focused leaf", () => {
    expect(currentScreenName(nested)).toBe("Product");
    expect(currentScreenName({ routes: [{ name: "Only" }] })).toBe("Only");
    expect(currentScreenName(undefined)).toBeUndefined();
    expect(currentScreenName({ index: 5, routes: [] })).toBeUndefined();
  });

  test("useNavigationTracking: onReady and onStateChange on the container record the screen sent with events", async () => {
    let route = "Home";
    const navigationRef = { getCurrentRoute: () => ({ name: route }) };
    // What React Navigation's NavigationContainer does with these props.
    let container!: { onReady: () => void; onStateChange: (s?: any) => void };
    function FakeContainer(props: { onReady: () => void; onStateChange: (s?: any) => void; children?: React.ReactNode }) {
      container = props;
      React.useEffect(() => props.onReady(), []);
      return <View>{props.children}</View>;
    }
    function App() {
      const tracking = useNavigationTracking(navigationRef);
      return <FakeContainer {...tracking}><Text>app</Text></FakeContainer>;
    }
    render(<App />);
    expect(getClient()!.getDefaults().screen).toBe("Home");
    route = "Checkout";
    act(() => container.onStateChange({ index: 0, routes: [{ name: "Checkout" }] }));
    getClient()!.captureMessage("PaymentFailed", "declined");
    expect(await getClient()!.flush(5000)).toBe(true);
    expect(server.events()[0].screen).toBe("Checkout");
  });

  test("without a ref the state passed to onStateChange is used; screenName can rename or skip", () => {
    const tracker = createNavigationTracker(undefined, { screenName: (r) => (r === "Secret" ? undefined : `app/${r}`) });
    tracker.onStateChange(nested);
    expect(getClient()!.getDefaults().screen).toBe("app/Product");
    tracker.onStateChange({ routes: [{ name: "Secret" }] });
    expect(getClient()!.getDefaults().screen).toBe("app/Product");
  });

  test("a ref object with .current (useRef) works too; a throwing ref does not break navigation", () => {
    createNavigationTracker({ current: { getCurrentRoute: () => ({ name: "Settings" }) } }).onReady();
    expect(getClient()!.getDefaults().screen).toBe("Settings");
    const throwing = { getCurrentRoute: () => { throw new Error("not ready"); } };
    expect(() => createNavigationTracker(throwing).onStateChange({ routes: [{ name: "Fallback" }] })).not.toThrow();
    expect(getClient()!.getDefaults().screen).toBe("Fallback");
  });

  test("useScreen records the screen while mounted and restores the one before", () => {
    setScreen("Home");
    function Profile() {
      useScreen("Profile");
      return <Text>profile</Text>;
    }
    const r = render(<Profile />);
    expect(getClient()!.getDefaults().screen).toBe("Profile");
    act(() => r.unmount());
    expect(getClient()!.getDefaults().screen).toBe("Home");
    setScreen(undefined);
    expect(getClient()!.getDefaults().screen).toBeUndefined();
  });
});
