/**
 * Where crash events wait for the next start. Any object with AsyncStorage's three methods will do
 * (`@react-native-async-storage/async-storage`, an MMKV wrapper, a file in tests). The default is
 * AsyncStorage when the app has it installed, else memory (which does not survive a crash: the
 * events then only get the bounded flush before the app dies).
 */

/** The subset of AsyncStorage the SDK uses; sync or async methods both work. */
export interface BloopStorage {
  getItem(key: string): Promise<string | null | undefined> | string | null | undefined;
  setItem(key: string, value: string): Promise<unknown> | unknown;
  removeItem(key: string): Promise<unknown> | unknown;
}

/** A storage kept in this JavaScript context only: lost when the app dies. */
export function memoryStorage(): BloopStorage & { readonly persistent: false } {
  const items = new Map<string, string>();
  return {
    persistent: false,
    getItem: (key) => (items.has(key) ? (items.get(key) as string) : null),
    setItem: (key, value) => {
      items.set(key, String(value));
    },
    removeItem: (key) => {
      items.delete(key);
    },
  };
}

type AsyncStorageModule = {
  default?: Partial<BloopStorage>;
  createAsyncStorage?: (name: string) => Partial<BloopStorage>;
} & Partial<BloopStorage>;

function isStorage(s: unknown): s is BloopStorage {
  const o = s as Partial<BloopStorage> | null | undefined;
  return !!o && typeof o.getItem === "function" && typeof o.setItem === "function" && typeof o.removeItem === "function";
}

/**
 * `@react-native-async-storage/async-storage` when it is installed (v3: its own `bloop` database via
 * `createAsyncStorage`; v1/v2: the default instance), else `undefined`. Never throws.
 */
export function asyncStorageIfInstalled(): BloopStorage | undefined {
  let mod: AsyncStorageModule | undefined;
  try {
    // A literal require inside try/catch: Metro treats it as an optional dependency, so an app
    // without the package still bundles, and this throws at run time instead.
    mod = require("@react-native-async-storage/async-storage") as AsyncStorageModule;
  } catch {
    return undefined;
  }
  try {
    if (mod && typeof mod.createAsyncStorage === "function") {
      const own = mod.createAsyncStorage("bloop");
      if (isStorage(own)) return own;
    }
    const legacy = mod && (mod.default ?? mod);
    return isStorage(legacy) ? legacy : undefined;
  } catch {
    return undefined;
  }
}

/** The default storage: AsyncStorage when installed, else memory. */
export function defaultStorage(): BloopStorage {
  return asyncStorageIfInstalled() ?? memoryStorage();
}
