// The parts of `react-native` the SDK uses, as on an Android device.
"use strict";
const os = process.env.RN_OS || "android";
module.exports = {
  Platform: {
    OS: os,
    Version: os === "android" ? 34 : "17.4",
    constants: os === "android"
      ? { Version: 34, Release: "14", Model: "Pixel 8", Manufacturer: "Google", Brand: "google",
          reactNativeVersion: { major: 0, minor: 86, patch: 3 } }
      : { osVersion: "17.4", systemName: "iOS", interfaceIdiom: "phone", reactNativeVersion: { major: 0, minor: 86, patch: 3 } },
  },
  AppState: {
    currentState: "active",
    addEventListener: () => ({ remove() {} }),
  },
};
