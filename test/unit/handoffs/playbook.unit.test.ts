import { loadPlaybook, loadPlaybooks, loadPlaybookSet, PlaybookError } from '../../../functions/handoffs/playbook';
import { SHIPPED_PLAYBOOKS } from '../../../functions/handoffs/playbooks';

const ALL_TARGETS = { targets: new Set(['erp', 'crm', 'pm', 'calendar', 'email']) };

const closedWon = SHIPPED_PLAYBOOKS.find((f) => f.source === 'closed-won.json')!.content as Record<string, unknown>;
const withChanges = (changes: Record<string, unknown>) => ({ ...structuredClone(closedWon), ...changes });

const problemsOf = (content: unknown, capabilities = ALL_TARGETS, source = 'closed-won.json'): string[] => {
  try {
    loadPlaybook(source, content, capabilities);
    return [];
  } catch (error) {
    if (error instanceof PlaybookError) return error.problems;
    throw error;
  }
};

describe('playbooks as data', () => {
  it('loads every shipped playbook on a runtime with every target', () => {
    expect(loadPlaybooks(SHIPPED_PLAYBOOKS, ALL_TARGETS).map((p) => p.name)).toEqual(['closed-won', 'lead-to-opportunity', 'onboarding-to-success', 'renewal']);
  });

  it('refuses a file of the wrong shape with the path of each problem', () => {
    expect(problemsOf(withChanges({ trigger: { kind: 'opportunityLost' }, steps: [] }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^trigger\.kind: /), expect.stringMatching(/^steps: /)]),
    );
    expect(problemsOf(withChanges({ surprise: true }))).toEqual([expect.stringMatching(/surprise/)]);
  });

  it('refuses conditions on facts it does not know, or does not know on that trigger', () => {
    expect(problemsOf(withChanges({ conditions: [{ fact: 'opportunity.amout', op: 'gte', value: 1 }] }))).toEqual([expect.stringMatching(/no fact "opportunity.amout"/)]);
    expect(problemsOf(withChanges({ conditions: [{ fact: 'subscription.plan', op: 'eq', value: 'pro' }] }))).toEqual([expect.stringMatching(/not known when a handoff starts on opportunityWon/)]);
    expect(problemsOf(withChanges({ conditions: [{ fact: 'account.region', op: 'gte', value: 3 }] }))).toEqual([expect.stringMatching(/compares numbers only/)]);
  });

  it('refuses steps the runtime cannot do, in an order that cannot work, or missing template values', () => {
    const steps = [
      { id: 'order', kind: 'erp.salesOrder' },
      { id: 'customer', kind: 'erp.customer' },
      { id: 'teleport', kind: 'crm.teleport' },
      { id: 'renewal', kind: 'crm.renewalOpportunity' },
    ];
    const problems = problemsOf(withChanges({ steps }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/step 1 \(order\): erp.salesOrder needs an earlier erp.customer step/),
        expect.stringMatching(/step 3 \(teleport\): no step kind "crm.teleport"/),
        expect.stringMatching(/step 4 \(renewal\): crm.renewalOpportunity cannot run on a opportunityWon trigger/),
        expect.stringMatching(/step 4 \(renewal\): crm.renewalOpportunity needs "renewalStage" in every template/),
      ]),
    );
    expect(problemsOf(closedWon, { targets: new Set(['erp', 'crm', 'calendar', 'email']) })).toEqual([expect.stringMatching(/pm.project needs the pm target, which is not configured/)]);
  });

  it('refuses a playbook whose name is not its file name', () => {
    expect(problemsOf(closedWon, ALL_TARGETS, 'playbooks/closed-lost.json')).toEqual([expect.stringMatching(/is not the file's name/)]);
  });

  it('keeps what can run and refuses the rest, followers of a refused playbook included', () => {
    const { playbooks, refused } = loadPlaybookSet(SHIPPED_PLAYBOOKS, { targets: new Set(['crm']) });
    expect(playbooks.map((p) => p.name)).toEqual(['lead-to-opportunity', 'renewal']);
    expect(refused.map((r) => r.source).sort()).toEqual(['closed-won.json', 'onboarding-to-success.json']);
    expect(refused.find((r) => r.source === 'onboarding-to-success.json')?.problems).toEqual([expect.stringMatching(/waits for a project of "closed-won", which is not loaded/)]);
    expect(() => loadPlaybooks(SHIPPED_PLAYBOOKS, { targets: new Set(['crm']) })).toThrow(PlaybookError);
  });
});
