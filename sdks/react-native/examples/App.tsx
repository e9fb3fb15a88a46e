// A small app wired to bloop: an error boundary around the screens, the current screen recorded,
// a handled error reported, a render error caught, and a crash (stored, sent at the next start).
// With React Navigation, replace the state-based screens by:
//   const ref = useNavigationContainerRef();
//   <NavigationContainer ref={ref} {...Bloop.useNavigationTracking(ref)}>…</NavigationContainer>
import * as React from "react";
import { Button, Text, View } from "react-native";
import * as Bloop from "../src";

type ScreenName = "Home" | "Cart";

function Home({ go }: { go: (s: ScreenName) => void }) {
  Bloop.useScreen("Home");
  const reportHandled = () => {
    try {
      JSON.parse("{ not json");
    } catch (error) {
      Bloop.captureException(error, { metadata: { action: "parse-banner" } });
    }
  };
  return (
    <View>
      <Text>Home</Text>
      <Button testID="report" title="Report a handled error" onPress={reportHandled} />
      <Button testID="to-cart" title="Go to the cart" onPress={() => go("Cart")} />
    </View>
  );
}

function CartTotal({ items }: { items: Array<{ price: number }> | undefined }) {
  // A render error when the cart did not load: caught by the boundary.
  const total = items!.reduce((sum, item) => sum + item.price, 0);
  return <Text>Total: {total}</Text>;
}

function Cart() {
  Bloop.useScreen("Cart");
  const [broken, setBroken] = React.useState(false);
  return (
    <View>
      <Text>Cart</Text>
      {broken ? <CartTotal items={undefined} /> : <CartTotal items={[{ price: 3 }, { price: 4 }]} />}
      <Button testID="break" title="Break this screen" onPress={() => setBroken(true)} />
      <Button
        testID="crash"
        title="Crash the app"
        onPress={() => {
          // Thrown in a press handler: React Native reports it as fatal; bloop stores it, flushes,
          // then lets React Native end the app. Sent at the next start if it could not go out.
          throw new Error("Checkout state corrupted");
        }}
      />
    </View>
  );
}

export function App(): React.ReactElement {
  const [screen, setScreen] = React.useState<ScreenName>("Home");
  return (
    <Bloop.ErrorBoundary
      fallback={({ resetError }) => (
        <View>
          <Text>Something went wrong. We have been told.</Text>
          <Button testID="retry" title="Try again" onPress={() => { setScreen("Home"); resetError(); }} />
        </View>
      )}
    >
      {screen === "Home" ? <Home go={setScreen} /> : <Cart />}
    </Bloop.ErrorBoundary>
  );
}
