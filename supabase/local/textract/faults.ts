// Scripted faults for the local Textract endpoint, so end-to-end tests can say "throttle the next
// two AnalyzeExpense calls, then succeed". Never on by default: rules come only from
// TEXTRACT_FAULTS (JSON) at start-up or from the guarded admin endpoint POST /__faults.
//
// A rule: {"fault": "throttle" | "server_error" | "malformed" | "delay" | "error",
//          "times": 1, "operation": "AnalyzeExpense"?, "ms": 500?, "type": "…"?, "status": 400?}
// Each authenticated request consumes the first rule that matches its operation and still has
// `times` left. `delay` waits `ms` and then answers normally; `error` answers `type`/`status`.

import { z } from 'npm:zod@^3.24.4';

const ruleSchema = z.object({
  fault: z.enum(['throttle', 'server_error', 'malformed', 'delay', 'error']),
  times: z.number().int().positive().default(1),
  operation: z.string().min(1).optional(),
  ms: z.number().int().min(0).max(600_000).optional(),
  type: z.string().min(1).optional(),
  status: z.number().int().min(400).max(599).optional(),
  message: z.string().optional(),
});

export type FaultRule = z.infer<typeof ruleSchema>;

export const faultsSchema = z.union([
  z.array(ruleSchema),
  z.object({ rules: z.array(ruleSchema) }).transform((o) => o.rules),
]);

/** What the server should do instead of (or before) answering normally. */
export type FaultAction =
  | { kind: 'respond'; status: number; type: string; message: string }
  | { kind: 'malformed' }
  | { kind: 'delay'; ms: number };

export class FaultInjector {
  #rules: FaultRule[] = [];

  constructor(rules: FaultRule[] = []) {
    this.set(rules);
  }

  /** Parses TEXTRACT_FAULTS; throws naming the variable when it is not valid. */
  static fromEnv(raw: string | undefined): FaultInjector {
    if (raw === undefined || raw.trim() === '') return new FaultInjector();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new Error('TEXTRACT_FAULTS must be JSON: a list of fault rules');
    }
    const r = faultsSchema.safeParse(parsed);
    if (!r.success) throw new Error(`TEXTRACT_FAULTS is invalid: ${r.error.issues[0].message}`);
    return new FaultInjector(r.data);
  }

  set(rules: FaultRule[]): void {
    this.#rules = rules.map((r) => ({ ...r }));
  }

  add(rules: FaultRule[]): void {
    this.#rules.push(...rules.map((r) => ({ ...r })));
  }

  /** Rules with their remaining `times`. */
  list(): FaultRule[] {
    return this.#rules.map((r) => ({ ...r }));
  }

  /** Consumes and returns the fault for this request, if any. */
  next(operation: string): FaultAction | null {
    const i = this.#rules.findIndex((r) =>
      r.times > 0 && (r.operation === undefined || r.operation === operation)
    );
    if (i < 0) return null;
    const rule = this.#rules[i];
    rule.times -= 1;
    if (rule.times === 0) this.#rules.splice(i, 1);
    switch (rule.fault) {
      case 'throttle':
        return {
          kind: 'respond',
          status: 400,
          type: rule.type ?? 'ThrottlingException',
          message: rule.message ?? 'Rate exceeded',
        };
      case 'server_error':
        return {
          kind: 'respond',
          status: rule.status ?? 500,
          type: rule.type ?? 'InternalServerError',
          message: rule.message ??
            'Amazon Textract experienced a service issue. Try your call again.',
        };
      case 'error':
        return {
          kind: 'respond',
          status: rule.status ?? 400,
          type: rule.type ?? 'InvalidParameterException',
          message: rule.message ?? 'Request has invalid parameters',
        };
      case 'malformed':
        return { kind: 'malformed' };
      case 'delay':
        return { kind: 'delay', ms: rule.ms ?? 1000 };
    }
  }
}
