// A React Native JavaScript runtime, as far as crash handling goes, in plain Node (a child process):
// - `react-native` resolves to a small stand-in (Platform, AppState);
// - `ErrorUtils` is React Native's own (@react-native/js-polyfills/error-guard.js, its Flow types
//   stripped by Babel);
// - the global handler is set as React Native's setUpErrorHandling does, to a stand-in for
//   ExceptionsManager.handleException: a fatal error is reported to "native", which ends the
//   process (Android kills it after an uncaught exception; here: SIGKILL, nothing runs after it);
// - `callFromNative(fn)` calls app code as React Native's MessageQueue does (__guard): a throw
//   goes to ErrorUtils.reportFatalError.
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const stub = path.join(__dirname, "react-native-stub.js");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === "react-native") return stub;
  return resolve.call(this, request, ...rest);
};

globalThis.__DEV__ = process.env.RN_DEV === "1";

const guardFile = require.resolve("@react-native/js-polyfills/error-guard.js");
const babel = require("@babel/core");
const { code } = babel.transformSync(fs.readFileSync(guardFile, "utf8"), {
  filename: guardFile, babelrc: false, configFile: false,
  plugins: [require.resolve("@babel/plugin-transform-flow-strip-types")],
});
const guard = new Module(guardFile, module);
guard.filename = guardFile;
guard._compile(code, guardFile);

function out(line) {
  fs.writeSync(1, line + "\n");
}

// React Native's default global handler (setUpErrorHandling → ExceptionsManager.handleException).
globalThis.ErrorUtils.setGlobalHandler((error, isFatal) => {
  out(`RN_DEFAULT_HANDLER ${JSON.stringify({ message: error && error.message, isFatal, at: Date.now() })}`);
  if (isFatal) process.kill(process.pid, "SIGKILL");
});

function callFromNative(fn) {
  try {
    fn();
  } catch (error) {
    globalThis.ErrorUtils.reportFatalError(error);
  }
}

module.exports = { callFromNative, out };
