// SM3 (GM/T 0004-2012) in the browser, so a document can be verified without sending it anywhere: the Verify page
// hashes the chosen file here and asks the ledger only about its hash. Loaded as a module by the evidence pages.

const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];
const rotl = (x, n) => ((x << (n & 31)) | (x >>> ((32 - n) & 31))) >>> 0;
const p0 = x => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
const p1 = x => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;

function compress(v, block, offset) {
  const w = new Uint32Array(68);
  const w1 = new Uint32Array(64);
  for (let i = 0; i < 16; i++) {
    const o = offset + i * 4;
    w[i] = ((block[o] << 24) | (block[o + 1] << 16) | (block[o + 2] << 8) | block[o + 3]) >>> 0;
  }
  for (let i = 16; i < 68; i++) w[i] = (p1(w[i - 16] ^ w[i - 9] ^ rotl(w[i - 3], 15)) ^ rotl(w[i - 13], 7) ^ w[i - 6]) >>> 0;
  for (let i = 0; i < 64; i++) w1[i] = (w[i] ^ w[i + 4]) >>> 0;
  let [a, b, c, d, e, f, g, h] = v;
  for (let j = 0; j < 64; j++) {
    const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
    const ss1 = rotl((rotl(a, 12) + e + rotl(t, j % 32)) >>> 0, 7);
    const ss2 = (ss1 ^ rotl(a, 12)) >>> 0;
    const ff = j < 16 ? (a ^ b ^ c) : ((a & b) | (a & c) | (b & c));
    const gg = j < 16 ? (e ^ f ^ g) : ((e & f) | (~e & g));
    const tt1 = (ff + d + ss2 + w1[j]) >>> 0;
    const tt2 = (gg + h + ss1 + w[j]) >>> 0;
    d = c; c = rotl(b, 9); b = a; a = tt1;
    h = g; g = rotl(f, 19); f = e; e = p0(tt2);
  }
  return [a ^ v[0], b ^ v[1], c ^ v[2], d ^ v[3], e ^ v[4], f ^ v[5], g ^ v[6], h ^ v[7]].map(x => x >>> 0);
}

export function sm3Hex(bytes) {
  const length = bytes.length;
  const padded = new Uint8Array((((length + 9 + 63) >> 6) << 6));
  padded.set(bytes);
  padded[length] = 0x80;
  const bits = length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(padded.length - 4, bits >>> 0);
  let v = IV.slice();
  for (let offset = 0; offset < padded.length; offset += 64) v = compress(v, padded, offset);
  return v.map(x => x.toString(16).padStart(8, '0')).join('');
}

/** The SM3 of the first file chosen in an <input type=file>, with its name and size; null when none is chosen. */
export async function hashFile(input) {
  const file = input && input.files && input.files[0];
  if (!file) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { name: file.name, size: file.size, hash: sm3Hex(bytes) };
}
