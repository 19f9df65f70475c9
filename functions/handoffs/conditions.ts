/** Evaluates a playbook's conditions against what a handoff knows (pure). */
import { readFact, type FactName, type HandoffContext } from './facts';
import type { Condition, Template } from './playbook';

const same = (a: unknown, b: unknown): boolean => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b);

export const holds = (condition: Condition, context: HandoffContext): boolean => {
  const actual = readFact(context, condition.fact as FactName);
  const { value } = condition;
  switch (condition.op) {
    case 'exists':
      return actual !== undefined && actual !== '';
    case 'missing':
      return actual === undefined || actual === '';
    case 'eq':
      return same(actual, value);
    case 'ne':
      return !same(actual, value);
    case 'in':
      return Array.isArray(value) && value.some((v) => same(actual, v));
    case 'gte':
      return typeof actual === 'number' && typeof value === 'number' && actual >= value;
    case 'lte':
      return typeof actual === 'number' && typeof value === 'number' && actual <= value;
  }
};

export const allHold = (conditions: readonly Condition[], context: HandoffContext): boolean => conditions.every((c) => holds(c, context));

/** The first template whose `when` holds, or undefined ("fits no template"). */
export const chooseTemplate = (templates: readonly Template[], context: HandoffContext): Template | undefined => templates.find((t) => allHold(t.when, context));
