// A small app bundled by esbuild (see build.sh): two modules so the map has two sources.
import { priceOf } from "./pricing";

export interface Item {
  sku: string;
  quantity: number;
}

export function checkout(items: Item[]): number {
  let total = 0;
  for (const item of items) {
    total += priceOf(item.sku) * item.quantity;
  }
  return total;
}

const items: Item[] = [{ sku: "apple", quantity: 2 }, { sku: "unknown-sku", quantity: 1 }];
try {
  console.log(checkout(items));
} catch (e) {
  console.log((e as Error).stack);
}
