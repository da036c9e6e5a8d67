/**
 * Race scenario files (scenarios/races/*.mmo): the `.mmo` language plus a
 * few directives naming the threads and the policies.
 *
 *   scenario NAME  one-line summary
 *   source  the linux-mm thread / commit it comes from
 *   policy  KIND VALUE…   the rules compared, oldest first (the last carries the fix);
 *                         KIND is cow, fault, mremap or split (model/policies.ts)
 *   fails   VALUE…        the policies under which the search must find a failure
 *   bound   N             the preemption bound of the acceptance search
 *   era     2.6.21 6.18   the eras it applies to (default both)
 *   needs   thp           what a backend variant must support
 *   thread  NAME          the ops below run in a new thread (`@child` ops in the child)
 *   final                 the ops below run after every thread has finished
 *
 * Ops before the first `thread` set the machine up, run whole. Nothing in
 * the file says how the threads interleave: the explorer finds that.
 */
import { lineWords, MmoSyntaxError, parseMmo, type MmoOp } from '../script/parse.js';
import { POLICY_VALUES, type Policies } from '../model/policies.js';
import { BadValue, shorten, whole } from '../script/values.js';

export type Era = '2.6.21' | '6.18';

export interface RaceFile {
  /** the file it was read from (for error messages) */
  readonly file: string;
  readonly name: string;
  readonly summary: string;
  readonly source: string;
  readonly policyKind: keyof Policies;
  readonly policies: readonly string[];
  readonly failsUnder: readonly string[];
  readonly bound: number;
  readonly eras: readonly Era[];
  readonly needs: readonly string[];
  readonly setup: readonly MmoOp[];
  readonly threads: readonly { readonly name: string; readonly ops: readonly MmoOp[] }[];
  readonly final: readonly MmoOp[];
}

/** The directives of a race file, in the order docs/mmo.md lists them. */
export const RACE_DIRECTIVES: readonly string[] = ['scenario', 'source', 'policy', 'fails', 'bound', 'era', 'needs', 'thread', 'final'];
const DIRECTIVES = new Set(RACE_DIRECTIVES);
/** directives a file gives at most once (thread and final open sections, as many as wanted) */
const ONCE = new Set(['scenario', 'source', 'policy', 'fails', 'bound', 'era', 'needs']);
const NEEDS = ['thp'];
const ERAS: readonly Era[] = ['2.6.21', '6.18'];
/** The preemption bounds the explorer accepts (`mmsim explore --bound`): 0 … 64. */
export const MAX_RACE_BOUND = 64;

/** The values of a policy kind, looked up by own key only ('constructor' or '__proto__' is no kind). */
function policyValues(kind: string): readonly string[] | undefined {
  return Object.hasOwn(POLICY_VALUES, kind) ? (POLICY_VALUES[kind as keyof Policies] as readonly string[]) : undefined;
}

