// A MODEL of the vendor directory's rule, for readings held in memory; the rule itself is the
// database's (migration 20261122000340_vendor_directory.sql, tested in supabase/tests/
// vendor_directory and tests/e2e/vendor-directory.test.ts). Within one organisation, every receipt
// that carries a tax id takes the most confident reading of the shop's name seen for that id, when
// that is more confident than its own. Only the accuracy harness (scripts/eval-receipts.ts) uses
// it, to score a folder as if its receipts had settled in one organisation. Pure.

export interface VendorReading {
  vendor: string | null;
  /** 0..1 confidence of the vendor reading */
  vendorConfidence: number;
  /** normalised tax/registration number (tax-id.ts), or null */
  taxId: string | null;
}

/** The readings with the directory applied (new objects where the name changed). */
export function applyVendorDirectory<T extends VendorReading>(readings: readonly T[]): T[] {
  const best = new Map<string, { vendor: string; confidence: number }>();
  for (const r of readings) {
    if (r.taxId === null || r.vendor === null) continue;
    const known = best.get(r.taxId);
    if (!known || r.vendorConfidence > known.confidence) {
      best.set(r.taxId, { vendor: r.vendor, confidence: r.vendorConfidence });
    }
  }
  return readings.map((r) => {
    const known = r.taxId === null || r.vendor === null ? undefined : best.get(r.taxId);
    if (!known || known.vendor === r.vendor || known.confidence <= r.vendorConfidence) return r;
    return { ...r, vendor: known.vendor, vendorConfidence: known.confidence };
  });
}
