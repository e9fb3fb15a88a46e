/**
 * Screen tracking: the current screen is sent as `screen` with every event. Works with React
 * Navigation's container (its ref and `onReady`/`onStateChange` props) without importing it, and
 * with anything else through `setScreen` / `useScreen`.
 */
import { useCallback, useEffect, useMemo, useRef } from "react";
import type { BloopClient } from "@bloop/sdk";
import { getClient } from "@bloop/sdk";
import { setScreen } from "./client";

/** The shape of a React Navigation state (nested navigators included). */
export interface NavigationStateLike {
  index?: number;
  routes?: ReadonlyArray<{ name?: string; state?: NavigationStateLike | undefined } | undefined>;
}

/** A React Navigation container ref (`createNavigationContainerRef()` or `useNavigationContainerRef()`). */
export interface NavigationContainerRefLike {
  getCurrentRoute?: () => { name?: string } | undefined;
  current?: { getCurrentRoute?: () => { name?: string } | undefined } | null;
}

/** The focused route's name, following nested navigators down to the leaf. */
export function currentScreenName(state: NavigationStateLike | undefined | null): string | undefined {
  let s: NavigationStateLike | undefined | null = state;
  let name: string | undefined;
  for (let depth = 0; s && Array.isArray(s.routes) && s.routes.length > 0 && depth < 32; depth++) {
    const index = typeof s.index === "number" && s.index >= 0 && s.index < s.routes.length ? s.index : s.routes.length - 1;
    const route = s.routes[index];
    if (!route) break;
    if (typeof route.name === "string") name = route.name;
    s = route.state;
  }
  return name;
}

function routeOfRef(ref: NavigationContainerRefLike | null | undefined): string | undefined {
  try {
    if (!ref) return undefined;
    const direct = typeof ref.getCurrentRoute === "function" ? ref.getCurrentRoute() : undefined;
    const viaCurrent = !direct && ref.current && typeof ref.current.getCurrentRoute === "function"
      ? ref.current.getCurrentRoute() : undefined;
    const route = direct ?? viaCurrent;
    return route && typeof route.name === "string" ? route.name : undefined;
  } catch {
    return undefined;
  }
}

export interface NavigationTrackingOptions {
  /** The client to record on; default the current one (`init`). */
  client?: BloopClient;
  /** Maps a route name to the screen name sent (e.g. to merge routes); return undefined to skip. */
  screenName?: (routeName: string) => string | undefined;
}

/**
 * A tracker for a navigation container: call `onReady` when it is ready and `onStateChange(state)`
 * on every change; the focused route becomes the `screen`. Outside React (e.g. in a class).
 */
export function createNavigationTracker(ref?: NavigationContainerRefLike | null, options: NavigationTrackingOptions = {}):
  { onReady: () => void; onStateChange: (state?: NavigationStateLike) => void } {
  let last: string | undefined;
  const record = (state?: NavigationStateLike) => {
    try {
      const route = routeOfRef(ref) ?? currentScreenName(state);
      if (!route) return;
      const screen = options.screenName ? options.screenName(route) : route;
      if (screen === undefined || screen === last) return;
      last = screen;
      setScreen(screen, options.client ?? getClient());
    } catch {
      // a failing screenName callback must not break navigation
    }
  };
  return { onReady: () => record(), onStateChange: (state) => record(state) };
}

/**
 * The React hook: spread its result on React Navigation's container.
 *
 * ```tsx
 * const navigationRef = useNavigationContainerRef();
 * const tracking = useNavigationTracking(navigationRef);
 * <NavigationContainer ref={navigationRef} {...tracking}>...</NavigationContainer>
 * ```
 */
export function useNavigationTracking(ref?: NavigationContainerRefLike | null, options: NavigationTrackingOptions = {}):
  { onReady: () => void; onStateChange: (state?: NavigationStateLike) => void } {
  const latest = useRef(options);
  latest.current = options;
  const tracker = useMemo(
    () => createNavigationTracker(ref, {
      get client() {
        return latest.current.client;
      },
      screenName: (route) => (latest.current.screenName ? latest.current.screenName(route) : route),
    }),
    [ref],
  );
  const onReady = useCallback(() => tracker.onReady(), [tracker]);
  const onStateChange = useCallback((state?: NavigationStateLike) => tracker.onStateChange(state), [tracker]);
  return { onReady, onStateChange };
}

/**
 * Records `name` as the screen while the calling component is mounted (for apps without React
 * Navigation, or screens it does not know about). The screen before it is restored on unmount.
 */
export function useScreen(name: string, client?: BloopClient): void {
  useEffect(() => {
    const c = client ?? getClient();
    if (!c) return;
    const before = c.getDefaults().screen;
    setScreen(name, c);
    return () => {
      if (c.getDefaults().screen === name) setScreen(before, c);
    };
  }, [name, client]);
}
