/**
 * A React error boundary that reports what it catches (with React's component stack) and renders
 * a fallback instead of the broken tree.
 */
import * as React from "react";
import type { BloopClient, EventContext } from "@bloop/sdk";
import { getClient, truncateUtf8 } from "@bloop/sdk";

export interface FallbackProps {
  error: unknown;
  componentStack: string | undefined;
  /** Renders the children again (e.g. from a "Try again" button). */
  resetError: () => void;
}

export interface ErrorBoundaryProps {
  children?: React.ReactNode;
  /** Shown instead of the children after an error; a function gets the error and `resetError`. Default: nothing. */
  fallback?: React.ReactNode | ((props: FallbackProps) => React.ReactNode);
  /** Called after the error was captured. */
  onError?: (error: unknown, componentStack: string | undefined) => void;
  /** Called when `resetError` is used. */
  onReset?: (error: unknown) => void;
  /** Context sent with the event (route, screen, metadata, …). */
  context?: EventContext;
  /** The client to report to; default the current one (`init`). */
  client?: BloopClient;
}

interface State {
  error: unknown;
  componentStack: string | undefined;
  hasError: boolean;
}

/** Bytes of the component stack kept in the metadata (which is capped at 4 KB in all). */
export const COMPONENT_STACK_BYTES = 1500;

export class ErrorBoundary extends React.Component<ErrorBoundaryProps, State> {
  state: State = { error: undefined, componentStack: undefined, hasError: false };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error, hasError: true };
  }

  componentDidCatch(error: unknown, info: React.ErrorInfo): void {
    const componentStack = typeof info?.componentStack === "string" ? info.componentStack : undefined;
    this.setState({ componentStack });
    const { context, client, onError } = this.props;
    const c = client ?? getClient();
    if (c) {
      const metadata: Record<string, unknown> = { ...(context?.metadata ?? {}), mechanism: "ErrorBoundary", handled: true };
      if (componentStack) metadata.component_stack = truncateUtf8(componentStack.trim(), COMPONENT_STACK_BYTES);
      c.captureException(error, { ...context, metadata });
    }
    if (onError) onError(error, componentStack);
  }

  resetError = (): void => {
    const { error } = this.state;
    this.setState({ error: undefined, componentStack: undefined, hasError: false });
    if (this.props.onReset) this.props.onReset(error);
  };

  render(): React.ReactNode {
    if (!this.state.hasError) return this.props.children;
    const { fallback } = this.props;
    if (typeof fallback === "function") {
      return fallback({ error: this.state.error, componentStack: this.state.componentStack, resetError: this.resetError });
    }
    return fallback ?? null;
  }
}

/** Wraps a component in an `ErrorBoundary` (e.g. `export default withErrorBoundary(App, {fallback})`). */
export function withErrorBoundary<P extends object>(Component: React.ComponentType<P>, boundary: ErrorBoundaryProps = {}):
  React.FunctionComponent<P> {
  const Wrapped: React.FunctionComponent<P> = (props: P) => (
    <ErrorBoundary {...boundary}>
      <Component {...props} />
    </ErrorBoundary>
  );
  Wrapped.displayName = `withErrorBoundary(${Component.displayName || Component.name || "Component"})`;
  return Wrapped;
}
