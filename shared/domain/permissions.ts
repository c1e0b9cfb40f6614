/**
 * The vocabulary of PERMISSIONS.md: tool levels and granular permissions.
 * (The policy table that maps each action to the levels allowed is built on this.)
 */
export const toolLevels = ['none', 'read_only', 'standard', 'admin'] as const;
export type ToolLevel = (typeof toolLevels)[number];

export const tools = ['commitments', 'head_contracts'] as const;
export type Tool = (typeof tools)[number];

export const granularPermissions = [
  'create_purchase_order_contract',
  'create_work_order_contract',
  'update_purchase_order_contract',
  'update_work_order_contract',
] as const;
export type GranularPermission = (typeof granularPermissions)[number];

/** `none < read_only < standard < admin` */
export function levelAtLeast(level: ToolLevel, minimum: ToolLevel): boolean {
  return toolLevels.indexOf(level) >= toolLevels.indexOf(minimum);
}
