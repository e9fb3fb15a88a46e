const PRICES: Record<string, number> = { apple: 3, pear: 4 };

export function priceOf(sku: string): number {
  const price = PRICES[sku];
  if (price === undefined) {
    throw new TypeError("Cannot price sku " + sku);
  }
  return price;
}
