/**
 * Race scenario files (scenarios/races/*.mmo): the `.mmo` language plus a
 * few directives naming the threads and the policies.
 *
 *   scenario NAME  one-line summary
 *   source  the linux-mm thread / commit it comes from
 *   policy  KIND VALUE…   the rules compared, oldest first (the last carries the fix);
 *                         KIND is cow, fault, mremap or split (kernel/policies.ts)
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
import { MmoSyntaxError, parseMmo, type MmoOp } from '../script/parse.js';
import { POLICY_VALUES, type Policies } from '../kernel/policies.js';

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

const DIRECTIVES = new Set(['scenario', 'source', 'policy', 'fails', 'bound', 'era', 'needs', 'thread', 'final']);
const NEEDS = ['thp'];

export function parseRaceFile(text: string, file = 'race.mmo'): RaceFile {
  const lines = text.split('\n');
  let name = '';
  let summary = '';
  let source = '';
  let policyKind: keyof Policies | undefined;
  let policies: string[] = [];
  let fails: string[] = [];
  let bound = 3;
  let eras: Era[] = ['2.6.21', '6.18'];
  let needs: string[] = [];
  // each section keeps only its own lines (the others blanked), so line numbers stay true
  const sections: { name: string; kind: 'setup' | 'thread' | 'final'; keep: Set<number> }[] = [{ name: 'setup', kind: 'setup', keep: new Set() }];
  lines.forEach((raw, i) => {
    const line = i + 1;
    const body = raw.replace(/#.*/, '');
    const words = body.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    const col = (w: number): number => body.indexOf(words[w]!) + 1;
    const bad = (w: number, reason: string): never => {
      throw new MmoSyntaxError(file, line, col(Math.min(w, words.length - 1)), reason);
    };
    const d = words[0]!;
    if (!DIRECTIVES.has(d)) {
      sections[sections.length - 1]!.keep.add(i);
      return;
    }
    const rest = body.slice(body.indexOf(d) + d.length).trim();
    switch (d) {
      case 'scenario':
        name = words[1] ?? bad(0, 'scenario needs a name');
        summary = rest.slice(name.length).trim();
        return;
      case 'source':
        source = rest;
        return;
      case 'policy': {
        const kind = words[1] as keyof Policies;
        if (!(kind in POLICY_VALUES)) bad(1, `policy kind '${words[1] ?? ''}' is not one of ${Object.keys(POLICY_VALUES).join(', ')}`);
        policyKind = kind;
        policies = words.slice(2);
        if (policies.length === 0) bad(1, `policy ${kind} names no values (${POLICY_VALUES[kind].join(', ')})`);
        policies.forEach((v, k) => {
          if (!(POLICY_VALUES[kind] as readonly string[]).includes(v)) bad(2 + k, `'${v}' is not a ${kind} policy (${POLICY_VALUES[kind].join(', ')})`);
        });
        return;
      }
      case 'fails':
        fails = words.slice(1);
        fails.forEach((v, k) => {
          if (!policies.includes(v)) bad(1 + k, `fails names '${v}', which the policy line does not list (${policies.join(', ') || 'no policy line above'})`);
        });
        return;
      case 'bound':
        bound = /^\d+$/.test(words[1] ?? '') ? Number(words[1]) : bad(1, `bound '${words[1] ?? ''}' is not a whole number`);
        return;
      case 'era':
        eras = words.slice(1).map((e, k) => (e === '2.6.21' || e === '6.18' ? e : bad(1 + k, `era '${e}' is not 2.6.21 or 6.18`)));
        return;
      case 'needs':
        needs = words.slice(1).map((n, k) => (NEEDS.includes(n) ? n : bad(1 + k, `needs '${n}' is not one of ${NEEDS.join(', ')}`)));
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
