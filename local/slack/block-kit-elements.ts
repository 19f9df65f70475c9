/**
 * Where interactive elements sit inside Block Kit blocks: an actions block's elements, a
 * section's accessory, an input block's element. The validator (unique action ids), the id
 * filler (Slack gives every element an action_id), the view state (one entry per input) and the
 * simulated clicks all need the same walk, so it is written once here.
 */

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface PlacedElement {
  element: JsonObject;
  block: JsonObject;
  /** The JSON pointer of the element below the blocks array's own pointer, e.g. `/2/elements/0`. */
  pointer: string;
}

/** Every interactive element of the blocks, in display order; malformed parts are skipped (the validator reports them). */
export const interactiveElements = (blocks: readonly unknown[]): PlacedElement[] => {
  const placed: PlacedElement[] = [];
  for (const [index, block] of blocks.entries()) {
    if (!isObject(block)) continue;
    if (Array.isArray(block.elements) && (block.type === 'actions' || block.type === 'context_actions')) {
      for (const [position, element] of block.elements.entries()) if (isObject(element)) placed.push({ element, block, pointer: `/${index}/elements/${position}` });
    }
    if (isObject(block.accessory)) placed.push({ element: block.accessory, block, pointer: `/${index}/accessory` });
    if (block.type === 'input' && isObject(block.element)) placed.push({ element: block.element, block, pointer: `/${index}/element` });
  }
  return placed;
};

/** Element types that only display (an image accessory), which carry no action_id. */
const NON_INTERACTIVE = new Set(['image']);

export const isInteractive = (element: JsonObject): boolean => typeof element.type === 'string' && !NON_INTERACTIVE.has(element.type);

/**
 * The blocks as Slack stores them: each block has a block_id and each interactive element an
 * action_id, generated where the app gave none. A copy; the given blocks are left as they are.
 */
export const withSlackIds = (blocks: readonly unknown[], ids: { blockId(): string; actionId(): string }): unknown[] => {
  const copy = structuredClone(blocks) as unknown[];
  for (const block of copy) if (isObject(block) && block.block_id === undefined) block.block_id = ids.blockId();
  for (const { element } of interactiveElements(copy)) if (isInteractive(element) && element.action_id === undefined) element.action_id = ids.actionId();
  return copy;
};
