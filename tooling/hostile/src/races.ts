/**
 * Mutations of race files: their directives (repeated, emptied, given values
 * outside their vocabulary or range, Object.prototype keys as names), and the
 * `.mmo` mutations of their op lines. The command that loads the file keeps
 * the search small (a preemption bound of 1, or 20 random schedules): the
 * parse and the setup are what is under test.
 */
import type { Mutant } from './mmo.js';
import { mutateMmo } from './mmo.js';
import type { Rng } from './prng.js';
import { NAME_VALUES, NUMBER_VALUES } from './values.js';

const REPEATABLE_NOT = ['scenario', 'source', 'policy', 'fails', 'bound', 'era', 'needs'] as const;
/** Directives whose empty form is refused (issue 9, point 4: "refused when repeated or empty"). */
const EMPTY_REFUSED = ['scenario', 'policy', 'fails', 'bound', 'era', 'needs', 'thread'] as const;

function directiveLines(lines: readonly string[], name: string): number[] {
  return lines.flatMap((l, i) => (l.trim().split(/\s+/)[0] === name ? [i] : []));
}

/** Put `line` after the last header directive (before the first op), so the change is a header change. */
function withHeader(lines: readonly string[], line: string): string[] {
  const copy = [...lines];
  const at = directiveLines(copy, 'bound')[0] ?? directiveLines(copy, 'policy')[0] ?? 0;
  copy.splice(at + 1, 0, line);
  return copy;
}

type Operator = (lines: string[], r: Rng) => Mutant | undefined;

const repeated: Operator = (lines, r) => {
  const present = REPEATABLE_NOT.filter((d) => directiveLines(lines, d).length > 0);
  if (present.length === 0) return undefined;
  const d = r.pick(present);
  const at = directiveLines(lines, d)[0]!;
  const copy = [...lines];
  copy.splice(at + 1, 0, lines[at]!);
  return { text: copy.join('\n'), expect: 'usage', why: `directive '${d}' given twice (line ${at + 2}): a repeated directive is refused, never a silent replacement` };
};

const emptied: Operator = (lines, r) => {
  const d = r.pick(EMPTY_REFUSED);
  const at = directiveLines(lines, d);
  const copy = at.length ? [...lines] : withHeader(lines, d);
  if (at.length) copy[at[0]!] = d;
  return { text: copy.join('\n'), expect: 'usage', why: `an empty '${d}' directive: refused` };
};

const badBound: Operator = (lines, r) => {
  const values = [
    { text: '1000', expect: 'usage' as const, why: 'bound 1000: past the explorer\'s range (0..64)' },
    { text: '65', expect: 'usage' as const, why: 'bound 65: past the explorer\'s range (0..64)' },
    ...NUMBER_VALUES,
    { text: '0x3', expect: 'survive' as const, why: 'bound 0x3: numbers may be hex' },
  ];
  const v = r.pick(values);
  const at = directiveLines(lines, 'bound');
  const copy = at.length ? [...lines] : withHeader(lines, 'bound 3');
  copy[at[0] ?? directiveLines(copy, 'bound')[0]!] = `bound ${v.text}`;
  return { text: copy.join('\n'), expect: v.expect, why: `bound '${v.text.length > 40 ? `${v.text.slice(0, 20)}…` : v.text}': ${v.why}` };
};

const badPolicy: Operator = (lines, r) => {
  const at = directiveLines(lines, 'policy')[0];
  if (at === undefined) return undefined;
  const words = lines[at]!.replace(/#.*/, '').trim().split(/\s+/);
  const name = r.pick(NAME_VALUES).text;
  const where = r.int(words.length - 1) + 1; // the kind or one of the values
  words[where] = name;
  const copy = [...lines];
  copy[at] = words.join(' ');
  return { text: copy.join('\n'), expect: 'usage', why: `policy ${where === 1 ? 'kind' : 'value'} '${name}' (line ${at + 1}): not in the vocabulary; looked up safely` };
};

const badList: Operator = (lines, r) => {
  const d = r.pick(['needs', 'era', 'fails'] as const);
  const bad = r.pick([...NAME_VALUES.map((v) => v.text), ...(d === 'era' ? ['3.0', '2.6.20', '6.18.2'] : [])]);
  const at = directiveLines(lines, d)[0];
  const copy = at === undefined ? withHeader(lines, `${d} ${bad}`) : [...lines];
  if (at !== undefined) copy[at] = `${lines[at]!.replace(/#.*/, '').trimEnd()} ${bad}`;
  return { text: copy.join('\n'), expect: 'usage', why: `${d} '${bad}': not a known ${d === 'fails' ? 'policy of the policy line' : d === 'era' ? 'era' : 'capability'}` };
};

const ops: Operator = (lines, r) => {
  const m = mutateMmo(lines.join('\n'), r);
  return m.operator === 'none' ? undefined : { ...m, kind: `ops:${m.operator}`, why: `op lines: ${m.why}` };
};

const WEIGHTS: readonly [Operator, number][] = [[repeated, 3], [emptied, 2], [badBound, 2], [badPolicy, 2], [badList, 2], [ops, 5]];

export function mutateRace(text: string, r: Rng): Mutant {
  const lines = text.split('\n');
  const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  for (let attempt = 0; attempt < 20; attempt++) {
    let x = r.int(total);
    const [op] = WEIGHTS.find(([, w]) => (x -= w) < 0)!;
    const m = op(lines, r);
    if (m) return { ...m, kind: m.kind ?? op.name };
  }
  return { text, expect: 'survive', why: 'no operator applied: the race unchanged' };
}
