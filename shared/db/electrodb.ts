/**
 * The parts of ElectroDB we run, taken from its source files with the package's own types: its index
 * also loads Service (19 KB), which only joined the entities into one object. Entities are bound to the
 * table one by one instead (service.ts), and transactions run over them with createWriteTransaction.
 */
import type * as ElectroDB from 'electrodb';
import { Entity as entityClass } from 'electrodb/src/entity.js';
import { CustomAttributeType as customAttributeType } from 'electrodb/src/schema.js';
import { createConversions as conversions } from 'electrodb/src/conversions.js';
import { createWriteTransaction as writeTransactionOver } from 'electrodb/src/transaction.js';

/**
 * Each entity is built in an arrow function called at once and marked @__PURE__: esbuild then leaves
 * out every entity a function does not name (a pure call's arguments would stay: they read tableKeys).
 */
export const Entity = entityClass as typeof ElectroDB.Entity;
export const CustomAttributeType = customAttributeType as typeof ElectroDB.CustomAttributeType;
export const createConversions = conversions as typeof ElectroDB.createConversions;
export const createWriteTransaction = writeTransactionOver as typeof ElectroDB.createWriteTransaction;
