// Checks that the product and the reference answer the same request with the same spans: the
// same candles, label and bounds, and confidences that differ only by float rounding.
//   node compare.js PRODUCT_URL PRODUCT_BODY_FILE PRODUCT_CONTENT_TYPE REFERENCE_URL REFERENCE_BODY_FILE
// $BENCH_AUTHORIZATION, when set, goes with the product's request as its Authorization header.
// Prints one JSON line {product, reference, same, maxConfidenceDiff}; exits 1 if the spans differ.
const fs = require('node:fs');

async function spans(url, file, contentType, authorization) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
    body: fs.readFileSync(file),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body.spans;
}

async function main() {
  const [productUrl, productBody, productType, referenceUrl, referenceBody] = process.argv.slice(2);
  const ours = await spans(productUrl, productBody, productType, process.env.BENCH_AUTHORIZATION);
  const theirs = await spans(referenceUrl, referenceBody, 'application/json');
  const key = (s) => `${s.label}@${s.start}..${s.end}`;
  const same = ours.length === theirs.length && ours.every((s, i) => key(s) === key(theirs[i]));
  const maxConfidenceDiff = same
    ? Math.max(0, ...ours.map((s, i) => Math.abs(s.confidence - theirs[i].confidence)))
    : null;
  console.log(JSON.stringify({ product: ours.length, reference: theirs.length, same, maxConfidenceDiff }));
  if (!same) {
    console.error('product:  ', ours.map(key).join(' '));
    console.error('reference:', theirs.map(key).join(' '));
    process.exit(1);
  }
}
main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