export function parseRaceFile(text: string, file = 'race.mmo'): RaceFile {
  const lines = text.split('\n');
  let name = '';
  let summary = '';
  let source = '';
  let policyKind: keyof Policies | undefined;
  let policies: string[] = [];
  let fails: string[] = [];
  let bound = 3;
  let eras: Era[] = [...ERAS];
  let needs: string[] = [];
  /** the line each once-only directive was given on */
  const given = new Map<string, number>();
  // each section keeps only its own lines (the others blanked), so line numbers stay true
  const sections: { name: string; kind: 'setup' | 'thread' | 'final'; keep: Set<number> }[] = [{ name: 'setup', kind: 'setup', keep: new Set() }];
  lines.forEach((raw, i) => {
    const line = i + 1;
    const { body, words, columns } = lineWords(raw);
    if (words.length === 0) return;
    const bad = (w: number, reason: string): never => {
      throw new MmoSyntaxError(file, line, columns[Math.min(w, words.length - 1)]!, reason);
    };
    const d = words[0]!;
    if (!DIRECTIVES.has(d)) {
      sections[sections.length - 1]!.keep.add(i);
      return;
    }
    if (ONCE.has(d)) {
      const first = given.get(d);
      if (first !== undefined) bad(0, `'${d}' is given again (first on line ${first}); valid: one '${d}' line per file`);
      given.set(d, line);
      if (words.length < 2) bad(0, `'${d}' needs a value`);
    }
    const rest = body.slice(columns[0]! - 1 + d.length).trim();
    switch (d) {
      case 'scenario':
        name = words[1]!;
        summary = rest.slice(name.length).trim();
        return;
      case 'source':
        source = rest;
        return;
      case 'policy': {
        const values = policyValues(words[1]!);
        if (!values) return bad(1, `policy kind '${shorten(words[1]!)}' is not a known kind; valid: ${Object.keys(POLICY_VALUES).join(', ')}`);
        const kind = words[1] as keyof Policies;
        policyKind = kind;
        policies = words.slice(2);
        if (policies.length === 0) bad(1, `policy ${kind} names no values; valid: ${values.join(', ')}`);
        policies.forEach((v, k) => {
          if (!values.includes(v)) bad(2 + k, `'${shorten(v)}' is not a ${kind} policy; valid: ${values.join(', ')}`);
          if (policies.indexOf(v) !== k) bad(2 + k, `policy '${v}' is named twice; valid: each value once`);
        });
        return;
      }
      case 'fails':
        fails = words.slice(1);
        fails.forEach((v, k) => {
          if (!policies.includes(v)) bad(1 + k, `fails names '${shorten(v)}', which the policy line does not list; valid: ${policies.join(', ') || 'a policy line above it'}`);
        });
        return;
      case 'bound':
        if (words.length > 2) bad(2, `bound takes one number, got ${words.length - 1}`);
        try {
          bound = whole(words[1]!, MAX_RACE_BOUND, 'bound');
        } catch (error) {
          if (error instanceof BadValue) bad(1, `${error.message} (the preemption bound the explorer accepts)`);
          throw error;
        }
        return;
      case 'era':
        eras = words.slice(1).map((e, k) => (ERAS.includes(e as Era) ? (e as Era) : bad(1 + k, `era '${shorten(e)}' is not a known era; valid: ${ERAS.join(', ')}`)));
        return;
      case 'needs':
        needs = words.slice(1).map((n, k) => (NEEDS.includes(n) ? n : bad(1 + k, `needs '${shorten(n)}' is not a known need; valid: ${NEEDS.join(', ')}`)));
        return;
      case 'thread':
        sections.push({ name: words[1] ?? bad(0, 'thread needs a name'), kind: 'thread', keep: new Set() });
        return;
      case 'final':
        sections.push({ name: 'final', kind: 'final', keep: new Set() });
        return;
    }
  });
  if (!name) throw new MmoSyntaxError(file, 1, 1, "a race scenario needs a 'scenario NAME summary' line");
  if (!policyKind) throw new MmoSyntaxError(file, 1, 1, "a race scenario needs a 'policy KIND VALUE…' line");
  const opsOf = (keep: Set<number>): readonly MmoOp[] => parseMmo(lines.map((l, i) => (keep.has(i) ? l : '')).join('\n'), file).ops;
  const threads = sections.filter((s) => s.kind === 'thread').map((s) => ({ name: s.name, ops: opsOf(s.keep) }));
  if (threads.length < 2) throw new MmoSyntaxError(file, 1, 1, `a race scenario needs at least 2 threads, ${name} has ${threads.length}`);
  return {
    file,
    name,
    summary,
    source,
    policyKind,
    policies,
    failsUnder: fails,
    bound,
    eras,
    needs,
    setup: opsOf(sections[0]!.keep),
    threads,
    final: sections.filter((s) => s.kind === 'final').flatMap((s) => opsOf(s.keep)),
  };
}
