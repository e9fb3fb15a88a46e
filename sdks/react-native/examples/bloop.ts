// Start bloop before the app renders (in an app: `import * as Bloop from "@bloop/react-native"`).
import * as Bloop from "../src";

export function startBloop(overrides: Partial<Bloop.ReactNativeOptions> = {}): Bloop.BloopClient {
  return Bloop.init({
    endpoint: "https://bloop.example.com",
    secret: "the-project-ingest-secret", // shipped in the app: give the app its own project
    projectKey: "bloop_pk_example",
    environment: __DEV__ ? "development" : "production",
    release: "shop-mobile@1.4.2",
    appVersion: "1.4.2", // e.g. from react-native-device-info's getVersion() or expo-application
    buildNumber: "142", // getBuildNumber() / nativeBuildVersion
    ...overrides,
  });
}
