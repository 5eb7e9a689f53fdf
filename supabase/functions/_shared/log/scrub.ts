// PII scrubber: runs over every string before it is logged. Each detector is precise enough that
// ordinary log content (dates, amounts, uuids, receipt ids) survives: card numbers must pass Luhn,
// IBANs mod-97, phone numbers need a leading + or a grouped national format.

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// Vendor-prefixed secrets (Stripe, Supabase, AWS, GitHub, Slack, Google, OpenAI-style).
const API_KEY =
  /\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|whsec_[A-Za-z0-9]{8,}|sb_secret_[A-Za-z0-9_-]{8,}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|sk-[A-Za-z0-9_-]{20,})\b/g;
// key=value / "key": "value" where the key names a secret.
const SECRET_ASSIGNMENT =
  /\b((?:api[_-]?key|apikey|secret|password|passwd|token|access[_-]?key|private[_-]?key)["']?\s*[:=]\s*["']?)([^\s"',;&]{4,})/gi;
const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
// A phone number is a whole group run: never part of a longer run of digit groups (card-like).
const PHONE_INTERNATIONAL =
  /(?<![\w+])\+\d{1,3}[\s.-]?(?:\(?\d{1,4}\)?[\s.-]?){2,5}\d{2,4}(?![\s.-]?\d)/g;
const PHONE_NATIONAL = /(?<![\w-]|\d[\s.-])\(?0?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{3,4}(?![\s.-]?\d)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function ibanValid(candidate: string): boolean {
  const iban = candidate.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

const digitCount = (s: string) => s.replace(/\D/g, '').length;

/** Replaces personal data and secrets in free text with `[kind]` markers. */
export function scrubText(text: string): string {
  return text
    .replace(JWT, '[jwt]')
    .replace(BEARER, (_m, scheme: string) => `${scheme} [token]`)
    .replace(API_KEY, '[api_key]')
    .replace(SECRET_ASSIGNMENT, (_m, key: string) => `${key}[secret]`)
    .replace(EMAIL, '[email]')
    .replace(IBAN_CANDIDATE, (m) => ibanValid(m) ? '[iban]' : m)
    .replace(CARD_CANDIDATE, (m) => luhnValid(m.replace(/\D/g, '')) ? '[card]' : m)
    .replace(PHONE_INTERNATIONAL, (m) => digitCount(m) >= 8 && digitCount(m) <= 15 ? '[phone]' : m)
    .replace(PHONE_NATIONAL, (m) => digitCount(m) >= 9 && digitCount(m) <= 12 ? '[phone]' : m);
}

// Field names whose values are personal or secret whatever they look like.
const SENSITIVE_KEY =
  /^(?:authorization|cookie|set-cookie|password|passwd|secret|token|access_token|refresh_token|api_?key|apikey|x-api-key|email|phone|phone_number|card_number|iban|ssn)$/i;

/** Deep copy of a log payload with sensitive keys redacted and every string scrubbed. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[truncated]';
  if (value instanceof Error) {
    return { name: value.name, message: scrubText(value.message) };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SENSITIVE_KEY.test(key) && v != null ? '[redacted]' : scrub(v, depth + 1);
  }
  return out;
}
