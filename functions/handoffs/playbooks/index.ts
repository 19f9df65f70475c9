/**
 * The shipped playbooks, one JSON file each. Imported (not read from disk) so the Lambda bundle
 * carries them; `loadPlaybooks` checks them against the runtime when a function starts.
 */
import closedWon from './closed-won.json';
import leadToOpportunity from './lead-to-opportunity.json';
import onboardingToSuccess from './onboarding-to-success.json';
import renewal from './renewal.json';

export const SHIPPED_PLAYBOOKS: readonly { source: string; content: unknown }[] = [
  { source: 'closed-won.json', content: closedWon },
  { source: 'lead-to-opportunity.json', content: leadToOpportunity },
  { source: 'onboarding-to-success.json', content: onboardingToSuccess },
  { source: 'renewal.json', content: renewal },
];
