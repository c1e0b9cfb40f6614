// ElectroDB's source files have no types of their own: shared/db/electrodb.ts gives them the package's.
declare module 'electrodb/src/entity.js' {
  export const Entity: unknown;
}
declare module 'electrodb/src/schema.js' {
  export const CustomAttributeType: unknown;
}
declare module 'electrodb/src/conversions.js' {
  export const createConversions: unknown;
}
declare module 'electrodb/src/transaction.js' {
  export const createWriteTransaction: unknown;
}
