// An app's entry file (index.js): start bloop first, then register the app.
import { AppRegistry } from "react-native";
import { App } from "./App";
import { startBloop } from "./bloop";

startBloop();
AppRegistry.registerComponent("BloopExample", () => App);
