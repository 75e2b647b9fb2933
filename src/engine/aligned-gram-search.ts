// Does a buffer contain any of a set of ASCII literals of at least WINDOW bytes? Looks at one
// 4-aligned position in four instead of every byte: each literal gets a window of WINDOW (6)
// bytes, and any 6 consecutive bytes hold the first GRAM (3) bytes of a 4-aligned word, which are
// then one of the window's four 3-byte grams. So a word whose first three bytes are none of the
// windows' grams rules out every literal around it, and only a word that holds one (rare, as the
// windows are chosen for rare grams) is checked against the literals that hold that gram.
//
// Why not an Aho-Corasick automaton (what the scanner used before): its loop follows a chain of dependent table loads,
// one per byte, and costs about 2.5 ns a byte on the 1.34 GB of a whole tree; this loop reads a
// word, hashes it and tests one table entry, with nothing carried from one word to the next, at
// about 0.5 to 0.7 ns a byte (numbers from the same run, see keyword-scanner.ts). Windows of 7
// bytes and 4-byte grams confirm three times fewer words, but leave one more of the rules'
// keywords (dst_mm) to a search of its own, which costs more than those confirmations.

export const WINDOW = 6;
const GRAM = 3;
/** The first GRAM bytes of a native-endian word read through a Uint32Array. */
const GRAM_MASK = new Int32Array(Uint8Array.from([0xff, 0xff, 0xff, 0]).buffer)[0];

// Printable ASCII from most to least frequent in the 6.12 tree's .c and .h files (one in three
// files, counted once): ranks the bytes so that windows avoid "_", "e", "t". Only speed depends
// on it; any order gives the same answers.
const BY_FREQUENCY = ' _eti0rnsdaEcoTSCARfIluPpDLNF,MmOx)(*;1hgGvb2UB-=#VH/>k3.KwX4y8"{}65WY&q79[]:<Qz+Z\\|%!j@\'J?~^$`';

/** How common a byte is, from 1 (rare) to 96 (space). */
export function commonness(byte: number): number {
  const rank = BY_FREQUENCY.indexOf(String.fromCharCode(byte));
  return rank < 0 ? 1 : BY_FREQUENCY.length + 1 - rank;
}

export class AlignedGramSearch {
  private readonly literals: Uint8Array[];
  /** Open hash of the grams, perfect for this set: slot -> gram (a masked native-endian word), or 0. */
  private readonly keys: Int32Array;
  /** slot -> 1 + index into `first` of that gram's candidates (0: no gram). */
  private readonly slots: Uint16Array;
  /** Candidates of gram g: entries first[g] .. first[g + 1] - 1 of `literal` and `offset`. */
  private readonly first: number[] = [0];
  private readonly literal: number[] = [];
  /** Where the gram starts inside that literal. */
  private readonly offset: number[] = [];
  private readonly multiplier: number;
  private readonly shift: number;

  constructor(literals: readonly string[]) {
    this.literals = literals.map((l) => {
      if (l.length < WINDOW || !/^[\x01-\x7f]+$/.test(l)) throw new Error(`literal '${l}' must be ASCII of at least ${WINDOW} bytes`);
      return Buffer.from(l, 'latin1');
    });
    const candidates = new Map<number, { literal: number; offset: number }[]>();
    this.literals.forEach((bytes, literal) => {
      const start = rarestWindow(bytes);
      for (let offset = start; offset + GRAM <= start + WINDOW; offset++) {
        const gram = gramAt(bytes, offset);
        let list = candidates.get(gram);
        if (!list) candidates.set(gram, (list = []));
        list.push({ literal, offset });
      }
    });
    const grams = [...candidates.keys()];
    const { multiplier, bits } = perfectHash(grams);
    this.multiplier = multiplier;
    this.shift = 32 - bits;
    this.keys = new Int32Array(1 << bits);
    this.slots = new Uint16Array(1 << bits);
    grams.forEach((gram, g) => {
      const slot = Math.imul(gram, multiplier) >>> this.shift;
      this.keys[slot] = gram;
      this.slots[slot] = g + 1;
      for (const c of candidates.get(gram)!) {
        this.literal.push(c.literal);
        this.offset.push(c.offset);
      }
      this.first.push(this.literal.length);
    });
  }

