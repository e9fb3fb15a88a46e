// A storage kept in a JSON file (what AsyncStorage is on a device: it outlives the process).
"use strict";
const fs = require("node:fs");

module.exports = function fileStorage(file) {
  const read = () => {
    try {
      return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      return {};
    }
  };
  const write = (items) => fs.writeFileSync(file, JSON.stringify(items));
  return {
    getItem: async (key) => (key in read() ? read()[key] : null),
    setItem: async (key, value) => {
      const items = read();
      items[key] = value;
      write(items);
    },
    removeItem: async (key) => {
      const items = read();
      delete items[key];
      write(items);
    },
  };
};
