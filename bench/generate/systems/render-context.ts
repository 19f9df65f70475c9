/**
 * What a system renderer receives: the true world, its own random stream, its ledger and its
 * vendor's id factory. Renderers for different systems never share a stream, so adding a field
 * to one system does not change what another system holds.
 */
import type { VendorIds } from '../ids';
import type { SystemLedger } from '../ledger';
import type { HardNegative, TrueWorld } from '../model';
import type { Rng } from '../rng';

export interface RenderContext {
  world: TrueWorld;
  rng: Rng;
  ledger: SystemLedger;
  ids: VendorIds;
  /** Traps that exist only in one system (shared mailboxes) are added here. */
  hardNegatives: HardNegative[];
}