  /** Any of the literals in these bytes? (A literal that ends the buffer is found by the gram after the last whole word.) */
  in(bytes: Uint8Array): boolean {
    // Words aligned in the underlying memory (a Uint32Array view must be), whatever the view's offset.
    const lead = (4 - (bytes.byteOffset & 3)) & 3;
    const count = Math.max(0, (bytes.length - lead) >> 2);
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + lead, count);
    const { keys, multiplier, shift } = this;
    for (let i = 0; i < count; i++) {
      const word = words[i] & GRAM_MASK;
      const slot = Math.imul(word, multiplier) >>> shift;
      // A zero word (four NULs) is no gram of an ASCII literal, so the empty slots' 0 never matches one.
      if (keys[slot] === word && word !== 0 && this.confirm(bytes, lead + 4 * i, this.slots[slot] - 1)) return true;
    }
    // The gram at the aligned position after the last whole word, when there is room for one.
    const at = lead + 4 * count;
    if (at + GRAM <= bytes.length) {
      const word = gramAt(bytes, at);
      const slot = Math.imul(word, multiplier) >>> shift;
      if (keys[slot] === word && this.confirm(bytes, at, this.slots[slot] - 1)) return true;
    }
    return false;
  }

  /** Does one of gram g's literals sit around position `at`, where the gram was seen? */
  private confirm(bytes: Uint8Array, at: number, g: number): boolean {
    for (let c = this.first[g]; c < this.first[g + 1]; c++) {
      const literal = this.literals[this.literal[c]];
      const start = at - this.offset[c];
      if (start < 0 || start + literal.length > bytes.length) continue;
      let k = 0;
      while (k < literal.length && bytes[start + k] === literal[k]) k++;
      if (k === literal.length) return true;
    }
    return false;
  }
}

/** The native-endian int32 a Uint32Array view reads from these four bytes. */
function gramAt(bytes: Uint8Array, offset: number): number {
  // A copy: a Buffer's own slice() is a view into a shared pool, not a fresh ArrayBuffer.
  const copy = new Uint8Array(4);
  copy.set(bytes.subarray(offset, offset + GRAM));
  return new Int32Array(copy.buffer)[0];
}

/** Start of the literal's WINDOW bytes whose grams are least common (the first on a tie). */
function rarestWindow(bytes: Uint8Array): number {
  let best = 0;
  let bestCost = Infinity;
  for (let start = 0; start + WINDOW <= bytes.length; start++) {
    let cost = 0;
    for (let g = start; g + GRAM <= start + WINDOW; g++) {
      let p = 1;
      for (let k = g; k < g + GRAM; k++) p *= commonness(bytes[k]);
      cost += p;
    }
    if (cost < bestCost) {
      bestCost = cost;
      best = start;
    }
  }
  return best;
}

/**
 * A multiplier and table size with which `Math.imul(gram, m) >>> (32 - bits)` sends no two
 * grams to the same slot, so the search loop tests one slot per word. Deterministic: the same
 * grams always get the same table.
 */
function perfectHash(grams: readonly number[]): { multiplier: number; bits: number } {
  let seed = 0x9e3779b9;
  for (let bits = Math.max(8, Math.ceil(Math.log2(grams.length + 1)) + 4); ; bits++) {
    for (let attempt = 0; attempt < 64; attempt++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) | 0;
      const multiplier = seed | 1;
      const used = new Set<number>();
      if (grams.every((g) => !used.has(Math.imul(g, multiplier) >>> (32 - bits)) && used.add(Math.imul(g, multiplier) >>> (32 - bits)))) {
        return { multiplier, bits };
      }
    }
  }
}
