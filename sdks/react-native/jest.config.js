// jest with the real React Native preset (its environment, module mocks and ErrorUtils); the
// SDK's TypeScript goes through ts-jest (type checking is `tsc`'s job: see test.sh).
const path = require("path");
const preset = require("@react-native/jest-preset");

module.exports = {
  preset: "@react-native/jest-preset",
  transform: {
    "^.+\\.tsx?$": ["ts-jest", { tsconfig: "tsconfig.test.json", diagnostics: false }],
    ...preset.transform,
  },
  transformIgnorePatterns: [
    "node_modules/(?!((jest-)?react-native|@react-native(-community)?|@react-native-async-storage)/)",
    // @bloop/sdk is linked from ../typescript: its built CommonJS runs as is
    path.resolve(__dirname, "..", "typescript").replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "/",
  ],
  testMatch: ["<rootDir>/test/**/*.test.ts?(x)"],
  testTimeout: 30000,
  maxWorkers: 1,
  cacheDirectory: "<rootDir>/.tmp/jest-cache",
};
