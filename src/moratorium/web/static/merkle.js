// RFC 9162 Merkle inclusion proofs verified in the browser with WebCrypto SHA-256.
// Leaf hash = SHA-256(0x00 || leaf), node hash = SHA-256(0x01 || left || right) (RFC 9162 §2.1.1);
// the verification loop is the algorithm of RFC 9162 §2.1.3.2.
'use strict';

const hexToBytes = (hex) => new Uint8Array(hex.match(/../g).map((b) => parseInt(b, 16)));
const bytesToHex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');

async function sha256(...parts) {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(len);
  let off = 0;
  for (const p of parts) { buf.set(p, off); off += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

async function hashLeaf(leafBytes) { return sha256(Uint8Array.of(0), leafBytes); }
async function hashChildren(l, r) { return sha256(Uint8Array.of(1), l, r); }

// Returns the root computed from the leaf and the proof, or throws if the proof has the wrong shape.
async function rootFromInclusionProof(leafHash, index, size, proof) {
  if (index >= size) throw new Error(`index ${index} is not below size ${size}`);
  let fn = index, sn = size - 1, r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new Error('proof is too long');
    if ((fn & 1) === 1 || fn === sn) {
      r = await hashChildren(p, r);
      if ((fn & 1) === 0) { while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; } }
    } else {
      r = await hashChildren(r, p);
    }
    fn >>= 1; sn >>= 1;
  }
  if (sn !== 0) throw new Error('proof is too short');
  return r;
}

// Verify that `leafText` (the stored canonical JSON) is entry `index` of a tree of `size` with root `rootHex`.
async function verifyInclusion(leafText, index, size, proofHex, rootHex) {
  const leafHash = await hashLeaf(new TextEncoder().encode(leafText));
  const root = await rootFromInclusionProof(leafHash, index, size, proofHex.map(hexToBytes));
  const calculated = bytesToHex(root);
  return {ok: calculated === rootHex, calculated, expected: rootHex, leafHash: bytesToHex(leafHash)};
}
