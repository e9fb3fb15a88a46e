/**
 * What the app runs on, from `Platform` (no native module of our own): the event `source` and a few
 * metadata fields about the device and OS.
 */
import { Platform } from "react-native";

const SOURCE = /^[a-z0-9_-]{1,32}$/;

/** `ios` / `android` (or `macos`, `windows`, `web` on those platforms); `react-native` otherwise. */
export function platformSource(): string {
  try {
    const os = String(Platform.OS);
    return SOURCE.test(os) ? os : "react-native";
  } catch {
    return "react-native";
  }
}

function text(v: unknown): string | undefined {
  if (typeof v === "string" && v.trim() !== "") return v;
  if (typeof v === "number" && isFinite(v)) return String(v);
  return undefined;
}

/** Whether the JavaScript engine is Hermes. */
export function isHermes(): boolean {
  const g = globalThis as unknown as { HermesInternal?: unknown };
  return typeof g.HermesInternal === "object" && g.HermesInternal !== null;
}

/**
 * Device facts for the event metadata: `os`, `os_version`, `device_model` (Android: manufacturer
 * and model; iOS exposes no model to JavaScript, so `device_idiom` says phone/pad/tv),
 * `react_native_version`, `js_engine`. Absent facts are left out. Never throws.
 */
export function deviceMetadata(): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    const p = Platform as unknown as { OS?: string; Version?: unknown; constants?: Record<string, unknown> };
    const c = (p.constants ?? {}) as Record<string, unknown>;
    const os = text(p.OS);
    if (os) out.os = os;
    const version = os === "android" ? text(c.Release) ?? text(p.Version) : text(c.osVersion) ?? text(p.Version);
    if (version) out.os_version = version;
    if (os === "android") {
      if (text(c.Version) ?? text(p.Version)) out.android_api_level = (text(c.Version) ?? text(p.Version)) as string;
      const maker = text(c.Manufacturer) ?? text(c.Brand);
      const model = text(c.Model);
      if (model) out.device_model = maker && !model.toLowerCase().startsWith(maker.toLowerCase()) ? `${maker} ${model}` : model;
    } else if (os === "ios") {
      const idiom = text(c.interfaceIdiom);
      if (idiom) out.device_idiom = idiom;
    }
    const rn = c.reactNativeVersion as { major?: number; minor?: number; patch?: number; prerelease?: string | null } | undefined;
    if (rn && typeof rn.major === "number") {
      out.react_native_version = `${rn.major}.${rn.minor ?? 0}.${rn.patch ?? 0}${rn.prerelease ? `-${rn.prerelease}` : ""}`;
    }
    out.js_engine = isHermes() ? "hermes" : "other";
  } catch {
    // Platform missing or odd: send what we have
  }
  return out;
}
