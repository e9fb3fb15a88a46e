// Used by babel-jest for React Native's own sources (Flow) under the real jest preset.
module.exports = {
  presets: ["module:@react-native/babel-preset"],
};
