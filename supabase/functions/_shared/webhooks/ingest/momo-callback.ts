// MTN MoMo callbacks are not signed: the platform POSTs (or PUTs) the transaction's final state,
// once, to the X-Callback-Url the request named, from a host registered for the API user. So we
// make the URL the credential: each request-to-pay / transfer gets
//   <functions>/payments-webhook/momo?product=collection&ref=<X-Reference-Id>&sig=<hex>
// with sig = HMAC-SHA256(MOMO_CALLBACK_SECRET, `momo-callback:v1:<product>:<ref>`). A callback is
// accepted only for the reference and product it was issued for, compared in constant time.
// (MoMo's docs also advise polling GET …/requesttopay/<ref> when no callback arrives.)
import { WebhookSignatureError } from './errors.ts';
import { hexDigestEquals, hmacSha256 } from './hmac.ts';

export type MomoProduct = 'collection' | 'disbursement';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const payload = (product: string, ref: string) =>
  `momo-callback:v1:${product}:${ref.toLowerCase()}`;

/** The X-Callback-Url to send with a MoMo request whose X-Reference-Id is `ref`. */
export function momoCallbackUrl(base: string, secret: string, product: MomoProduct, ref: string) {
  const sig = hmacSha256(secret, payload(product, ref)).toString('hex');
  return `${
    base.replace(/\/$/, '')
  }/payments-webhook/momo?product=${product}&ref=${ref}&sig=${sig}`;
}

export function verifyMomoCallback(url: URL, secrets: readonly string[]) {
  if (secrets.length === 0) throw new Error('No MoMo callback secret configured');
  const ref = url.searchParams.get('ref') ?? '';
  const product = url.searchParams.get('product') ?? '';
  const sig = url.searchParams.get('sig');
  if (!sig) throw new WebhookSignatureError('missing_signature', 'MoMo callback URL has no sig');
  if (!UUID.test(ref) || (product !== 'collection' && product !== 'disbursement')) {
    throw new WebhookSignatureError(
      'invalid_signature_header',
      'MoMo callback URL must name product (collection|disbursement) and ref (a UUID)',
    );
  }
  const ok = secrets.map((s) => hexDigestEquals(hmacSha256(s, payload(product, ref)), sig))
    .includes(true);
  if (!ok) {
    throw new WebhookSignatureError('signature_mismatch', 'MoMo callback sig does not match');
  }
  return { referenceId: ref.toLowerCase(), product: product as MomoProduct };
}
