// The one Redis capability tallyq's Lua users need (rate limits, the Textract governor); the TCP
// and Upstash adapters do EVALSHA with a fallback to EVAL.

export interface ScriptRunner {
  eval(script: string, keys: string[], args: (string | number)[]): Promise<unknown>;
}
