/**
 * `@bloop/react-native`: bloop for React Native apps (iOS and Android, Hermes), in JavaScript only.
 * Built on `@bloop/sdk`'s core; see README.md.
 */
export {
  init, whenRestored, persistUnsent, persistenceState, setScreen, DEFAULT_STORAGE_KEY, type ReactNativeOptions,
} from "./client";
export { memoryStorage, defaultStorage, asyncStorageIfInstalled, type BloopStorage } from "./storage";
export { platformSource, deviceMetadata, isHermes } from "./device";
export {
  currentScreenName, createNavigationTracker, useNavigationTracking, useScreen, type NavigationStateLike,
  type NavigationContainerRefLike, type NavigationTrackingOptions,
} from "./navigation";
export { ErrorBoundary, withErrorBoundary, COMPONENT_STACK_BYTES, type ErrorBoundaryProps, type FallbackProps } from "./ErrorBoundary";
export {
  BloopClient, getClient, captureException, captureMessage, capture, flush, close, setDefaults, pureSigner,
  fetchTransport, type BloopOptions, type BloopEvent, type EventContext, type Signer, type Transport,
  type TransportRequest, type TransportResponse, type Integration, type ClientStats, type Logger,
} from "@bloop/sdk";
