/** Attribute shapes more than one entity stores. */

/** Retainage settings: percentages are exact decimal strings ("10", "7.5"), each bucket can be off. */
export const retainageAttribute = {
  type: 'map',
  required: true,
  properties: {
    workPercent: { type: 'string', required: true },
    workEnabled: { type: 'boolean', required: true },
    materialsPercent: { type: 'string', required: true },
    materialsEnabled: { type: 'boolean', required: true },
  },
} as const;
