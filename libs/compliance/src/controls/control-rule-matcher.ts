import type { ControlRule } from '@app/database';

import { normaliseControls } from './control-ids';

/** What a rule looks at: the alert's type, source and labels. */
export interface ControlSubject {
  type: string;
  source: string;
  labels: Record<string, unknown>;
}

/** A rule ready to be evaluated many times (ingestion evaluates every alert in memory). */
export interface CompiledRule {
  id: string;
  controls: string[];
  types: ReadonlySet<string> | null;
  source: string | null;
  labels: [string, string][];
}

export function compileRule(rule: Pick<ControlRule, 'id' | 'controls' | 'matchTypes' | 'matchSource' | 'matchLabels'>): CompiledRule {
  return {
    id: rule.id,
    controls: rule.controls,
    types: rule.matchTypes.length ? new Set(rule.matchTypes) : null,
    source: rule.matchSource ? rule.matchSource.toLowerCase() : null,
    labels: Object.entries((rule.matchLabels ?? {}) as Record<string, string>),
  };
}

/**
 * Every condition a rule gives must hold: the type is one of its types, the source contains its source
 * (case-insensitive, as the list's `source` filter), and every label it names has its value.
 */
export function ruleMatches(rule: CompiledRule, subject: ControlSubject): boolean {
  if (rule.types && !rule.types.has(subject.type)) return false;
  if (rule.source !== null && !subject.source.toLowerCase().includes(rule.source)) return false;
  return rule.labels.every(([key, value]) => subject.labels[key] === value);
}

/** The controls of every matching rule, plus `given` ones, once each, sorted. */
export function matchControls(rules: readonly CompiledRule[], subject: ControlSubject, given: Iterable<string> = []): string[] {
  const controls = new Set(given);
  for (const rule of rules) if (ruleMatches(rule, subject)) for (const control of rule.controls) controls.add(control);
  return normaliseControls(controls);
}
